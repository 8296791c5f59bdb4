/**
 * The API against its own OpenAPI document, property-based: for every operation the document
 * lists, requests are generated from the document's schemas (parameters and bodies, whatever they
 * are today: nothing here names an operation's fields) and sent, as a guest and with several
 * tokens, to an archive seeded with works, a series, a bookmark and a comment. Each answer must be
 * below 500, of a status the operation documents, and of that status's documented shape; and a
 * request the document accepts must not be refused (400 or 422) for a rule the document could
 * have stated. The rules no JSON Schema can state (state of the archive, today's date, a sum
 * across lists, HTML that sanitizes to nothing, the search language's grammar) are listed in
 * UNSTATABLE, each as its field and its message, and each is written in its field's description.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import fc from "fast-check";
import { ApiClient, apiWork } from "../../test/support/api.js";
import { appWithUser } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeCreator } from "../../test/support/factories.js";
import { t, type MessageKey } from "../platform/i18n/index.js";
import { createSeriesBookmark } from "../responses/commands.js";
import { addWorkToSeries, createSeries } from "../series/commands.js";
import { createToken } from "./commands.js";

type Json = any;

/** Runs per operation and dialect: about a minute per dialect on a shared two-core machine. */
const RUNS = Number(process.env.FANFOLD_CONTRACT_RUNS ?? 40);

/** A message of the catalogue as a test of messages: its fixed text around the placeholders. */
function messageOf(key: MessageKey): (message: string) => boolean {
  const parts = t(key, new Proxy({}, { get: () => "\u0000", has: () => true }) as Record<string, string>).split("\u0000");
  return (message) => {
    let at = 0;
    for (const part of parts) {
      const found = message.indexOf(part, at);
      if (found < 0 || (at === 0 && found !== 0 && parts[0] !== "")) return false;
      at = found + part.length;
    }
    return true;
  };
}

/**
 * The rules a schema cannot state, by the field a 422 names (as `errors[].field`) and the message
 * it gives; `when` narrows one to the requests it can apply to.
 */
const UNSTATABLE: { field: string; message: MessageKey; why: string; when?: (request: Sent) => boolean }[] = [
  { field: "pseud_ids", message: "works.creator_required", why: "whose pseuds they are depends on the caller" },
  { field: "expected_chapters", message: "works.expected_below_posted", why: "depends on the chapters the work has" },
  { field: "published_on", message: "works.date_future", why: "depends on today's date" },
  { field: "freeforms", message: "works.too_many_tags", why: "a sum across four lists" },
  { field: "content", message: "comments.blank", why: "HTML that sanitizes to nothing", when: (r) => /</.test(String(r.body?.content)) },
  { field: "parent_id", message: "error.NOT_FOUND", why: "which comments exist" },
  { field: "chapter_id", message: "error.NOT_FOUND", why: "which chapters exist" },
  { field: "id", message: "api.bookmark_draft", why: "whether the work is a draft" },
  { field: "series.id", message: "series.not_yours", why: "whose series it is depends on the caller" },
  // Co-creators, gifts and related works: which users, pseuds, blocks and works exist.
  ...(["cocreators.unknown", "cocreators.ambiguous", "cocreators.self", "cocreators.you_blocked", "cocreators.blocked_you", "cocreators.blocked_other", "cocreators.too_many"] as const).map((message) => ({ field: "co_creators", message, why: "which pseuds exist and who blocked whom" })),
  ...(["gifts.self", "gifts.creator", "gifts.ambiguous", "gifts.blocked", "gifts.refused_before", "gifts.too_many"] as const).map((message) => ({ field: "recipients", message, why: "which pseuds exist, whose they are and who blocked whom" })),
  ...(["related.url_invalid", "related.no_such_work", "related.self", "related.blocked", "related.title_required", "related.author_required"] as const).map((message) => ({
    field: "related_works",
    message,
    why: "what an address names depends on the archive's own address and on which works exist",
  })),
];
/** 400s a schema-valid request may get: the search language's grammar. */
const GRAMMAR_FIELDS = new Set(["q", "work_search[query]"]);

interface Sent {
  method: string;
  path: string;
  body?: Json;
  token: string | null;
}

// ---- generating requests from JSON Schema ---------------------------------------------------------

