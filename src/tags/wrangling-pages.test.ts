import assert from "node:assert/strict";
import { test } from "node:test";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../app.js";
import type { Db } from "../platform/db/index.js";
import { drainJobs, enqueueJob } from "../platform/jobs.js";
import { createUser } from "../users/commands.js";
import { assertMatch, Client, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeCreator, makeWork } from "../../test/support/factories.js";
import { setRunNowLimit } from "./handlers.js";
import { findTagByName } from "../model/tags.js";
import { REFILTER, runRefilterNow, TAG_JOB_STEPS } from "./refilter.js";
import { tagPath } from "../model/vocabulary.js";
import { type WranglingOp, wrangle } from "./wrangling.js";

const PASSWORD = "correct horse battery";

/** The app with a wrangler, an admin and a plain user to act as, and a writer's pseud for works. */
async function setup(db: Db, url: string) {
  const app = await buildApp(testConfig(url), db);
  for (const [login, roles] of [
    ["wrangler", ["wrangler"]],
    ["boss", ["admin"]],
    ["reader", []],
  ] as const) {
    const user = await createUser(db, { login, email: `${login}@example.com`, password: PASSWORD, roles: [...roles] });
    assert.ok(user.ok);
  }
  const { pseudId } = await makeCreator(db, "writer");
  return { app, pseudId };
}

async function as(app: FastifyInstance, login: string): Promise<Client> {
  const client = new Client(app);
  const res = await client.logIn(login, PASSWORD);
  assert.equal(res.statusCode, 303, `${login} logs in`);
  return client;
}

/** Applies operations (as the command line would) and runs the re-filter they queue. */
async function apply(db: Db, ...ops: WranglingOp[]) {
  const result = await wrangle(db, null, ops);
  if (!result.ok) assert.fail(`refused: ${result.message}`);
  if (result.jobId !== null) await runRefilterNow(db, result.jobId);
}

