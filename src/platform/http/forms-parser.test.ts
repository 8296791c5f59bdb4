import assert from "node:assert/strict";
import { test } from "node:test";
import { loggedInUser, testConfig } from "../../../test/support/app.js";
import { eachDialect } from "../../../test/support/db.js";
import { buildApp } from "../../app.js";
import { parseFormBody } from "./forms-parser.js";

// "Café" then the bytes FF FE, which are never UTF-8, sent raw and percent-encoded.
const RAW = Buffer.concat([Buffer.from("t=Caf\u00e9"), Buffer.from([0xff, 0xfe]), Buffer.from("&u=ok")]);
const ENCODED = "t=Caf%C3%A9%FF%FE&u=ok";

test("invalid UTF-8 is stored alike, as U+FFFD, whether its bytes came raw or percent-encoded", () => {
  // The body reaches the parser as Node decodes a buffer: invalid bytes as U+FFFD.
  const raw = parseFormBody(RAW.toString());
  const encoded = parseFormBody(ENCODED);
  assert.deepEqual(encoded, raw);
  assert.equal(encoded.t, "Café\uFFFD\uFFFD");
  assert.equal(encoded.u, "ok");
  // Raw non-ASCII text next to a bad escape is kept whole (not truncated to Latin-1).
  assert.equal(parseFormBody("t=\u65e5\u672c%FF%E6%97%A5").t, "日本\uFFFD日");
  // Nothing is dropped, so the text on either side of a bad byte is never joined.
  assert.equal(parseFormBody("t=%3Cscr%FFipt%3E").t, "<scr\uFFFDipt>");
});

test("a form with raw invalid bytes and one with percent-encoded ones store the same text", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    const { client, userId } = await loggedInUser(app, db, "bytes");
    await client.get("/users/bytes/profile/edit");
    const headers = { "content-type": "application/x-www-form-urlencoded", cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ") };
    const token = `authenticity_token=${encodeURIComponent(client.csrf)}&`;
    const stored = async (payload: Buffer) => {
      const res = await app.inject({ method: "POST", url: "/users/bytes/profile", payload, headers });
      assert.equal(res.statusCode, 303);
      return (await db.selectFrom("users").select("profile").where("id", "=", userId).executeTakeFirstOrThrow()).profile;
    };
    const raw = await stored(Buffer.concat([Buffer.from(`${token}user%5Bprofile%5D=Caf\u00e9`), Buffer.from([0xff, 0xfe])]));
    const encoded = await stored(Buffer.from(`${token}user%5Bprofile%5D=Caf%C3%A9%FF%FE`));
    assert.equal(raw, encoded);
    assert.match(encoded, /Café\uFFFD\uFFFD/);
    await app.close();
  });
});