/** Text of the kinds people type: letters of several scripts, digits, punctuation, spaces, newlines, markup characters. */
const CHAR = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789     \n\t.,;:!?'\"-_()[]/&#@+*<>%=~", ..."\u00e9\u00fc\u00df\u00f8\u00f1\u6f22\u5b57\u304b\u306a\u0416\u0436\u03a9\u2014\u2026\u2018\u2019\u201c\u201d");

function resolve(schema: Json, defs: Json): Json {
  return schema?.$ref ? resolve(defs[schema.$ref.replace("#/$defs/", "")], defs) : schema;
}

const codePoints = (s: string) => [...s].length;

function day(from: number, to: number) {
  return fc.integer({ min: from, max: to }).map((n) => new Date(n * 86_400_000).toISOString().slice(0, 10));
}

/** An arbitrary of the values a schema accepts (the keywords this document uses; others fail loudly). */
function arbitraryOf(raw: Json, defs: Json, known: Known): fc.Arbitrary<unknown> {
  const schema = resolve(raw, defs);
  if ("const" in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s: Json) => arbitraryOf(s, defs, known)));
  switch (schema.type) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer": {
      const min = schema.minimum ?? -1_000_000;
      const max = schema.maximum ?? 1_000_000;
      // Mostly the small ids the seeded archive has, sometimes anything in range, and the bounds.
      return fc.oneof({ weight: 6, arbitrary: fc.integer({ min, max: Math.min(max, min + 3) }) }, { weight: 1, arbitrary: fc.integer({ min, max }) }, { weight: 1, arbitrary: fc.constantFrom(min, max) });
    }
    case "string": {
      const min = schema.minLength ?? 0;
      const max = schema.maxLength ?? 200;
      if (schema.format === "date") return day(7_300, 24_000); // 1990 to 2035: some days are in the future
      if (schema.format === "date-time") return day(7_300, 24_000).map((d) => `${d}T12:00:00Z`);
      const fits = (s: string) => codePoints(s) >= min && codePoints(s) <= max && (!schema.pattern || new RegExp(schema.pattern, "u").test(s));
      const typed = fc.string({ unit: CHAR, minLength: min, maxLength: Math.min(max, min + 40) });
      const atMost = max <= 5_000 ? fc.string({ unit: CHAR, minLength: max, maxLength: max }) : fc.constant("");
      const patterned = schema.pattern ? fc.stringMatching(new RegExp(schema.pattern, "u")) : typed;
      // Blank-ish text at the edges of the rules: a little text inside much space.
      const space = fc.string({ unit: fc.constantFrom(" ", "\n", "\t", "\u00a0"), maxLength: 12 });
      const padded = fc.tuple(space, fc.string({ unit: CHAR, maxLength: 12 }), space).map((parts) => parts.join(""));
      return fc.oneof({ weight: 2, arbitrary: typed }, { weight: 2, arbitrary: padded }, { weight: 2, arbitrary: patterned }, { weight: 1, arbitrary: atMost }, { weight: 3, arbitrary: fc.constantFrom(...known.strings) }).filter(fits);
    }
    case "array": {
      const minLength = schema.minItems ?? 0;
      return fc.array(arbitraryOf(schema.items, defs, known), { minLength, maxLength: Math.min(schema.maxItems ?? 10, minLength + 4) });
    }
    case "object": {
      const properties: Record<string, Json> = schema.properties ?? {};
      const model = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, arbitraryOf(v, defs, known)]));
      const record = fc.record(model, { requiredKeys: schema.required ?? [] });
      return schema.minProperties ? record.filter((o) => Object.keys(o).length >= schema.minProperties) : record;
    }
    default:
      throw new Error(`the generator does not know this schema: ${JSON.stringify(schema).slice(0, 200)}`);
  }
}

/** Values the seeded archive has, mixed into generated strings so that reads find something. */
interface Known {
  strings: string[];
}

interface Operation {
  method: string;
  path: string;
  op: Json;
}