/** The main content as text: tags dropped, entities decoded, spaces collapsed. */
function mainText(html: string): string {
  const main = /<main[^>]*>([\s\S]*)<\/main>/.exec(html)?.[1] ?? html;
  return main
    .replace(/<[^>]+>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&#34;|&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}

function includes(html: string, expected: string, label = "") {
  const text = mainText(html);
  assert.ok(text.includes(expected), `${label ? `${label}: ` : ""}expected «${expected}» in: ${text.slice(0, 1500)}`);
}

function excludes(html: string, unexpected: string, label = "") {
  const text = mainText(html);
  assert.ok(!text.includes(unexpected), `${label ? `${label}: ` : ""}did not expect «${unexpected}» in: ${text.slice(0, 1500)}`);
}

async function tagRow(db: Db, name: string) {
  const tag = await findTagByName(db, name);
  assert.ok(tag, `tag ${name} exists`);
  return tag;
}

/** A form that leaves the tag as it is (what the edit page submits untouched), with overrides. */
function unchanged(tag: { canonical: number; unwrangleable: number }, merger = "", overrides: Record<string, string | string[]> = {}) {
  return {
    ...(tag.canonical ? { "tag[canonical]": "1" } : {}),
    ...(tag.unwrangleable ? { "tag[unwrangleable]": "1" } : {}),
    "tag[syn_string]": merger,
    "tag[parent_string]": "",
    "tag[meta_tag_string]": "",
    ...overrides,
  };
}

test("a tag page shows type, status, synonyms, parents, metatags, subtags, children and works; a synonym's page redirects", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId } = await setup(db, url);
    await makeWork(db, pseudId, { fandoms: ["Lighthouse Stories"], characters: ["Mira", "mira okonkwo"], relationships: ["Mira/Keeper"], freeforms: ["Storms", "Salt & Light"] });
    await makeWork(db, pseudId, { fandoms: ["Lighthouse Stories"], characters: ["Mira"], restricted: true });
    await makeWork(db, pseudId, { fandoms: ["Lighthouse Stories"], characters: ["Mira"], draft: true });
    await apply(
      db,
      { action: "canonical", tag: "Lighthouse Stories", value: true },
      { action: "canonical", tag: "Mira", value: true },
      { action: "canonical", tag: "Mira/Keeper", value: true },
      { action: "canonical", tag: "Storms", value: true },
      { action: "create", name: "Weather", type: "Freeform", canonical: true },
      { action: "synonym", tag: "mira okonkwo", of: "Mira" },
      { action: "parent", tag: "Mira", parent: "Lighthouse Stories" },
      { action: "parent", tag: "Mira/Keeper", parent: "Mira" },
      { action: "parent", tag: "Mira/Keeper", parent: "Lighthouse Stories" },
      { action: "meta", tag: "Storms", meta: "Weather" },
    );
    const guest = new Client(app);

    let page = await guest.get("/tags/Mira");
    assert.equal(page.statusCode, 200);
    includes(page.body, "This tag belongs to the Character category. It is a canonical tag");
    includes(page.body, "Synonyms mira okonkwo");
    includes(page.body, "Parent tags Fandoms (1) Lighthouse Stories");
    includes(page.body, "Child tags Relationships (1) Mira/Keeper");
    includes(page.body, "Works in this tag (1)", "guests count neither the restricted work nor the draft");
    assertMatch(page.body, /<a href="\/tags\/Mira\/works">Works in this tag<\/a>/);
    assertMatch(page.body, /<a class="tag canonical" href="\/tags\/Mira\*s\*Keeper">Mira\/Keeper<\/a>/, "AO3's URL escaping");
    excludes(page.body, "Edit tag", "guests get no wrangling links");

    const reader = await as(app, "reader");
    includes((await reader.get("/tags/Mira")).body, "Works in this tag (2)", "logged-in readers count the restricted work too, never the draft");

    page = await guest.get("/tags/Lighthouse%20Stories");
    includes(page.body, "Child tags Relationships (1) Mira/Keeper Characters (1) Mira");

    page = await guest.get("/tags/Storms");
    includes(page.body, "Metatags Weather");
    page = await guest.get("/tags/Weather");
    includes(page.body, "Subtags Storms");
    includes(page.body, "Works in this tag (1)", "a metatag counts its subtags' works");

    page = await guest.get(tagPath("Salt & Light"));
    assert.equal(tagPath("Salt & Light"), "/tags/Salt%20*a*%20Light");
    assert.equal(page.statusCode, 200);
    assertMatch(page.body, /<h2 class="heading">Salt &amp; Light<\/h2>/);
    includes(page.body, "It has not been wrangled yet");

    page = await guest.get("/tags/MIRA%20OKONKWO");
    assert.equal(page.statusCode, 301, "a synonym's page redirects (any case)");
    assert.equal(page.headers.location, "/tags/Mira");
    assert.equal((await guest.get("/tags/mira%20okonkwo/works")).headers.location, "/tags/Mira/works");
    assert.equal((await guest.get("/tags/No%20Such%20Tag")).statusCode, 404);

    const wrangler = await as(app, "wrangler");
    page = await wrangler.get("/tags/Mira");
    assertMatch(page.body, /<a class="tag" href="\/tags\/mira%20okonkwo\/edit">mira okonkwo<\/a>/, "wranglers reach a synonym through its edit page");
    assertMatch(page.body, /<a href="\/tags\/Mira\/edit">Edit tag<\/a>/);
    await app.close();
  });
});

