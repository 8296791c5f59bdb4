import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { FastifyInstance } from "fastify";
import { ApiClient } from "../../test/support/api.js";
import { Client, loggedInUser, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeWork } from "../../test/support/factories.js";
import { createToken } from "../api/commands.js";
import { buildApp, jobSteps } from "../app.js";
import { drainJobs } from "../platform/jobs.js";
import { outboxFolder } from "../platform/mail.js";
import { createBookmark } from "../responses/commands.js";
import { addWorkToSeries, createSeries } from "../series/commands.js";
import { subscribe } from "../subscriptions/commands.js";
import { runRefilterNow } from "../tags/refilter.js";
import { wrangle } from "../tags/wrangling.js";
import { addChapter } from "../works/commands.js";

// A work an admin hid is visible only to its creators and to admins (any admin role), on every
// surface and in every count: the HTML listings and their facets, search, the work and chapter
// pages, Atom and OPDS, the JSON API, downloads, tag and fandom counts, the creator's works page
// and profile figures, series, bookmark listings, reading history and subscription mail. Shown
// again, it is back everywhere.

const FANDOM = "Lantern Coast";
const FANDOM_PATH = encodeURIComponent(FANDOM);
const WORD = "zephyrine";

/** Work ids in the order an HTML listing shows them. */
const htmlIds = (html: string) => [...html.matchAll(/<h4 class="heading"><a href="\/works\/(\d+)"/g)].map((m) => Number(m[1]));
/** Work ids of a feed's entries. */
const feedIds = (xml: string) => [...xml.matchAll(/<entry>\s*<id>[^<]*\/works\/(\d+)<\/id>/g)].map((m) => Number(m[1]));

interface Who {
  name: string;
  client: Client;
  token?: string;
  login?: string;
}

function outbox(dataDir: string): string[] {
  try {
    return readdirSync(outboxFolder(dataDir)).sort().map((name) => readFileSync(join(outboxFolder(dataDir), name), "utf8"));
  } catch {
    return [];
  }
}

/**
 * Everything `who` can learn of the work on each surface: true where the work (or its weight in a
 * count) shows. The figures compare with the one open work of the same fandom and creator.
 */
async function surfaces(app: FastifyInstance, who: Who, ids: { work: number; chapter: number; series: number }): Promise<Record<string, boolean>> {
  const { work } = ids;
  const page = async (url: string) => {
    const res = await who.client.get(url);
    assert.ok(res.statusCode < 500, `${who.name} ${url}: ${res.statusCode}`);
    return res;
  };
  const api = new ApiClient(app, who.token);
  const auth: Record<string, string> = who.token ? { authorization: `Bearer ${who.token}` } : {};
  const basic: Record<string, string> = who.token ? { authorization: `Basic ${Buffer.from(`${who.login}:${who.token}`).toString("base64")}` } : {};
  const feed = async (url: string, headers: Record<string, string>) => {
    const res = await app.inject({ method: "GET", url, headers });
    assert.equal(res.statusCode, 200, `${who.name} ${url}`);
    return feedIds(res.body);
  };
  const status = async (url: string) => (await page(url)).statusCode;
  const fandomFacet = (body: { facets: { Fandom?: { name: string; count: number }[] } }) => body.facets.Fandom?.find((f) => f.name === FANDOM)?.count ?? 0;

  const worksApi = (await api.get("/works")).body;
  const tagApi = (await api.get(`/tags/${FANDOM_PATH}`)).body;
  const seriesApi = (await api.get(`/series/${ids.series}`)).body;
  const fandomsPage = (await page("/fandoms")).body;
  const fandomCount = Number(new RegExp(`${FANDOM}</a> <span class="count">\\((\\d+)`).exec(fandomsPage)?.[1] ?? 0);
  const listing = (await page("/works")).body;
  return {
    "/works": htmlIds(listing).includes(work),
    "/works facet count": listing.includes(`${FANDOM} (2)`),
    "/tags/FANDOM/works": htmlIds((await page(`/tags/${FANDOM_PATH}/works`)).body).includes(work),
    "/users/writer/works": htmlIds((await page("/users/writer/works")).body).includes(work),
    "/series/ID": (await page(`/series/${ids.series}`)).body.includes(`href="/works/${work}"`),
    "search page": htmlIds((await page(`/works/search?work_search%5Bquery%5D=${WORD}`)).body).includes(work),
    "/works/ID": (await status(`/works/${work}`)) === 200,
    "chapter page": (await status(`/works/${work}/chapters/${ids.chapter}`)) === 200,
    "/works/ID/bookmarks": (await status(`/works/${work}/bookmarks`)) === 200,
    "/users/reader/bookmarks": (await page("/users/reader/bookmarks")).body.includes(`href="/works/${work}"`),
    "/fandoms count": fandomCount === 2,
    "Atom /works": (await feed("/works/feed.atom", basic)).includes(work),
    "Atom tag": (await feed(`/tags/${FANDOM_PATH}/feed.atom`, basic)).includes(work),
    "Atom user": (await feed("/users/writer/works/feed.atom", basic)).includes(work),
    "Atom chapters": (await app.inject({ method: "GET", url: `/works/${work}/chapters/feed.atom`, headers: basic })).statusCode === 200,
    "OPDS works": (await feed("/opds/works", auth)).includes(work),
    "OPDS tag works": (await feed(`/opds/tags/${FANDOM_PATH}/works`, auth)).includes(work),
    "OPDS user works": (await feed("/opds/users/writer/works", auth)).includes(work),
    "OPDS search": (await feed(`/opds/search?work_search%5Bquery%5D=${WORD}`, auth)).includes(work),
    "API /works": worksApi.works.some((w: { id: number }) => w.id === work),
    "API /works total": worksApi.total === 2,
    "API /works facet": fandomFacet(worksApi) === 2,
    "API /search": (await api.get(`/search?q=${WORD}`)).body.total === 1,
    "API /works/ID": (await api.get(`/works/${work}`)).status === 200,
    "API chapters": (await api.get(`/works/${work}/chapters`)).status === 200,
    "API chapter": (await api.get(`/works/${work}/chapters/${ids.chapter}`)).status === 200,
    "API work bookmarks": (await api.get(`/works/${work}/bookmarks`)).status === 200,
    "API user works": (await api.get("/users/writer/works")).body.works.some((w: { id: number }) => w.id === work),
    "API tag works_count": tagApi.works_count === 2,
    "pseuds page works count": /<dd class="works">\s*<a[^>]*>\s*2 /.test((await page("/users/writer/pseuds")).body),
    "API series works_count": seriesApi.works_count === 2,
    download: (await status(`/downloads/${work}/Quiet_Lighthouse.html`)) === 200,
  };
}

