import assert from "node:assert/strict";
import { test } from "node:test";
import { assertMatch, Client, loggedInUser, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { buildApp } from "../app.js";
import { securityTxt } from "../model/archive-settings.js";
import { readSecurityTxtForm } from "./security-txt.js";

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

test("security.txt: 404 until an admin sets it, then RFC 9116 fields, and 404 again once cleared", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url, { publicUrl: "https://archive.example" }), db);
    const guest = new Client(app);
    assert.equal((await guest.get("/.well-known/security.txt")).statusCode, 404, "unset: no file");

    const { client: admin } = await loggedInUser(app, db, "site_admin", ["admin"]);
    const page = await admin.get("/admin/settings");
    assertMatch(page.body, /<h3 class="heading" id="security-txt-heading">Security contact \(security.txt\)<\/h3>/);
    assertMatch(page.body, /<label for="[^"]+">Contacts<\/label>/);
    assertMatch(page.body, /<label for="[^"]+">Valid until<\/label>/);

    const expires = inDays(180);
    const saved = await admin.post("/admin/settings/security-txt", { "security_txt[contacts]": "security@archive.example\r\nhttps://archive.example/security\n\n", "security_txt[expires]": expires });
    assert.equal(saved.statusCode, 303);
    assert.equal(saved.headers.location, "/admin/settings");
    assert.deepEqual(await securityTxt(db), { contacts: ["mailto:security@archive.example", "https://archive.example/security"], expires: `${expires}T00:00:00.000Z` });

    const file = await guest.get("/.well-known/security.txt");
    assert.equal(file.statusCode, 200);
    assert.equal(file.headers["content-type"], "text/plain; charset=utf-8");
    assert.equal(
      file.body,
      `Contact: mailto:security@archive.example\nContact: https://archive.example/security\nExpires: ${expires}T00:00:00.000Z\nCanonical: https://archive.example/.well-known/security.txt\n`,
    );
    const again = await admin.get("/admin/settings");
    assertMatch(again.body, /mailto:security@archive.example\nhttps:\/\/archive.example\/security<\/textarea>/, "the form shows what is in force");
    assertMatch(again.body, new RegExp(`type="date" value="${expires}"`));

    // Saving the sign-up mode leaves security.txt alone (separate forms).
    assert.equal((await admin.post("/admin/settings", { signup_mode: "closed" })).statusCode, 303);
    assert.equal((await guest.get("/.well-known/security.txt")).statusCode, 200);

    const cleared = await admin.post("/admin/settings/security-txt", { "security_txt[contacts]": "  ", "security_txt[expires]": "" });
    assert.equal(cleared.statusCode, 303);
    assert.equal(await securityTxt(db), null);
    assert.equal((await guest.get("/.well-known/security.txt")).statusCode, 404, "cleared: no file");
    await app.close();
  });
});

test("security.txt: mistakes are shown beside the fields with what was typed kept, and nothing changes", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    const { client: admin } = await loggedInUser(app, db, "site_admin", ["admin"]);
    const bad = await admin.post("/admin/settings/security-txt", { "security_txt[contacts]": "http://insecure.example/\nnot a contact", "security_txt[expires]": "2000-01-01" });
    assert.equal(bad.statusCode, 422);
    assertMatch(bad.body, /(?:&quot;|&#34;)http:\/\/insecure.example\/(?:&quot;|&#34;) is not an email address or a mailto:, https:\/\/ or tel: address./);
    assertMatch(bad.body, /(?:&quot;|&#34;)not a contact(?:&quot;|&#34;) is not an email address/);
    assertMatch(bad.body, /The date must be in the future./);
    assertMatch(bad.body, /http:\/\/insecure.example\/\nnot a contact<\/textarea>/, "what was typed is kept");
    assertMatch(bad.body, /value="2000-01-01"/);
    assert.equal(await securityTxt(db), null);

    const onlyContact = await admin.post("/admin/settings/security-txt", { "security_txt[contacts]": "mailto:sec@example.org", "security_txt[expires]": "" });
    assert.equal(onlyContact.statusCode, 422);
    assertMatch(onlyContact.body, /Give the date until which these contacts are valid./);

    const guest = new Client(app);
    assert.equal((await guest.post("/admin/settings/security-txt", { "security_txt[contacts]": "mailto:x@example.org", "security_txt[expires]": inDays(30) })).statusCode, 401, "guests may not set it");
    assert.equal((await guest.get("/.well-known/security.txt")).statusCode, 404);
    await app.close();
  });
});

test("the security.txt form's rules", () => {
  const now = new Date("2026-06-01T12:00:00Z");
  const read = (contacts: string, expires: string) => readSecurityTxtForm({ "security_txt[contacts]": contacts, "security_txt[expires]": expires }, now);
  assert.deepEqual(read("", ""), { ok: true, value: null });
  assert.deepEqual(read("tel:+1-201-555-0123\nmailto:a@b.example", "2027-01-31"), { ok: true, value: { contacts: ["tel:+1-201-555-0123", "mailto:a@b.example"], expires: "2027-01-31T00:00:00.000Z" } });
  for (const [contacts, expires, field] of [
    ["mailto:a@b.example", "2027-06-03", "security_txt[expires]"], // more than a year ahead
    ["mailto:a@b.example", "2026-02-30", "security_txt[expires]"], // no such day
    ["mailto:a@b.example", "tomorrow", "security_txt[expires]"],
    ["mailto:a@b.example", "2026-06-01", "security_txt[expires]"], // already begun, so already past by the end
    ["", "2026-12-01", "security_txt[contacts]"],
    ["javascript:alert(1)", "2026-12-01", "security_txt[contacts]"],
    ["https://a.example/\nExpires: 2099-01-01", "2026-12-01", "security_txt[contacts]"], // no field smuggled in
    [Array.from({ length: 11 }, (_, i) => `mailto:a${i}@b.example`).join("\n"), "2026-12-01", "security_txt[contacts]"],
  ] as const) {
    const result = read(contacts, expires);
    assert.equal(result.ok, false, `${contacts} / ${expires}`);
    if (!result.ok) assert.ok(result.errors[field]?.length, `${contacts} / ${expires}: ${JSON.stringify(result.errors)}`);
  }
});