test("the edit form makes a tag a synonym: its canonical's works page lists the work, the history says who", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId } = await setup(db, url);
    const work = await makeWork(db, pseudId, { title: "The Lamp Keeper's Night", freeforms: ["lamp keeping"] });
    await apply(db, { action: "create", name: "Lighthouse Keeping", type: "Freeform", canonical: true });
    const wrangler = await as(app, "wrangler");

    const edit = await wrangler.get("/tags/lamp%20keeping/edit");
    assert.equal(edit.statusCode, 200);
    assertMatch(edit.body, /<label for="field-tag-syn_string">Synonym of<\/label>/);
    assertMatch(edit.body, /<input type="checkbox" id="field-tag-canonical-0" name="tag\[canonical\]" value="1"\s*\/?>/, "not canonical: the box is clear");
    excludes((await new Client(app).get("/tags/Lighthouse%20Keeping/works")).body, "The Lamp Keeper's Night");

    const tag = await tagRow(db, "lamp keeping");
    const saved = await wrangler.post("/tags/lamp%20keeping", unchanged(tag, "", { "tag[syn_string]": "lighthouse keeping" }));
    assert.equal(saved.statusCode, 303);
    assert.equal(saved.headers.location, "/tags/lamp%20keeping");
    const redirected = await wrangler.get(String(saved.headers.location));
    assert.equal(redirected.statusCode, 301, "the tag is a synonym now");
    const page = await wrangler.get(String(redirected.headers.location));
    includes(page.body, `"lamp keeping" is now a synonym of "Lighthouse Keeping".`);
    includes(page.body, "Works re-filtered: 1.");
    includes(page.body, "Synonyms lamp keeping");
    excludes((await wrangler.get("/tags/Lighthouse%20Keeping")).body, "is now a synonym", "the result shows once");

    const listing = await new Client(app).get("/tags/Lighthouse%20Keeping/works");
    includes(listing.body, "The Lamp Keeper's Night", "the canonical's works page lists the work");
    assertMatch(listing.body, new RegExp(`id="work_${work}"`));
    assert.equal((await tagRow(db, "lamp keeping")).merger_id, (await tagRow(db, "Lighthouse Keeping")).id);

    const history = await wrangler.get("/tags/lamp%20keeping/history");
    assert.equal(history.statusCode, 200);
    includes(history.body, `wrangler made a synonym of "Lighthouse Keeping"`);
    // Undo through the same form: the synonym field emptied.
    const undone = await wrangler.post("/tags/lamp%20keeping", unchanged(tag, ""));
    assert.equal(undone.statusCode, 303);
    includes((await wrangler.get("/tags/lamp%20keeping")).body, `"lamp keeping" is no longer a synonym.`);
    const lines = mainText((await wrangler.get("/tags/lamp%20keeping/history")).body);
    assert.ok(lines.indexOf("removed from its canonical tag") < lines.indexOf("made a synonym of"), "newest first");
    excludes((await new Client(app).get("/tags/Lighthouse%20Keeping/works")).body, "The Lamp Keeper's Night");
    await app.close();
  });
});

test("the edit form sets canonical, unwrangleable, parents and metatags, and removes them with checkboxes", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId } = await setup(db, url);
    await makeWork(db, pseudId, { fandoms: ["Lighthouse Stories"], characters: ["Mira"], freeforms: ["Storms", "odd thing"] });
    await apply(db, { action: "canonical", tag: "Lighthouse Stories", value: true }, { action: "create", name: "Weather", type: "Freeform", canonical: true });
    const admin = await as(app, "boss"); // admins wrangle too
    let res = await admin.post("/tags/Mira", { "tag[canonical]": "1", "tag[syn_string]": "", "tag[parent_string]": "Lighthouse Stories", "tag[meta_tag_string]": "" });
    assert.equal(res.statusCode, 303);
    let mira = await tagRow(db, "Mira");
    assert.equal(mira.canonical, 1);
    includes((await admin.get("/tags/Mira")).body, "Parent tags Fandoms (1) Lighthouse Stories");

    res = await admin.post("/tags/Storms", { "tag[canonical]": "1", "tag[syn_string]": "", "tag[parent_string]": "", "tag[meta_tag_string]": "Weather" });
    assert.equal(res.statusCode, 303);
    includes((await admin.get("/tags/Weather")).body, "Works in this tag (1)", "the metatag filters the subtag's work at once");

    const lighthouse = await tagRow(db, "Lighthouse Stories");
    const weather = await tagRow(db, "Weather");
    const edit = await admin.get("/tags/Storms/edit");
    assertMatch(edit.body, new RegExp(`name="tag\\[remove_meta_ids\\]\\[\\]" value="${weather.id}"`));
    res = await admin.post("/tags/Storms", { "tag[canonical]": "1", "tag[syn_string]": "", "tag[remove_meta_ids][]": String(weather.id) });
    assert.equal(res.statusCode, 303);
    includes((await admin.get("/tags/Weather")).body, "Works in this tag (0)");
    res = await admin.post("/tags/Mira", { "tag[canonical]": "1", "tag[syn_string]": "", "tag[remove_parent_ids][]": String(lighthouse.id) });
    assert.equal(res.statusCode, 303);
    assert.equal((await db.selectFrom("tag_parents").select("parent_id").where("child_id", "=", mira.id).execute()).length, 0);

    // Unmaking canonical works once the links are gone; unwrangleable keeps a tag out of the bins.
    res = await admin.post("/tags/Mira", { "tag[syn_string]": "" });
    assert.equal(res.statusCode, 303);
    mira = await tagRow(db, "Mira");
    assert.equal(mira.canonical, 0);
    res = await admin.post("/tags/odd%20thing", { "tag[syn_string]": "", "tag[unwrangleable]": "1" });
    assert.equal(res.statusCode, 303);
    const odd = await admin.get("/tags/odd%20thing");
    includes(odd.body, "It has been marked unwrangleable");
    includes(odd.body, `"odd thing" is now unwrangleable.`);
    const bin = await admin.get("/tags/Lighthouse%20Stories/wrangle?show=freeforms");
    excludes(bin.body, "odd thing");
    // A form sent unchanged changes nothing and says so.
    res = await admin.post("/tags/odd%20thing", { "tag[syn_string]": "", "tag[unwrangleable]": "1" });
    includes((await admin.get(String(res.headers.location))).body, "Nothing needed changing.");
    await app.close();
  });
});

