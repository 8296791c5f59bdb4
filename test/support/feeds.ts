import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { XMLValidator } from "fast-xml-parser";
import FeedParser from "feedparser";

/** Parses an Atom document with a real feed parser (strict: malformed XML is an error). */
export async function parseAtom(xml: string): Promise<{ meta: FeedParser.Meta; items: FeedParser.Item[] }> {
  const valid = XMLValidator.validate(xml);
  assert.equal(valid, true, `not well-formed XML: ${JSON.stringify(valid)}`);
  return new Promise((resolve, reject) => {
    const parser = new FeedParser({ strict: true, normalize: true, addmeta: false });
    const items: FeedParser.Item[] = [];
    let meta: FeedParser.Meta | undefined;
    parser.on("error", reject);
    parser.on("meta", (m: FeedParser.Meta) => (meta = m));
    parser.on("readable", () => {
      let item: FeedParser.Item | null;
      while ((item = parser.read())) items.push(item);
    });
    parser.on("end", () => (meta?.["#type"] === "atom" ? resolve({ meta, items }) : reject(new Error(`not Atom: ${meta?.["#type"]}`))));
    Readable.from([xml]).pipe(parser);
  });
}
