import { inflateRawSync } from "node:zlib";
import { parseDocument } from "htmlparser2";
import type { ChildNode, Document, Element } from "domhandler";

/**
 * Reading an EPUB (a ZIP holding XHTML documents and a package document) without a ZIP library:
 * the ZIP's central directory names every entry and where it starts, and each entry is stored or
 * deflated (node:zlib inflates it). Only what an importer needs: the package document's
 * metadata and the spine's documents in reading order. Pure: bytes in, text out.
 *
 * A damaged file is an `EpubError` with a sentence saying what is wrong, never a crash.
 */

export class EpubError extends Error {}

/** The entries of a ZIP archive, by name; each read (and inflated) when asked for. */
export interface ZipEntries {
  names: string[];
  read(name: string): Buffer | undefined;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
/** No EPUB an archive makes holds an entry this large; a bigger size is a damaged or hostile file. */
const MAX_ENTRY_BYTES = 256 * 1024 * 1024;

/** Whether the bytes start like a ZIP file ("PK\3\4"). */
export function looksLikeZip(bytes: Buffer): boolean {
  return bytes.length >= 4 && bytes.readUInt32LE(0) === LOCAL_HEADER;
}

/** The ZIP's entries, read from its central directory; throws EpubError when it cannot be read. */
export function readZip(bytes: Buffer): ZipEntries {
  // The end record is in the last 64 KiB + 22 bytes (its comment is at most 65,535 bytes).
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (bytes.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) {
      end = at;
      break;
    }
  }
  if (end < 0) throw new EpubError("the ZIP file is damaged or cut short (no central directory at its end)");
  const count = bytes.readUInt16LE(end + 10);
  const directoryStart = bytes.readUInt32LE(end + 16);
  const entries = new Map<string, { method: number; compressedSize: number; size: number; localHeader: number }>();
  let at = directoryStart;
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== CENTRAL_ENTRY) throw new EpubError("the ZIP file is damaged (its central directory is unreadable)");
    const method = bytes.readUInt16LE(at + 10);
    const compressedSize = bytes.readUInt32LE(at + 20);
    const size = bytes.readUInt32LE(at + 24);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    const localHeader = bytes.readUInt32LE(at + 42);
    const name = bytes.subarray(at + 46, at + 46 + nameLength).toString("utf8");
    entries.set(name, { method, compressedSize, size, localHeader });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return {
    names: [...entries.keys()],
    read(name) {
      const entry = entries.get(name);
      if (!entry) return undefined;
      const header = entry.localHeader;
      if (header + 30 > bytes.length || bytes.readUInt32LE(header) !== LOCAL_HEADER) throw new EpubError(`the ZIP file is damaged (entry ${name} is unreadable)`);
      const dataStart = header + 30 + bytes.readUInt16LE(header + 26) + bytes.readUInt16LE(header + 28);
      if (entry.size > MAX_ENTRY_BYTES || dataStart + entry.compressedSize > bytes.length) throw new EpubError(`the ZIP file is damaged or cut short (entry ${name})`);
      const data = bytes.subarray(dataStart, dataStart + entry.compressedSize);
      if (entry.method === 0) return Buffer.from(data);
      if (entry.method !== 8) throw new EpubError(`entry ${name} uses a ZIP compression method (${entry.method}) EPUB does not allow`);
      try {
        return inflateRawSync(data, { maxOutputLength: MAX_ENTRY_BYTES });
      } catch {
        throw new EpubError(`the ZIP file is damaged (entry ${name} does not inflate)`);
      }
    },
  };
}

/** One entry of the package document's metadata: `dc:title`, `meta` … with its attributes and text. */
export interface EpubMetadataItem {
  /** The element's name as written, lower-cased ("dc:title", "meta"). */
  name: string;
  attributes: Record<string, string>;
  text: string;
}

/** An EPUB opened for reading. */
export interface Epub {
  /** The package document's metadata, in document order. */
  metadata: EpubMetadataItem[];
  /** The spine's documents in reading order: the path inside the ZIP and the XHTML text. */
  spine: { path: string; text: string }[];
  /** The text of any entry by its path inside the ZIP (the title page, the NCX …), or undefined. */
  entryText(path: string): string | undefined;
}

export function isElement(node: ChildNode): node is Element {
  return node.type === "tag" || node.type === "script" || node.type === "style";
}

/** Every element under `nodes`, in document order. */
export function elementsIn(nodes: ChildNode[]): Element[] {
  const out: Element[] = [];
  const walk = (list: ChildNode[]) => {
    for (const node of list) {
      if (!isElement(node)) continue;
      out.push(node);
      walk(node.children);
    }
  };
  walk(nodes);
  return out;
}

/** An element's text, entities decoded. */
export function textOf(node: ChildNode): string {
  if (node.type === "text") return node.data;
  if (isElement(node) || node.type === "cdata" || node.type === "root") return (node as Element).children.map(textOf).join("");
  return "";
}

function parseXml(text: string): Document {
  return parseDocument(text, { xmlMode: true, decodeEntities: true });
}

const decodeUtf8 = (bytes: Buffer) => bytes.toString("utf8").replace(/^\uFEFF/, "");

/** Resolves `href` (relative to the document at `from`) to a path inside the ZIP. */
function resolvePath(from: string, href: string): string {
  const base = from.includes("/") ? from.slice(0, from.lastIndexOf("/") + 1) : "";
  const parts: string[] = [];
  for (const part of `${base}${decodeURIComponent(href.split("#")[0]!)}`.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== "." && part !== "") parts.push(part);
  }
  return parts.join("/");
}

/** Opens an EPUB: its container, package document and spine; throws EpubError when it is not one. */
export function readEpub(bytes: Buffer): Epub {
  const zip = readZip(bytes);
  const text = (path: string) => {
    const entry = zip.read(path);
    return entry === undefined ? undefined : decodeUtf8(entry);
  };
  const container = text("META-INF/container.xml");
  if (container === undefined) throw new EpubError("the ZIP file is not an EPUB (it has no META-INF/container.xml)");
  const rootfile = elementsIn(parseXml(container).children).find((el) => el.name.toLowerCase().endsWith("rootfile") && el.attribs["full-path"]);
  const opfPath = rootfile?.attribs["full-path"];
  const opfText = opfPath ? text(opfPath) : undefined;
  if (!opfPath || opfText === undefined) throw new EpubError("the EPUB's container names no package document it holds");
  const opf = elementsIn(parseXml(opfText).children);
  const local = (el: Element) => el.name.toLowerCase().replace(/^.*:/, "");
  const metadataElement = opf.find((el) => local(el) === "metadata");
  const metadata: EpubMetadataItem[] = metadataElement
    ? elementsIn(metadataElement.children).map((el) => ({ name: el.name.toLowerCase(), attributes: el.attribs, text: textOf(el).trim() }))
    : [];
  const manifest = new Map(opf.filter((el) => local(el) === "item" && el.attribs.id).map((el) => [el.attribs.id!, el.attribs.href ?? ""]));
  const spine: Epub["spine"] = [];
  for (const itemref of opf.filter((el) => local(el) === "itemref")) {
    const href = manifest.get(itemref.attribs.idref ?? "");
    if (!href) continue;
    const path = resolvePath(opfPath, href);
    const document = text(path);
    if (document === undefined) throw new EpubError(`the EPUB's spine names ${path}, which it does not hold`);
    spine.push({ path, text: document });
  }
  if (spine.length === 0) throw new EpubError("the EPUB has no documents to read (its spine is empty)");
  return { metadata, spine, entryText: (path) => text(resolvePath(opfPath, path)) ?? text(path) };
}
