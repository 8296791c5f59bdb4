import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../app.js";
import type { Db } from "../platform/db/index.js";
import { issueSetupToken, newTagsCanonical, setNewTagsCanonical } from "../model/archive-settings.js";
import { findTagByName } from "../model/tags.js";
import { createToken } from "../api/commands.js";
import { ApiClient } from "../../test/support/api.js";
import { tagPath } from "../model/vocabulary.js";
import { postDraft } from "../works/commands.js";
import { assertMatch, Client, loggedInUser, signupForm, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeCreator, makeWork } from "../../test/support/factories.js";
import { runRefilterNow } from "./refilter.js";
import { type WranglingOp, wrangle } from "./wrangling.js";

/**
 * Tags usable from the first day (creating tags, "new tags are canonical", unwrangled fandoms'
 * bins, excluding unwrangled tags, tag search) and private tags staying private.
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

async function apply(db: Db, ...ops: WranglingOp[]) {
  const result = await wrangle(db, null, ops);
  if (!result.ok) assert.fail(`refused: ${result.message}`);
  if (result.jobId !== null) await runRefilterNow(db, result.jobId);
}

async function autocompleteNames(client: Client | FastifyInstance, type: string, term: string): Promise<string[]> {
  const url = `/autocomplete/${type}?term=${encodeURIComponent(term)}`;
  const res = client instanceof Client ? await client.get(url) : await client.inject({ method: "GET", url });
  assert.equal(res.statusCode, 200, url);
  return (JSON.parse(res.body) as { name: string }[]).map((tag) => tag.name);
}

async function findUserId(db: Db, login: string): Promise<number> {
  return (await db.selectFrom("users").select("id").where("login", "=", login).executeTakeFirstOrThrow()).id;
}

async function statusOf(client: Client | FastifyInstance, url: string): Promise<number> {
  return (client instanceof Client ? await client.get(url) : await client.inject({ method: "GET", url })).statusCode;
}

test("/tags/new: a wrangler creates a tag; bad input is refused beside its field with what was typed kept", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    const { client: wrangler } = await loggedInUser(app, db, "wrangler", ["wrangler"]);
    const { client: reader } = await loggedInUser(app, db, "reader");
    assert.equal((await wrangler.get("/tags/new")).statusCode, 200);
    assert.notEqual((await reader.get("/tags/new")).statusCode, 200, "a plain user may not create tags");
    assert.notEqual((await app.inject({ method: "GET", url: "/tags/new" })).statusCode, 200, "nor a guest");
    assert.notEqual((await reader.post("/tags", { "tag[name]": "Sneaky", "tag[type]": "Fandom" })).statusCode, 303);
    assert.equal(await findTagByName(db, "Sneaky"), undefined);

    const made = await wrangler.post("/tags", { "tag[name]": "  Sea   Stories ", "tag[type]": "Fandom", "tag[canonical]": "1" });
    assert.equal(made.statusCode, 303);
    assert.equal(made.headers.location, `${tagPath("Sea Stories")}/edit`);
    const tag = await findTagByName(db, "Sea Stories");
    assert.ok(tag && tag.canonical === 1 && tag.type === "Fandom", "created canonical, name cleaned");
    const history = await db.selectFrom("wrangling_log").select("action").where("tag_id", "=", tag.id).execute();
    assert.deepEqual(history.map((h) => h.action), ["create"]);

    const refused = async (form: Record<string, string>, message: RegExp, field = "tag[name]") => {
      const res = await wrangler.post("/tags", form);
      assert.equal(res.statusCode, 422, JSON.stringify(form));
      assertMatch(res.body, message, JSON.stringify(form));
      assertMatch(res.body, /aria-invalid="true"|class="choices has-error"/, `${field} is marked`);
      return res;
    };
    // Duplicates, case and Unicode form folded (full-width letters are NFKC-equal).
    await refused({ "tag[name]": "sea stories", "tag[type]": "Fandom" }, /already exists/);
    const wide = await refused({ "tag[name]": "ＳＥＡ ＳＴＯＲＩＥＳ", "tag[type]": "Character" }, /already exists/);
    assertMatch(wide.body, /value="ＳＥＡ ＳＴＯＲＩＥＳ"/, "what was typed is kept");
    await refused({ "tag[name]": "   ", "tag[type]": "Fandom" }, /A tag needs a name/);
    await refused({ "tag[name]": "x".repeat(151), "tag[type]": "Fandom" }, /at most 150 characters/);
    assert.equal((await wrangler.post("/tags", { "tag[name]": "y".repeat(150), "tag[type]": "Freeform" })).statusCode, 303, "150 is allowed");
    for (const char of [",", "^", "*", "<", ">", "{", "}", "=", "`", "，", "、", "\\", "%"]) {
      const res = await refused({ "tag[name]": `Bad ${char} Name`, "tag[type]": "Freeform" }, /can(&#39;|')t contain/);
      assert.ok(res.body.includes("Bad "), "the name is kept");
    }
    await refused({ "tag[name]": "Fine Name", "tag[type]": "Rating" }, /choose the tag/, "tag[type]");
    await refused({ "tag[name]": "Fine Name" }, /choose the tag/, "tag[type]");
    assert.equal(await findTagByName(db, "Fine Name"), undefined, "nothing refused was created");
  });
});

test("fanfold tags create: the same rules from the command line", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const env = { ...process.env, DATABASE_URL: url, DATA_DIR: mkdtempSync(join(tmpdir(), "fanfold-tags-create-")) };
    const run = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, "bin/fanfold.mjs"), "tags", "create", ...args], { cwd: ROOT, env, encoding: "utf8" });
    const ok = run("Harbour Tales", "--type", "fandom", "--canonical");
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /Harbour Tales/);
    const tag = await findTagByName(db, "Harbour Tales");
    assert.ok(tag && tag.canonical === 1 && tag.type === "Fandom");
    const plain = run("Lamp Oil", "--type", "Additional Tags");
    assert.equal(plain.status, 0, plain.stderr);
    assert.equal((await findTagByName(db, "Lamp Oil"))?.canonical, 0);
    for (const [args, message] of [
      // The page's test goes through every rule; these show the command line reports them.
      [["harbour tales", "--type", "character"], /already exists/],
      [["Bad*Name", "--type", "rating"], /can't contain.*choose the tag/],
      [["Fine"], /Usage/],
    ] as const) {
      const res = run(...args);
      assert.equal(res.status, 1, args.join(" "));
      assert.match(res.stderr, message, args.join(" "));
    }
    assert.equal(await findTagByName(db, "Fine"), undefined);
  });
});

test("new tags are canonical: off unless set; a new archive's setup turns it on; the admin page changes it", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    assert.equal(await newTagsCanonical(db), false, "an archive from before the setting keeps AO3's behaviour");
    const app = await buildApp(testConfig(url), db);
    const token = await issueSetupToken(db);
    const admin = new Client(app);
    await admin.get(`/setup?token=${token}`);
    assert.equal((await admin.post("/setup", { token, ...signupForm("first_admin") })).statusCode, 303);
    assert.equal(await newTagsCanonical(db), true, "a new archive starts with it on");
    const page = await admin.get("/admin/settings");
    assertMatch(page.body, /name="new_tags_canonical" value="1" checked/);
    assert.equal((await admin.post("/admin/settings", { signup_mode: "open" })).statusCode, 303);
    assert.equal(await newTagsCanonical(db), false, "unticked: off");
    assert.equal((await admin.post("/admin/settings", { signup_mode: "open", new_tags_canonical: "1" })).statusCode, 303);
    assert.equal(await newTagsCanonical(db), true);
    // A refused form keeps the box as it was sent.
    const bad = await admin.post("/admin/settings", { signup_mode: "nonsense" });
    assert.equal(bad.statusCode, 422);
    assert.doesNotMatch(bad.body, /name="new_tags_canonical" value="1" checked/);
  });
});

test("new tags are canonical: a posted work's new tags filter at once; drafts wait; wranglers' choices stand", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    await setNewTagsCanonical(db, true);
    const { pseudId } = await makeCreator(db, "writer");
    await apply(db, { action: "create", name: "Held Back", type: "Freeform", canonical: false });
    const work = await makeWork(db, pseudId, { fandoms: ["Lighthouse Keepers"], characters: ["Mira"], freeforms: ["Storms", "Held Back"] });
    for (const name of ["Lighthouse Keepers", "Mira", "Storms"]) assert.equal((await findTagByName(db, name))?.canonical, 1, `${name} is canonical`);
    assert.equal((await findTagByName(db, "Held Back"))?.canonical, 0, "a tag a wrangler created not canonical stays so");
    const filters = await db.selectFrom("work_filters").innerJoin("tags", "tags.id", "work_filters.tag_id").select("tags.name").where("work_id", "=", work).execute();
    assert.deepEqual(filters.map((f) => f.name).sort(), ["General Audiences", "Lighthouse Keepers", "Mira", "No Archive Warnings Apply", "Storms"]);
    const mira = (await findTagByName(db, "Mira"))!;
    const line = await db.selectFrom("wrangling_log").select(["action", "detail"]).where("tag_id", "=", mira.id).execute();
    assert.equal(line[0]?.action, "auto-canonical", "the history says why");

    // A draft's tags wait for posting; then they (and the draft's filter set) follow.
    const draft = await makeWork(db, pseudId, { fandoms: ["Lighthouse Keepers"], freeforms: ["Secret Plans"], draft: true });
    assert.equal((await findTagByName(db, "Secret Plans"))?.canonical, 0);
    await postDraft(db, draft);
    assert.equal((await findTagByName(db, "Secret Plans"))?.canonical, 1);

    // A wrangler made it not canonical: posting again does not undo that.
    await apply(db, { action: "canonical", tag: "Storms", value: false });
    await makeWork(db, pseudId, { freeforms: ["Storms"] });
    assert.equal((await findTagByName(db, "Storms"))?.canonical, 0);

    // The filters work without a wrangler: a listing by the new tag lists the work.
    const app = await buildApp(testConfig(url), db);
    const listing = await app.inject({ method: "GET", url: `${tagPath("Mira")}/works` });
    assert.equal(listing.statusCode, 200);
    assertMatch(listing.body, /Factory Work/);

    // Off: AO3's behaviour.
    await setNewTagsCanonical(db, false);
    await makeWork(db, pseudId, { freeforms: ["Waiting Tag"] });
    assert.equal((await findTagByName(db, "Waiting Tag"))?.canonical, 0);
  });
});

test("private tags: a draft's tag is absent from autocomplete, tag pages and the API for all but its creator; a registered-only work's for guests", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    for (const setting of [false, true]) {
      await setNewTagsCanonical(db, setting);
      const app = await buildApp(testConfig(url), db);
      const suffix = setting ? "On" : "Off";
      const writer = await loggedInUser(app, db, `writer${suffix.toLowerCase()}`);
      const { client: other } = await loggedInUser(app, db, `other${suffix.toLowerCase()}`);
      await makeWork(db, writer.pseudId, { fandoms: [`Zephyr Draft ${suffix}`], characters: [`Zephyr Spoiler ${suffix}`], draft: true });
      await makeWork(db, writer.pseudId, { fandoms: [`Zephyr Members ${suffix}`], restricted: true });
      await makeWork(db, writer.pseudId, { fandoms: [`Zephyr Public ${suffix}`] });
      const spoiler = `Zephyr Spoiler ${suffix}`;

      // Autocomplete (this round's tags: the first round's are there too).
      const mine = (names: string[]) => names.filter((name) => name.endsWith(suffix)).sort();
      assert.deepEqual(mine(await autocompleteNames(app, "fandom", "zephyr")), [`Zephyr Public ${suffix}`], `guest (${suffix})`);
      assert.deepEqual(mine(await autocompleteNames(other, "fandom", "zephyr")), [`Zephyr Members ${suffix}`, `Zephyr Public ${suffix}`], `member (${suffix})`);
      assert.deepEqual(mine(await autocompleteNames(writer.client, "fandom", "zephyr")), [`Zephyr Draft ${suffix}`, `Zephyr Members ${suffix}`, `Zephyr Public ${suffix}`], `creator (${suffix})`);
      assert.deepEqual(await autocompleteNames(other, "character", "zephyr spoiler"), []);
      assert.deepEqual(await autocompleteNames(writer.client, "character", "zephyr spoiler"), [spoiler]);
      const res = await app.inject({ method: "GET", url: "/autocomplete/tag?term=zephyr" });
      assert.match(String(res.headers["cache-control"]), /private/, "suggestions differ by viewer: never shared caches");

      // Tag pages.
      assert.equal(await statusOf(app, tagPath(spoiler)), 404, "guest");
      assert.equal(await statusOf(other, tagPath(spoiler)), 404, "another user");
      assert.equal(await statusOf(writer.client, tagPath(spoiler)), 200, "its creator");
      assert.equal(await statusOf(app, tagPath(`Zephyr Members ${suffix}`)), 404, "guest: registered-only work's tag");
      assert.equal(await statusOf(other, tagPath(`Zephyr Members ${suffix}`)), 200, "member: registered-only work's tag");
      // The API, with tokens.
      const guestApi = new ApiClient(app);
      const writerApi = new ApiClient(app, (await createToken(db, writer.userId, "r", "read")).token);
      const otherApi = new ApiClient(app, (await createToken(db, (await findUserId(db, `other${suffix.toLowerCase()}`)), "r", "read")).token);
      const apiPath = (name: string) => `/tags/${encodeURIComponent(name)}`;
      assert.equal((await guestApi.request("GET", apiPath(spoiler))).status, 404, "API: guest");
      assert.equal((await otherApi.request("GET", apiPath(spoiler))).status, 404, "API: another user");
      const mineApi = await writerApi.request("GET", apiPath(spoiler));
      assert.equal(mineApi.status, 200, `API: its creator ${JSON.stringify(mineApi.body)}`);
      assert.equal((await guestApi.request("GET", apiPath(`Zephyr Members ${suffix}`))).status, 404, "API: guest, registered-only");
      assert.equal((await otherApi.request("GET", apiPath(`Zephyr Members ${suffix}`))).status, 200, "API: member, registered-only");
      // The public fandom's page lists no hidden relation, and counts only what the viewer sees.
      const fandom = (await writerApi.request("GET", apiPath(`Zephyr Draft ${suffix}`))).body as { works_count: number };
      assert.equal(fandom.works_count, 0, "a draft is not counted, even for its creator (listings leave drafts out)");
      assert.equal(await statusOf(app, tagPath(`Zephyr Public ${suffix}`)), 200);
      const api = JSON.parse((await app.inject({ method: "GET", url: `/api/v1/tags/${encodeURIComponent(`Zephyr Public ${suffix}`)}` })).body) as { works_count: number };
      assert.equal(api.works_count, 1);

      // Tag search.
      const search = (await app.inject({ method: "GET", url: "/tags/search?tag_search%5Bname%5D=zephyr" })).body;
      assert.ok(search.includes(`Zephyr Public ${suffix}`) && !search.includes(`Zephyr Members ${suffix}`) && !search.includes(spoiler), "guest's tag search");
      const ownSearch = (await writer.client.get("/tags/search?tag_search%5Bname%5D=zephyr")).body;
      assert.ok(ownSearch.includes(spoiler), "the creator finds their own draft's tag");

      // A wrangler's canonical tag is public before any work uses it; a tag page lists only visible related tags.
      await apply(db, { action: "create", name: `Zephyr Vocabulary ${suffix}`, type: "Fandom", canonical: true });
      assert.deepEqual(await autocompleteNames(app, "fandom", `zephyr vocabulary ${suffix}`), [`Zephyr Vocabulary ${suffix}`]);
      await app.close();
    }
  });
});

test("unwrangled fandoms have bins on /wrangling; excluding an unwrangled tag leaves its works out", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    const { client: wrangler } = await loggedInUser(app, db, "wrangler", ["wrangler"]);
    const { pseudId } = await makeCreator(db, "writer");
    await makeWork(db, pseudId, { title: "Keeper Story", fandoms: ["Brand New Fandom"], characters: ["Odd Keeper"], freeforms: ["Lamps"] });
    await makeWork(db, pseudId, { title: "Other Story", fandoms: ["Brand New Fandom"], freeforms: ["Ropes"] });
    const home = await wrangler.get("/wrangling");
    assert.equal(home.statusCode, 200);
    assertMatch(home.body, /Fandoms Nobody Has Wrangled \(1\)/);
    assertMatch(home.body, /Brand New Fandom/);
    const bin = await wrangler.get(`${tagPath("Brand New Fandom")}/wrangle?show=characters`);
    assert.equal(bin.statusCode, 200);
    assertMatch(bin.body, /Odd Keeper/);

    const listing = await app.inject({ method: "GET", url: "/works?work_search%5Bexcluded_tag_names%5D=Lamps" });
    assert.equal(listing.statusCode, 200);
    assert.ok(listing.body.includes("Other Story") && !listing.body.includes("Keeper Story"), "the unwrangled tag's work is left out");
    assert.doesNotMatch(listing.body, /cannot be excluded/);
  });
});

test("tag search: name words, type, canonical, sort by uses; any input is text, never a 500", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    const { pseudId } = await makeCreator(db, "writer");
    await makeWork(db, pseudId, { fandoms: ["Sea Tales"], freeforms: ["Sea Shanties"] });
    await makeWork(db, pseudId, { fandoms: ["Sea Tales"], freeforms: ["Quiet Sea"] });
    await apply(db, { action: "canonical", tag: "Sea Tales", value: true });
    const names = async (query: string) => {
      const res = await app.inject({ method: "GET", url: `/tags/search?${query}` });
      assert.equal(res.statusCode, 200, query);
      return [...res.body.matchAll(/<th scope="row"><a href="[^"]*">([^<]*)<\/a>/g)].map((m) => m[1]);
    };
    assert.deepEqual(await names("tag_search%5Bname%5D=sea"), ["Quiet Sea", "Sea Shanties", "Sea Tales"]);
    assert.deepEqual(await names("tag_search%5Bname%5D=SEA+tal"), ["Sea Tales"]);
    assert.deepEqual(await names("tag_search%5Bname%5D=sea&tag_search%5Btype%5D=Fandom"), ["Sea Tales"]);
    assert.deepEqual(await names("tag_search%5Bname%5D=sea&tag_search%5Bcanonical%5D=F"), ["Quiet Sea", "Sea Shanties"]);
    assert.deepEqual(await names("tag_search%5Bname%5D=sea&tag_search%5Bcanonical%5D=T"), ["Sea Tales"]);
    assert.deepEqual((await names("tag_search%5Bname%5D=sea&tag_search%5Bsort_column%5D=uses"))[0], "Sea Tales", "most used first");
    const empty = await app.inject({ method: "GET", url: "/tags/search" });
    assert.equal(empty.statusCode, 200);
    for (const hostile of ["%25", "_", "%5C", "%27%3B+drop+table+tags", "%00", "%E2%80%AE", "%F0%9F%90%89", "%ED%A0%80", "x".repeat(5000), "%FF%FE"]) {
      for (const field of ["name", "type", "canonical", "sort_column"]) {
        const res = await app.inject({ method: "GET", url: `/tags/search?tag_search%5B${field}%5D=${hostile}&page=99999999999` });
        assert.equal(res.statusCode, 200, `${field}=${hostile}`);
      }
    }
    assert.deepEqual(await names("tag_search%5Bname%5D=%25"), [], "% is text, not a wildcard");
  });
});