test("refused wrangling answers 422 with the message by its field, keeps what was typed and changes nothing", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId } = await setup(db, url);
    await makeWork(db, pseudId, { fandoms: ["Lighthouse Stories"], characters: ["Mira", "Keeper"], freeforms: ["Storms", "Big Storms", "stormy", "tempest"], rating: "Explicit" });
    await apply(
      db,
      { action: "canonical", tag: "Lighthouse Stories", value: true },
      { action: "canonical", tag: "Mira", value: true },
      { action: "canonical", tag: "Storms", value: true },
      { action: "canonical", tag: "Big Storms", value: true },
      { action: "meta", tag: "Storms", meta: "Big Storms" },
      { action: "synonym", tag: "stormy", of: "Storms" },
    );
    const wrangler = await as(app, "wrangler");
    const snapshot = async () => ({
      tags: await db.selectFrom("tags").select(["id", "canonical", "merger_id", "unwrangleable"]).orderBy("id").execute(),
      parents: await db.selectFrom("tag_parents").selectAll().orderBy("child_id").orderBy("parent_id").execute(),
      meta: await db.selectFrom("tag_meta").selectAll().orderBy("sub_id").orderBy("meta_id").execute(),
      log: (await db.selectFrom("wrangling_log").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n,
    });
    const before = await snapshot();

    const cases: [string, string, Record<string, string | string[]>, RegExp, string][] = [
      ["a cycle", "Big Storms", { "tag[canonical]": "1", "tag[syn_string]": "", "tag[meta_tag_string]": "Storms" }, /would make a cycle/, "tag-meta_tag_string"],
      ["a synonym of a synonym", "tempest", { "tag[syn_string]": "stormy" }, /a synonym of a synonym is not allowed/, "tag-syn_string"],
      ["a parent of the wrong type", "Mira", { "tag[canonical]": "1", "tag[syn_string]": "", "tag[parent_string]": "Lighthouse Stories, Storms" }, /can(&#39;|')t have the Additional Tags tag &#34;Storms&#34; as a parent/, "tag-parent_string"],
      ["a fixed tag made non-canonical", "Explicit", { "tag[syn_string]": "" }, /one of the archive(&#39;|')s fixed tags/, "tag-canonical"],
      ["a tag its own synonym", "Keeper", { "tag[syn_string]": "keeper" }, /can(&#39;|')t be a synonym of itself/, "tag-syn_string"],
      ["a synonym of a tag that does not exist", "Keeper", { "tag[syn_string]": "Nobody At All" }, /There is no tag named &#34;Nobody At All&#34;/, "tag-syn_string"],
      ["a valid change before a refused one", "Keeper", { "tag[canonical]": "1", "tag[syn_string]": "", "tag[meta_tag_string]": "tempest" }, /&#34;tempest&#34; is not canonical/, "tag-meta_tag_string"],
    ];
    for (const [label, name, form, message, fieldName] of cases) {
      const res = await wrangler.post(tagPath(name), form);
      assert.equal(res.statusCode, 422, label);
      assertMatch(res.body, message, label);
      assertMatch(res.body, /class="flash error" role="alert"/, `${label}: the summary`);
      // The message sits by its field: a text field's wrapper or a checkbox group's fieldset.
      const byField = new RegExp(`(<div class="field has-error"><label for="field-${fieldName.replace(/[[\]]/g, "\\$&")}"|<fieldset class="choices has-error" id="field-${fieldName}")[\\s\\S]*?<p class="field-error" id="field-${fieldName}-error">`);
      assertMatch(res.body, byField, `${label}: by the field`);
      for (const [key, value] of Object.entries(form)) {
        if (key.endsWith("_string") && value) assertMatch(res.body, new RegExp(`name="${key.replace(/[[\]]/g, "\\$&")}"[^>]*value="${String(value).replace(/'/g, "&#39;")}"`), `${label}: keeps ${key}`);
      }
    }
    assert.deepEqual(await snapshot(), before, "nothing changed, not even the history");
    assert.equal((await tagRow(db, "Explicit")).canonical, 1);
    await app.close();
  });
});

test("wrangling pages are for wranglers and admins: guests are sent to log in, other users get 403", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId } = await setup(db, url);
    await makeWork(db, pseudId, { fandoms: ["Lighthouse Stories"], freeforms: ["fog"] });
    await apply(db, { action: "canonical", tag: "Lighthouse Stories", value: true });
    const pages = ["/tags/fog/edit", "/tags/fog/history", "/tags/Lighthouse%20Stories/wrangle", "/tags/Lighthouse%20Stories/wrangle?show=freeforms", "/wrangling"];
    const guest = new Client(app);
    for (const path of pages) {
      const res = await guest.get(path);
      assert.equal(res.statusCode, 303, `guest ${path}`);
      assert.equal(res.headers.location, `/users/login?return_to=${encodeURIComponent(path)}`);
    }
    await guest.get("/users/login");
    assert.equal((await guest.post("/tags/fog", { "tag[canonical]": "1" })).statusCode, 401, "a guest's post");
    assert.equal((await guest.post("/tags/Lighthouse%20Stories/wrangle", { "selected_tags[]": "1", "mass[canonical]": "1" })).statusCode, 401);

    const reader = await as(app, "reader");
    for (const path of pages) assert.equal((await reader.get(path)).statusCode, 403, `reader ${path}`);
    assert.equal((await reader.post("/tags/fog", { "tag[canonical]": "1" })).statusCode, 403);
    const fog = await tagRow(db, "fog");
    assert.equal((await reader.post("/tags/Lighthouse%20Stories/wrangle", { "selected_tags[]": String(fog.id), "mass[canonical]": "1" })).statusCode, 403);
    assert.equal((await tagRow(db, "fog")).canonical, 0, "nothing changed");
    assert.doesNotMatch((await reader.get("/")).body, /href="\/wrangling"/, "no wrangling link for readers");

    for (const login of ["wrangler", "boss"]) {
      const client = await as(app, login);
      for (const path of pages) assert.equal((await client.get(path)).statusCode, 200, `${login} ${path}`);
      assertMatch((await client.get("/")).body, /<a href="\/wrangling">Wrangling<\/a>/, `${login} sees the wrangling link`);
      assert.equal((await client.get("/tags/Nothing%20Here/edit")).statusCode, 404);
      assert.equal((await client.get("/tags/fog/wrangle")).statusCode, 404, "only canonical fandoms have bins");
    }
    await app.close();
  });
});

test("bins count a fandom's unwrangled characters, relationships and freeforms, and list them", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId } = await setup(db, url);
    await makeWork(db, pseudId, {
      fandoms: ["Lighthouse Stories"],
      characters: ["Mira", "Old Tom", "Gull"],
      relationships: ["Tom/Sea"],
      freeforms: ["Storms", "fog", "lamp oil", "weird tag", "foggy"],
    });
    await makeWork(db, pseudId, { fandoms: ["Lighthouse Stories"], freeforms: ["fog"] });
    await makeWork(db, pseudId, { fandoms: ["Lighthouse Stories"], freeforms: ["members tag"], restricted: true });
    await makeWork(db, pseudId, { fandoms: ["Lighthouse Stories"], freeforms: ["secret draft tag"], draft: true });
    await makeWork(db, pseudId, { fandoms: ["Far Away Place"], freeforms: ["far tag"] });
    await apply(
      db,
      { action: "canonical", tag: "Lighthouse Stories", value: true },
      { action: "canonical", tag: "Far Away Place", value: true },
      { action: "create", name: "Sea Tales", type: "Fandom", canonical: true },
      { action: "meta", tag: "Lighthouse Stories", meta: "Sea Tales" },
      { action: "canonical", tag: "Mira", value: true },
      { action: "canonical", tag: "Storms", value: true },
      { action: "synonym", tag: "foggy", of: "Storms" },
      { action: "unwrangleable", tag: "weird tag", value: true },
      { action: "parent", tag: "Gull", parent: "Lighthouse Stories" },
      { action: "parent", tag: "Far Away Place", parent: "Books & Literature" },
    );
    const wrangler = await as(app, "wrangler");
    const home = await wrangler.get("/wrangling");
    assert.equal(home.statusCode, 200);
    includes(home.body, "Canonical fandoms (4)"); // with "No Fandom"
    includes(home.body, "Far Away Place 0 0 1");
    includes(home.body, "Lighthouse Stories 1 1 3", "Old Tom; Tom/Sea; fog, lamp oil, members tag");
    includes(home.body, "Sea Tales 1 1 3", "a metatag fandom's bins hold its subfandoms' tags");
    includes(home.body, "Fandoms without media (3) Lighthouse Stories No Fandom Sea Tales");
    assertMatch(home.body, /<a href="\/tags\/Lighthouse%20Stories\/wrangle\?show=freeforms" aria-label="3 unwrangled Additional Tags in Lighthouse Stories">3<\/a>/);

    const bin = await wrangler.get("/tags/Lighthouse%20Stories/wrangle");
    includes(bin.body, "Characters (1) Relationships (1) Additional Tags (3)");
    const freeforms = await wrangler.get("/tags/Lighthouse%20Stories/wrangle?show=freeforms");
    includes(freeforms.body, "Unwrangled Additional Tags (3) Tag Works in this fandom Edit fog 2 Edit lamp oil 1 Edit members tag 1 Edit");
    for (const hidden of ["Storms", "weird tag", "foggy", "secret draft tag", "far tag"]) excludes(freeforms.body, hidden);
    const fog = await tagRow(db, "fog");
    assertMatch(freeforms.body, new RegExp(`<input type="checkbox" id="bin-tag-${fog.id}" name="selected_tags\\[\\]" value="${fog.id}"\\s*/?> <label for="bin-tag-${fog.id}">fog</label>`));
    assertMatch(freeforms.body, /<input id="field-mass-fandom_string" name="mass\[fandom_string\]"[^>]*value="Lighthouse Stories"/, "assign to this fandom by default");
    includes((await wrangler.get("/tags/Lighthouse%20Stories/wrangle?show=characters")).body, "Old Tom");
    excludes((await wrangler.get("/tags/Lighthouse%20Stories/wrangle?show=characters")).body, "Gull", "a character with a fandom is wrangled");
    includes((await wrangler.get("/tags/Lighthouse%20Stories/wrangle?show=relationships")).body, "Tom/Sea");

    // Giving a fandom a medium through its edit form takes it off "without media".
    const res = await wrangler.post("/tags/Lighthouse%20Stories", { "tag[canonical]": "1", "tag[syn_string]": "", "tag[parent_string]": "Books & Literature" });
    assert.equal(res.statusCode, 303);
    includes((await wrangler.get("/wrangling")).body, "Fandoms without media (2) No Fandom Sea Tales");
    await app.close();
  });
});