/** One request of an operation: path and query parameters from their schemas, a body from its schema, one of the callers. */
function requestsOf({ method, path, op }: Operation, defs: Json, known: Known, tokens: (string | null)[]): fc.Arbitrary<Sent> {
  const parameters: Json[] = op.parameters ?? [];
  const value = (p: Json) => arbitraryOf(p.schema, defs, known);
  // A path segment of "." or ".." is no value any client can send: URLs remove dot segments
  // (RFC 3986 §5.2.4), so "/users/." asks for "/users/". No login or tag can be reached so.
  const isDotSegment = (v: unknown) => v === "." || v === "..";
  const pathParams = fc.record(Object.fromEntries(parameters.filter((p) => p.in === "path").map((p) => [p.name, value(p).filter((v) => !isDotSegment(v))])));
  const queryParams = fc.record(Object.fromEntries(parameters.filter((p) => p.in === "query").map((p) => [p.name, value(p)])), { requiredKeys: parameters.filter((p) => p.in === "query" && p.required).map((p) => p.name) as never[] });
  const bodySchema = op.requestBody?.content?.["application/json"]?.schema;
  const body = bodySchema ? arbitraryOf(bodySchema, defs, known) : fc.constant(undefined);
  return fc.record({ pathParams, queryParams, body, token: fc.constantFrom(...tokens) }).map(({ pathParams, queryParams, body, token }) => {
    const filled = path.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => encodeURIComponent(String((pathParams as Record<string, unknown>)[name])));
    const query = new URLSearchParams();
    for (const [name, v] of Object.entries(queryParams)) for (const item of [v].flat()) query.append(name, String(item));
    const search = query.toString();
    return { method, path: search ? `${filled}?${search}` : filled, body, token };
  });
}

// ---- the property ------------------------------------------------------------------------------------