const everywhere = (seen: Record<string, boolean>, expected: boolean) => Object.entries(seen).filter(([, v]) => v !== expected).map(([k]) => k);

test("a hidden work is gone for guests and other users on every surface, counts included; its creator (with the notice) and every admin role still see it; shown again, it is back", async (t) => {
  await eachDialect(t, async (_t, testDb) => {
    const { db } = testDb;
    const dataDir = mkdtempSync(join(tmpdir(), "fanfold-hidden-"));
    const config = testConfig(testDb.url, { dataDir });
    const app = await buildApp(config, db);
    try {
      const wrangled = await wrangle(db, null, [{ action: "create", name: FANDOM, type: "Fandom", canonical: true }]);
      assert.ok(wrangled.ok);
      if (wrangled.jobId !== null) await runRefilterNow(db, wrangled.jobId);
      const writer = await loggedInUser(app, db, "writer");
      const reader = await loggedInUser(app, db, "reader");
      const policy = await loggedInUser(app, db, "policy", ["policy_and_abuse"]);
      const support = await loggedInUser(app, db, "support", ["support"]);
      const tokenOf = async (userId: number) => (await createToken(db, userId, "test", "read")).token;

      const workId = await makeWork(db, writer.pseudId, { title: "Quiet Lighthouse", fandoms: [FANDOM], chapters: [`<p>The ${WORD} light turned all night.</p>`] });
      const openId = await makeWork(db, writer.pseudId, { title: "Open Harbour", fandoms: [FANDOM], chapters: ["<p>Boats came and went.</p>"] });
      const chapter = await db.selectFrom("chapters").select("id").where("work_id", "=", workId).executeTakeFirstOrThrow();
      const seriesId = await createSeries(db, [writer.pseudId], "Coast Series");
      await addWorkToSeries(db, seriesId, workId, null);
      await addWorkToSeries(db, seriesId, openId, null);
      assert.ok((await createBookmark(db, reader.userId, workId, { notes: "", tags: [], private: false, rec: false })).created);
      await subscribe(db, reader.userId, "user", writer.userId);
      await reader.client.get(`/works/${workId}`); // into the reader's history
      const ids = { work: workId, chapter: chapter.id, series: seriesId };

      const guest: Who = { name: "guest", client: new Client(app) };
      const others: Who[] = [guest, { name: "reader", client: reader.client, token: await tokenOf(reader.userId), login: "reader" }];
      const seers: Who[] = [
        { name: "creator", client: writer.client, token: await tokenOf(writer.userId), login: "writer" },
        { name: "policy admin", client: policy.client, token: await tokenOf(policy.userId), login: "policy" },
        { name: "support admin", client: support.client, token: await tokenOf(support.userId), login: "support" },
      ];

      // Before: everyone sees it everywhere (the reader's history holds it).
      for (const who of [...others, ...seers]) assert.deepEqual(everywhere(await surfaces(app, who, ids), true), [], `${who.name} before hiding`);
      assert.match((await reader.client.get("/users/reader/readings")).body, new RegExp(`href="/works/${workId}"`));

      // A policy admin hides it.
      const hidden = await policy.client.post(`/admin/works/${workId}/hide`, { reason: "Copied from another archive" });
      assert.equal(hidden.statusCode, 303);
      assert.equal(hidden.headers.location, `/admin/works/${workId}`);

      for (const who of others) assert.deepEqual(everywhere(await surfaces(app, who, ids), false), [], `${who.name}: the hidden work shows nowhere`);
      for (const who of seers) assert.deepEqual(everywhere(await surfaces(app, who, ids), true), [], `${who.name}: the hidden work shows everywhere`);
      // The guest's 404 is the one a missing work gets.
      const missing = await guest.client.get("/works/999999");
      const gone = await guest.client.get(`/works/${workId}`);
      assert.equal(gone.statusCode, 404);
      // (Apart from the per-request token and the footer's report link, which names the address asked for.)
      const page404 = (body: string) => body.replace(/content="[^"]*"/g, "").replace(/href="\/abuse_reports\/new[^"]*"/g, "");
      assert.equal(page404(gone.body), page404(missing.body), "the same page as a work that does not exist");
      assert.doesNotMatch((await reader.client.get("/users/reader/readings")).body, new RegExp(`href="/works/${workId}"`), "out of the reader's history");

      // OPDS fandom counts are shared per kind of viewer for a minute (src/feeds/opds.ts): a fresh
      // process counts the hidden work for nobody but admins (a creator's own hidden work is never
      // in a count shared with others).
      const fresh = await buildApp(config, db);
      try {
        const opdsCount = async (who: Who) => {
          const res = await fresh.inject({ method: "GET", url: "/opds/fandoms", headers: who.token ? { authorization: `Bearer ${who.token}` } : {} });
          assert.equal(res.statusCode, 200);
          return Number(new RegExp(`<title>${FANDOM}</title>[\\s\\S]*?thr:count="(\\d+)"`).exec(res.body)?.[1] ?? 0);
        };
        assert.deepEqual(await Promise.all([...others, ...seers].map(opdsCount)), [1, 1, 1, 2, 2], "OPDS fandom counts: guest, reader, creator, admins");
      } finally {
        await fresh.close();
      }

      // The creator reads why; an admin sees it is hidden and reaches its admin page.
      const asCreator = (await writer.client.get(`/works/${workId}`)).body;
      assert.match(asCreator, /This work has been hidden by the Archive(&#39;|')s admins: Copied from another archive/);
      assert.match(asCreator, /Only you and the admins can see it/);
      assert.doesNotMatch(asCreator, /Admin page of this work/);
      const asPolicy = (await policy.client.get(`/works/${workId}`)).body;
      assert.match(asPolicy, /hidden by the Archive(&#39;|')s admins: Copied from another archive/);
      assert.match(asPolicy, new RegExp(`<a href="/admin/works/${workId}">Admin page of this work</a>`));
      assert.doesNotMatch((await writer.client.get(`/works/${openId}`)).body, /hidden by the Archive/, "no notice on other works");

      // The creator was told by mail; the reader, subscribed to the creator, hears nothing of a new chapter.
      await addChapter(db, workId, { title: "More", summary: "", notes: "", endnotes: "", content: `<p>More ${WORD}.</p>` });
      await drainJobs(db, jobSteps(config));
      const mails = outbox(dataDir);
      assert.equal(mails.length, 1, "one mail: the creator's");
      assert.match(mails[0]!, /^To: writer@example\.com$/m);
      assert.match(mails[0]!, /Copied from another archive/);
      assert.match(mails[0]!, /Quiet Lighthouse/);

      // Shown again: back everywhere, for everyone.
      const shown = await policy.client.post(`/admin/works/${workId}/unhide`, { reason: "" });
      assert.equal(shown.statusCode, 303);
      for (const who of [...others, ...seers]) assert.deepEqual(everywhere(await surfaces(app, who, ids), true), [], `${who.name} after unhiding`);
      assert.doesNotMatch((await writer.client.get(`/works/${workId}`)).body, /hidden by the Archive/);
      const audit = await db.selectFrom("audit_log").select(["action", "actor_user_id", "target_user_id", "work_id", "reason"]).orderBy("id").execute();
      assert.deepEqual(audit, [
        { action: "hide_work", actor_user_id: policy.userId, target_user_id: writer.userId, work_id: workId, reason: "Copied from another archive" },
        { action: "unhide_work", actor_user_id: policy.userId, target_user_id: writer.userId, work_id: workId, reason: "" },
      ]);
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