test("mass wrangling applies every ticked tag or none", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId } = await setup(db, url);
    const work = await makeWork(db, pseudId, { title: "Fog Work", fandoms: ["Lighthouse Stories"], freeforms: ["fog", "lamp oil", "members tag", "haze"] });
    await apply(db, { action: "canonical", tag: "Lighthouse Stories", value: true }, { action: "create", name: "Mist", type: "Freeform", canonical: true });
    const wrangler = await as(app, "wrangler");
    const [fog, oil, members, haze] = await Promise.all(["fog", "lamp oil", "members tag", "haze"].map((name) => tagRow(db, name)));
    const binUrl = "/tags/Lighthouse%20Stories/wrangle";
    await wrangler.get(`${binUrl}?show=freeforms`);

    // Form problems: nothing ticked; synonym and canonical at once; nothing to do.
    let res = await wrangler.post(binUrl, { show: "freeforms", "mass[syn_string]": "Mist", "mass[fandom_string]": "Lighthouse Stories" });
    assert.equal(res.statusCode, 422);
    assertMatch(res.body, /Please tick at least one tag\./);
    assertMatch(res.body, /<fieldset id="field-selected_tags" class="has-error"/);
    res = await wrangler.post(binUrl, { show: "freeforms", "selected_tags[]": [String(fog.id)], "mass[syn_string]": "Mist", "mass[canonical]": "1", "mass[fandom_string]": "" });
    assert.equal(res.statusCode, 422);
    assertMatch(res.body, /Choose either “Make synonyms of” or “Make canonical”, not both\./);
    res = await wrangler.post(binUrl, { show: "freeforms", "selected_tags[]": [String(fog.id)], "mass[syn_string]": "", "mass[fandom_string]": "" });
    assert.equal(res.statusCode, 422);
    assertMatch(res.body, /Please say what to do with the ticked tags/);

    // Someone made "lamp oil" canonical meanwhile: making both synonyms is refused as a whole.
    await apply(db, { action: "canonical", tag: "lamp oil", value: true });
    res = await wrangler.post(binUrl, { show: "freeforms", "selected_tags[]": [String(fog.id), String(oil.id)], "mass[syn_string]": "Mist", "mass[fandom_string]": "Lighthouse Stories" });
    assert.equal(res.statusCode, 422);
    assertMatch(res.body, /&#34;lamp oil&#34; is canonical; make it not canonical before making it a synonym\./);
    assertMatch(res.body, /<div class="field has-error"><label for="field-mass-syn_string">/, "by the synonym field");
    assertMatch(res.body, new RegExp(`value="${fog.id}" checked`), "the ticks are kept");
    assertMatch(res.body, /name="mass\[syn_string\]"[^>]*value="Mist"/);
    assert.equal((await tagRow(db, "fog")).merger_id, null, "fog was not changed");
    assert.equal((await db.selectFrom("tag_parents").select("child_id").where("child_id", "=", fog.id).execute()).length, 0);

    // Both fine: both become synonyms of Mist, assigned to the fandom, and the work is filtered under Mist.
    res = await wrangler.post(binUrl, { show: "freeforms", "selected_tags[]": [String(fog.id), String(haze.id)], "mass[syn_string]": "mist", "mass[fandom_string]": "Lighthouse Stories" });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `${binUrl}?show=freeforms`);
    const after = await wrangler.get(String(res.headers.location));
    includes(after.body, `"fog" is now a synonym of "Mist".`);
    includes(after.body, `"haze" is now a synonym of "Mist".`);
    includes(after.body, `"Lighthouse Stories" is now a parent of "fog".`);
    includes(after.body, "Additional Tags (1)", "only the members tag is left");
    const mist = await tagRow(db, "Mist");
    assert.equal((await tagRow(db, "fog")).merger_id, mist.id);
    assert.equal((await tagRow(db, "haze")).merger_id, mist.id);
    includes((await wrangler.get("/tags/Mist/works")).body, "Fog Work");
    assert.ok(work > 0);

    // Make canonical and assign to the fandom at once.
    res = await wrangler.post(binUrl, { show: "freeforms", "selected_tags[]": [String(members.id)], "mass[syn_string]": "", "mass[canonical]": "1", "mass[fandom_string]": "Lighthouse Stories" });
    assert.equal(res.statusCode, 303);
    const membersNow = await tagRow(db, "members tag");
    assert.equal(membersNow.canonical, 1);
    assert.equal((await db.selectFrom("tag_parents").select("parent_id").where("child_id", "=", members.id).execute()).length, 1);
    includes((await wrangler.get(String(res.headers.location))).body, "Additional Tags (0)");
    await app.close();
  });
});