test("every operation, driven by the OpenAPI document: no 5xx, no answer outside the document, no schema-valid request refused for an unstated rule", async (t) => {
  await eachDialect(t, async (_t, testDb) => {
    const { app, userId, pseudId } = await appWithUser(testDb.db, testDb.url);
    try {
      // The seeded archive: three works (one restricted, one a draft), a series, a bookmark, a comment.
      const tokens = await Promise.all(["w1", "w2", "w3"].map(async (name) => (await createToken(testDb.db, userId, name, "write")).token));
      const readToken = (await createToken(testDb.db, userId, "r", "read")).token;
      const other = await makeCreator(testDb.db, "other");
      const otherToken = (await createToken(testDb.db, other.userId, "o", "write")).token;
      // Old accounts: the new-account comment limit is tested elsewhere (comments.test.ts).
      await testDb.db.updateTable("users").set({ created_at: "2020-01-01T00:00:00.000Z" }).execute();
      const api = new ApiClient(app, tokens[0]);
      const first = await api.post("/works", apiWork({ freeforms: ["Sea"] }));
      assert.equal(first.status, 201, JSON.stringify(first.body));
      assert.equal((await api.post(`/works/${first.body.id}/chapters`, { title: "Morning", content: "The sea was glass, and the keeper slept." })).status, 201);
      assert.equal((await api.post("/works", apiWork({ title: "Members only", restricted: true }))).status, 201);
      assert.equal((await api.post("/works", apiWork({ title: "Unfinished", draft: true }))).status, 201);
      const seriesId = await testDb.db.transaction().execute(async (trx) => {
        const id = await createSeries(trx, [pseudId], "Tides");
        await addWorkToSeries(trx, id, first.body.id, null);
        return id;
      });
      await createSeriesBookmark(testDb.db, other.userId, seriesId, { notes: "", tags: [], private: false, rec: false });
      assert.equal((await new ApiClient(app, otherToken).post(`/works/${first.body.id}/comments`, { content: "The lighthouse scene!" })).status, 201);
      assert.equal((await new ApiClient(app, otherToken).post(`/works/${first.body.id}/bookmarks`, { notes: "Stormy", tags: ["comfort read"] })).status, 201);

      const doc = JSON.parse(JSON.stringify((await new ApiClient(app).get("/openapi.json")).body).replaceAll('"#/components/schemas/', '"#/$defs/'));
      const defs = doc.components.schemas;
      const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
      ajv.addFormat("date", /^\d{4}-\d{2}-\d{2}$/);
      ajv.addFormat("date-time", (s: string) => /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s)));
      const compiled = new Map<unknown, ReturnType<typeof ajv.compile>>();
      const validatorOf = (schema: Json) => {
        if (!compiled.has(schema)) compiled.set(schema, ajv.compile({ $defs: defs, ...schema }));
        return compiled.get(schema)!;
      };

      const known: Known = { strings: ["writer", "other", "Original Work", "Sea", "lighthouse", "tides words>5 sort:kudos"] };
      const operations: Operation[] = Object.entries(doc.paths as Record<string, Record<string, Json>>).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op })));
      assert.ok(operations.length >= 25, `the document lists the API's operations (found ${operations.length})`);

      let address = 0;
      const seen = new Map<string, Map<number, number>>();
      for (const operation of operations) {
        const { op } = operation;
        const statuses = new Map<number, number>();
        seen.set(op.operationId, statuses);
        await fc.assert(
          fc.asyncProperty(requestsOf(operation, defs, known, [...tokens, readToken, otherToken, null]), async (sent) => {
            // The generator's own check: what it made is what the document accepts.
            const bodySchema = op.requestBody?.content?.["application/json"]?.schema;
            if (bodySchema) assert.ok(validatorOf(bodySchema)(sent.body), `generated body outside its schema: ${ajv.errorsText(validatorOf(bodySchema).errors)}`);

            // A new address each time: the per-address limit for guests is not what is tested here.
            address = (address + 1) % 250;
            const raw = await app.inject({
              method: sent.method as "GET",
              url: `/api/v1${sent.path}`,
              remoteAddress: `10.9.${Math.floor(address / 250)}.${address + 1}`,
              headers: { ...(sent.token ? { authorization: `Bearer ${sent.token}` } : {}), ...(sent.body !== undefined ? { "content-type": "application/json" } : {}) },
              payload: sent.body === undefined ? undefined : JSON.stringify(sent.body),
            });
            const label = `${sent.method} ${sent.path} ${sent.body === undefined ? "" : JSON.stringify(sent.body).slice(0, 300)} → ${raw.statusCode} ${raw.body.slice(0, 500)}`;
            statuses.set(raw.statusCode, (statuses.get(raw.statusCode) ?? 0) + 1);
            assert.ok(raw.statusCode < 500, label);
            const documented = op.responses[String(raw.statusCode)];
            assert.ok(documented, `status not in the document: ${label}`);
            const [type, content] = Object.entries((documented.content ?? {}) as Record<string, Json>)[0] ?? [];
            if (!content) {
              assert.equal(raw.body, "", `a body where the document has none: ${label}`);
            } else {
              assert.ok(String(raw.headers["content-type"]).startsWith(type!), `content type ${raw.headers["content-type"]}: ${label}`);
              const validate = validatorOf(content.schema);
              assert.ok(validate(JSON.parse(raw.body)), `answer outside its documented schema (${ajv.errorsText(validate.errors)}): ${label}`);
            }
            if (raw.statusCode === 400) {
              const errors: { field: string }[] = JSON.parse(raw.body).errors ?? [];
              assert.ok(errors.length > 0 && errors.every((e) => GRAMMAR_FIELDS.has(e.field)), `a schema-valid request refused as invalid: ${label}`);
            }
            if (raw.statusCode === 422) {
              const errors: { field: string; message: string }[] = JSON.parse(raw.body).errors ?? [];
              assert.ok(errors.length > 0, label);
              for (const e of errors) {
                const rule = UNSTATABLE.find((r) => r.field === e.field && messageOf(r.message)(e.message) && (r.when?.(sent) ?? true));
                assert.ok(rule, `refused for a rule the document does not state (${e.field}: ${e.message}): ${label}`);
              }
            }
          }),
          { numRuns: RUNS, endOnFailure: true },
        );
      }
      // The walk reached past validation: most operations succeeded at least once (which ones
      // did not is printed, to tune the generator by; the checks above hold for every answer).
      const missed = [...seen].filter(([, statuses]) => ![...statuses.keys()].some((s) => s < 300));
      if (missed.length) console.log(`${testDb.dialect}: never succeeded in this run: ${missed.map(([id, s]) => `${id} ${JSON.stringify([...s])}`).join("; ")}`);
      assert.ok(missed.length <= operations.length / 5, "most operations succeeded at least once");
    } finally {
      await app.close();
    }
  });
});