test("a large re-filter is left to the worker, and tag pages show its progress until it is done", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId } = await setup(db, url);
    await makeWork(db, pseudId, { title: "Waiting Work", freeforms: ["lamp keeping"] });
    await apply(db, { action: "create", name: "Lighthouse Keeping", type: "Freeform", canonical: true });
    const wrangler = await as(app, "wrangler");
    setRunNowLimit(0);
    try {
      const res = await wrangler.post("/tags/lamp%20keeping", { "tag[syn_string]": "Lighthouse Keeping" });
      assert.equal(res.statusCode, 303);
    } finally {
      setRunNowLimit(2000);
    }
    const page = await wrangler.get("/tags/Lighthouse%20Keeping");
    includes(page.body, "1 works will be re-filtered in the background");
    includes(page.body, "Re-filtering works: 0 of 1");
    includes((await wrangler.get("/wrangling")).body, "Re-filtering works: 0 of 1");
    excludes((await new Client(app).get("/tags/Lighthouse%20Keeping")).body, "Re-filtering", "guests are not shown jobs");
    excludes((await wrangler.get("/tags/Lighthouse%20Keeping/works")).body, "Waiting Work", "not re-filtered yet");

    assert.equal(await drainJobs(db, TAG_JOB_STEPS), 1);
    excludes((await wrangler.get("/tags/Lighthouse%20Keeping")).body, "Re-filtering");
    includes((await wrangler.get("/tags/Lighthouse%20Keeping/works")).body, "Waiting Work");

    // Progress reads with thousands separators.
    const id = await enqueueJob(db, REFILTER, { taggedWith: [], filteredBy: [] }, 100_000);
    await db.updateTable("jobs").set({ done_count: 3000 }).where("id", "=", id).execute();
    includes((await wrangler.get("/tags/Lighthouse%20Keeping")).body, "Re-filtering works: 3,000 of 100,000");
    await app.close();
  });
});

test("autocomplete: canonical tags first, then prefix before word matches, case-insensitive, no synonyms, at most 15", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId } = await setup(db, url);
    await makeWork(db, pseudId, { fandoms: ["Star Wars", "Stargate", "star trek tos", "Trek Wars", "Lone_Star"], characters: ["Starbuck"] });
    await apply(
      db,
      { action: "create", name: "Star Trek", type: "Fandom", canonical: true },
      { action: "create", name: "A Star Is Born", type: "Fandom", canonical: true },
      { action: "create", name: "Rising/Starlight", type: "Fandom", canonical: true },
      { action: "canonical", tag: "Star Wars", value: true },
      { action: "synonym", tag: "star trek tos", of: "Star Trek" },
    );
    const guest = new Client(app);
    const names = async (path: string) => {
      const res = await guest.get(path);
      assert.equal(res.statusCode, 200, path);
      assert.match(String(res.headers["content-type"]), /^application\/json/);
      const body = JSON.parse(res.body) as { id: number; name: string }[];
      for (const entry of body) assert.deepEqual(Object.keys(entry).sort(), ["id", "name"]);
      return body.map((entry) => entry.name);
    };
    assert.deepEqual(await names("/autocomplete/fandom?term=STAR"), ["Star Trek", "Star Wars", "A Star Is Born", "Rising/Starlight", "Stargate"]);
    assert.deepEqual(await names("/autocomplete/fandom?term=star%20t"), ["Star Trek"]);
    assert.deepEqual(await names("/autocomplete/fandom?term=wars"), ["Star Wars", "Trek Wars"]);
    assert.deepEqual(await names("/autocomplete/tag?term=starb"), ["Starbuck"]);
    assert.deepEqual(await names("/autocomplete/character?term=star"), ["Starbuck"]);
    assert.deepEqual(await names("/autocomplete/fandom?term=star_"), [], "LIKE wildcards in the term match themselves");
    assert.deepEqual(await names("/autocomplete/fandom?term=lone_"), ["Lone_Star"]);
    assert.deepEqual(await names("/autocomplete/fandom?term="), []);
    assert.deepEqual(await names("/autocomplete/fandom?term=tos"), [], "synonyms are left out");

    for (let i = 0; i < 20; i++) await apply(db, { action: "create", name: `Starfield ${String(i).padStart(2, "0")}`, type: "Fandom", canonical: true });
    const many = await names("/autocomplete/fandom?term=star");
    assert.equal(many.length, 15);
    assert.deepEqual(many.slice(0, 3), ["Star Trek", "Star Wars", "Starfield 00"]);
    const missing = await guest.get("/autocomplete/nonsense?term=star");
    assert.equal(missing.statusCode, 404);
    assert.match(String(missing.headers["content-type"]), /json/);
    await app.close();
  });
});
