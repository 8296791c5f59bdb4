import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { type ChildNode, type Element, isTag, isText } from "domhandler";
import { parseDocument } from "htmlparser2";
import { Client, loggedInUser, testConfig } from "../../../test/support/app.js";
import { eachDialect } from "../../../test/support/db.js";
import { makeWork } from "../../../test/support/factories.js";
import { checkHtmlPages, htmlCheckerAvailable } from "../../../test/support/validators.js";
import { issueSetupToken, setSetting } from "../../model/archive-settings.js";
import { invitationJobSteps } from "../../invitations/index.js";
import { buildApp } from "../../app.js";
import { relate } from "../../blocking/commands.js";
import { createBookmark } from "../../responses/commands.js";
import { addWorkToSeries, createSeries } from "../../series/commands.js";
import { subscribe } from "../../subscriptions/commands.js";
import { subscriptionMailStep } from "../../subscriptions/mail-job.js";
import { accountJobSteps } from "../../users/lock-mail.js";
import { claimJobSteps, queueClaims } from "../../users/claims.js";
import { importedAccount } from "../../../test/support/legacy.js";
import { reportJobSteps } from "../../reports/index.js";
import { moderationJobSteps } from "../../moderation/index.js";
import { startSession } from "../../users/sessions.js";
import { SESSION_COOKIE } from "../http/server.js";
import { setSpamRules } from "../../model/spam.js";
import { MAX_FAILURES, noteFailure } from "../../users/throttle.js";
import { CATEGORIES, DEFAULT_FANDOM, RATINGS, WARNINGS } from "../../model/vocabulary.js";
import { LANGUAGES } from "../../model/languages.js";
import { addChapter } from "../../works/commands.js";
import { createUser } from "../../users/commands.js";
import { createPost as createNewsPost, saveBanner } from "../../news/commands.js";
import { downloadPath } from "../../downloads/index.js";
import { drainJobs } from "../jobs.js";
import { inviteCoCreators, worksJobSteps } from "../../works/cocreators.js";
import { setGifts } from "../../gifts/commands.js";
import { setParents } from "../../related/commands.js";
import { relatedJobSteps } from "../../related/mail-job.js";
import { leavingJobSteps } from "../../leaving/index.js";
import type { MailMessage } from "../mail.js";
import { t as translate, useLocale } from "./index.js";
import { pseudoLocalize } from "./pseudo.js";

// The pseudo-locale test: the archive is run with FANFOLD_LOCALE=pseudo, in which every catalogue
// message comes out accented (no plain ASCII letter left), and every page type is rendered. Any
// run of plain letters left on a page then did not come from the catalogue, unless it is:
//
// - user content: everything the test seeds (titles, tags, names, summaries, chapters, comments,
//   notes) is written in words that begin with "zq", so it is told apart by its look;
// - data the archive stores rather than says: the fixed tag names (ratings, warnings, categories
//   and the default fandom are tags in the tags table, and like AO3 the archive does not
//   translate tag names) and languages in their own names (an autonym stays as it is in any locale);
// - the few proper nouns and format names in ALLOWED_WORDS;
// - machine text: URLs, and code samples inside <code>, <pre>, <kbd> and <samp>.

/**
 * Names of formats and standards, and the archive it mirrors, which stay the same in every
 * language; and the JSON Schema types and parameter places the API docs name, which are the
 * words a client's code uses.
 */
const ALLOWED_WORDS = new Set(["AO3", "EPUB", "PDF", "HTML", "AZW3", "MOBI", "TXT", "Atom", "OPDS", "JSON", "API", "CSRF", "URL", "RSS", "UTF", "string", "integer", "boolean", "number", "null", "object", "true", "false", "date", "query", "path"]);

/** Phrases that are data, not messages (see above); longest first so a phrase inside another is not cut in two. */
/** The Media tags every archive starts with (AO3's; migration 0003): tag names, data like the ratings. */
const MEDIA_TAGS = ["Anime & Manga", "Books & Literature", "Cartoons & Comics & Graphic Novels", "Celebrities & Real People", "Movies", "Music & Bands", "Other Media", "Theater", "TV Shows", "Video Games", "Uncategorized Fandoms", "No Media"];

const DATA_PHRASES = [...RATINGS, ...WARNINGS, ...CATEGORIES]
  .map((tag) => tag.name)
  .concat(DEFAULT_FANDOM, LANGUAGES.map((l) => l.name), MEDIA_TAGS)
  .sort((a, b) => b.length - a.length);

/** Elements whose text is code or machine data, not prose. */
const CODE_ELEMENTS = new Set(["code", "pre", "kbd", "samp", "script", "style"]);

/** Attributes a person reads or hears. */
const READ_ATTRIBUTES = ["title", "aria-label", "aria-description", "placeholder", "alt", "label"];

/** Plain-letter words left in `text` once data phrases, URLs and user content are taken out. */
function untranslatedWords(text: string): string[] {
  // URLs, and values quoted as code ("asc", "T"), are machine text.
  let rest = text.replace(/https?:\/\/\S+/g, " ").replace(/"[^"\s]*"/g, " ");
  for (const phrase of DATA_PHRASES) rest = rest.split(phrase).join(" ");
  // camelCase words are identifiers (the API's operation ids), not prose.
  return (rest.match(/[A-Za-z][A-Za-z0-9]+/g) ?? []).filter((word) => !/^zq/i.test(word) && !ALLOWED_WORDS.has(word) && !/^[a-z]+[A-Z]/.test(word));
}

/** Every piece of text on an HTML or XML page that a reader sees or hears, with plain words left in it. */
function findUntranslated(markup: string, options: { xml?: boolean; skip?: Set<string> } = {}): string[] {
  const found: string[] = [];
  const check = (text: string, where: string) => {
    const words = untranslatedWords(text);
    if (words.length) found.push(`${where}: ${JSON.stringify(text.trim().slice(0, 160))} (${words.join(", ")})`);
  };
  const walk = (nodes: ChildNode[], path: string) => {
    for (const node of nodes) {
      if (isText(node)) check(node.data, path);
      else if (isTag(node)) {
        const element = node as Element;
        if (CODE_ELEMENTS.has(element.name) || options.skip?.has(element.name)) continue;
        // A feed's HTML summary or content is markup carried as text: check it as a page.
        if (options.xml && element.attribs.type === "html") {
          found.push(...findUntranslated(element.children.map((c) => (isText(c) ? c.data : "")).join("")));
          continue;
        }
        for (const name of READ_ATTRIBUTES) if (element.attribs[name] !== undefined) check(element.attribs[name]!, `${element.name}[${name}]`);
        const type = element.attribs.type;
        if (element.name === "input" && (type === "submit" || type === "button" || type === "reset")) check(element.attribs.value ?? "", "input[value]");
        if (element.name === "meta" && element.attribs.name === "description") check(element.attribs.content ?? "", "meta[description]");
        walk(element.children, element.name);
      }
    }
  };
  walk(parseDocument(markup, { xmlMode: options.xml ?? false }).children, "");
  return found;
}

/** Every description and summary in a JSON document (the OpenAPI document's prose). */
function proseOf(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(proseOf);
  if (!node || typeof node !== "object") return [];
  return Object.entries(node).flatMap(([key, value]) => ((key === "description" || key === "summary") && typeof value === "string" ? [value] : proseOf(value)));
}

/** One page, fetched and checked: its status as expected, and the words that did not come from the catalogue. */
async function page(client: Client, url: string, expectedStatus = 200): Promise<{ body: string; problems: string[] }> {
  const res = await client.get(url);
  const problems = res.statusCode === expectedStatus ? [] : [`answered ${res.statusCode}, expected ${expectedStatus}`];
  return { body: res.body, problems };
}

test("the pseudo-locale marks every catalogue message and keeps placeholders", () => {
  const pseudo = pseudoLocalize("Log in as {name} now");
  assert.match(pseudo, /^\[.*\{name\}.* ~+\]$/);
  assert.deepEqual(untranslatedWords(pseudo.replace("{name}", "")), []);
  assert.ok(pseudo.length >= "Log in as {name} now".length * 1.3, "about 30 % longer");
  useLocale("pseudo");
  try {
    assert.equal(translate("blocking.count", { count: 3, limit: 5 }).includes("3"), true);
  } finally {
    useLocale("en");
  }
});

test("every page type, feed and email in the pseudo-locale: no word outside the message catalogue", async (t) => {
  const validate = htmlCheckerAvailable(t);
  await eachDialect(t, async (t, { db, url }) => {
    const config = testConfig(url, { locale: "pseudo" });
    const pages: Record<string, { body: string; problems: string[]; xml?: boolean }> = {};
    try {
      const app = await buildApp(config, db);
      const guest = new Client(app);

      // Before any admin exists: the one-time setup page.
      const setupToken = await issueSetupToken(db);
      pages["setup"] = await page(guest, `/setup?token=${setupToken}`);

      // The seed: every user-supplied word starts with "zq".
      const writer = await loggedInUser(app, db, "zqwriter", ["admin", "wrangler"]);
      const reader = await loggedInUser(app, db, "zqreader");
      const other = await createUser(db, { login: "zqother", email: "zqother@example.com", password: "reader password 1" });
      assert.ok(other.ok);
      const workId = await makeWork(db, writer.pseudId, {
        title: "Zqtide Zqstorm",
        fandoms: ["Zqfandom"],
        relationships: ["Zqmira/Zqkeeper"],
        characters: ["Zqmira"],
        freeforms: ["Zqsea"],
        rating: "Mature",
        summary: "<p>Zqsummary zqwords.</p>",
        notes: "<p>Zqnotes.</p>",
        expectedChapters: null,
        chapters: ["<p>Zqlamp zqturned.</p>", "<p>Zqmorning zqglass.</p>"],
      });
      const draftId = await makeWork(db, writer.pseudId, { title: "Zqdraft", fandoms: ["Zqfandom"], draft: true, chapters: ["<p>Zqunposted.</p>"] });
      const otherWorkId = await makeWork(db, writer.pseudId, { title: "Zqother", fandoms: ["Zqfandom"], chapters: ["<p>Zqtext.</p>"] });
      // A canonical fandom, so the wrangling pages have a bin to show.
      await db.updateTable("tags").set({ canonical: 1 }).where("name", "=", "Zqfandom").execute();
      // In a medium, for the media pages (written directly: a wrangling action's history line is stored English).
      const [zqfandom, tvShows] = await Promise.all(["Zqfandom", "TV Shows"].map((name) => db.selectFrom("tags").select("id").where("name", "=", name).executeTakeFirstOrThrow()));
      await db.insertInto("tag_parents").values({ child_id: zqfandom!.id, parent_id: tvShows!.id }).execute();
      const seriesId = await createSeries(db, [writer.pseudId], "Zqseries");
      await addWorkToSeries(db, seriesId, workId, null);
      const bookmark = await createBookmark(db, reader.userId, workId, { notes: "<p>Zqnote.</p>", tags: ["Zqbookmarktag"], private: false, rec: true });
      assert.ok(bookmark.created);
      await subscribe(db, reader.userId, "work", workId);
      await subscribe(db, reader.userId, "user", writer.userId);
      await subscribe(db, reader.userId, "series", seriesId);
      await relate(db, "block", reader.userId, other.value.id);
      await relate(db, "mute", reader.userId, other.value.id);
      await db.updateTable("works").set({ comment_permission: "all" }).execute();

      const work = `/works/${workId}`;
      const chapterOne = await db.selectFrom("chapters").select("id").where("work_id", "=", workId).orderBy("position").executeTakeFirstOrThrow();
      const tokenIn = (html: string) => /name="comment\[token\]" value="([^"]+)"/.exec(html)?.[1] ?? "";
      const commented = await reader.client.post(`${work}/comments`, { "comment[token]": tokenIn((await reader.client.get(`${work}?view_adult=true`)).body), "comment[comment_content]": "Zqcomment zqwords." });
      const commentId = Number(/^\/comments\/(\d+)/.exec(String(commented.headers.location))?.[1]);
      assert.ok(commentId > 0, "the comment was posted");
      // News: a post with a tag and a comment, one whose comments have closed, and the banner on every page.
      const newsId = await createNewsPost(db, writer.userId, { title: "Zqnews", content: "<p>Zqnews zqbody.</p>", tags: ["Zqnewstag"], commentPermission: "all" });
      const closedNewsId = await createNewsPost(db, writer.userId, { title: "Zqold", content: "<p>Zqold zqnews.</p>", tags: [], commentPermission: "users" });
      await db.updateTable("admin_posts").set({ created_at: "2020-01-01T00:00:00.000Z" }).where("id", "=", closedNewsId).execute();
      const newsTag = await db.selectFrom("admin_post_tags").select("id").executeTakeFirstOrThrow();
      await reader.client.post(`/admin_posts/${newsId}/comments`, { "comment[token]": tokenIn((await reader.client.get(`/admin_posts/${newsId}`)).body), "comment[comment_content]": "Zqnewscomment." });
      const newsComment = await db.selectFrom("admin_post_comments").select("id").executeTakeFirstOrThrow();
      await saveBanner(db, { content: "<p>Zqbanner zqwords.</p>", active: true, minor: false });
      await reader.client.post(`${work}/kudos`, {});
      await guest.post(`${work}/kudos`, {});
      await reader.client.post(`/users/zqreader/api_tokens`, { "token[name]": "Zqtoken", "token[scope]": "read" });
      const subscription = await db.selectFrom("subscriptions").select("token").where("kind", "=", "work").executeTakeFirstOrThrow();

      // A new chapter to the subscribers: the email, rendered by the mail job.
      const mail: MailMessage[] = [];
      await addChapter(db, workId, { title: "Zqthird", summary: "", notes: "", endnotes: "", content: "<p>Zqthird zqchapter.</p>" });
      await drainJobs(db, { subscription_mail: subscriptionMailStep({ destination: "memory", send: async (m) => void mail.push(m) }, config.publicUrl) });
      assert.equal(mail.length, 1, "the subscriber was mailed");
      // An account locked by wrong passwords: its owner's email.
      for (let i = 0; i < MAX_FAILURES; i++) await noteFailure(db, reader.userId, "192.0.2.1");
      await drainJobs(db, accountJobSteps({ destination: "memory", send: async (m) => void mail.push(m) }, config.publicUrl));
      assert.equal(mail.length, 2, "the locked account's owner was mailed");

      // Pages a guest sees.
      pages["home"] = await page(guest, "/");
      pages["works listing"] = await page(guest, "/works");
      pages["works listing, filtered and sorted"] = await page(guest, "/works?work_search[sort_column]=word_count&work_search[complete]=F&work_search[rating_ids][]=1");
      pages["tag works listing"] = await page(guest, "/tags/Zqfandom/works");
      pages["tag page"] = await page(guest, "/tags/Zqfandom");
      pages["media"] = await page(guest, "/media");
      pages["medium fandoms"] = await page(guest, "/media/TV%20Shows/fandoms");
      pages["all fandoms"] = await page(guest, "/fandoms");
      pages["tag cloud"] = await page(guest, "/tags");
      pages["unknown medium"] = await page(guest, "/media/Zqnowhere/fandoms", 404);
      pages["pseuds"] = await page(guest, "/users/zqwriter/pseuds");
      pages["user works"] = await page(guest, "/users/zqwriter/works");
      pages["pseud works"] = await page(guest, "/users/zqwriter/pseuds/zqwriter/works");
      pages["profile"] = await page(guest, "/users/zqwriter");
      pages["user bookmarks"] = await page(guest, "/users/zqreader/bookmarks");
      pages["user series"] = await page(guest, "/users/zqwriter/series");
      pages["adult notice"] = await page(guest, work);
      pages["work page"] = await page(guest, `${work}?view_adult=true`);
      pages["full work"] = await page(guest, `${work}?view_adult=true&view_full_work=true`);
      pages["chapter"] = await page(guest, `${work}/chapters/${chapterOne.id}?view_adult=true`);
      pages["navigate"] = await page(guest, `${work}/navigate`);
      pages["work comments"] = await page(guest, `${work}/comments?view_adult=true`);
      pages["comment thread"] = await page(guest, `/comments/${commentId}`);
      pages["reply form"] = await page(guest, `/comments/${commentId}/reply`);
      pages["work bookmarks"] = await page(guest, `${work}/bookmarks`);
      pages["series"] = await page(guest, `/series/${seriesId}`);
      pages["series bookmarks"] = await page(guest, `/series/${seriesId}/bookmarks`);
      pages["search form"] = await page(guest, "/works/search");
      pages["search results"] = await page(guest, "/works/search?work_search[query]=zqtide");
      pages["search syntax error"] = await page(guest, "/works/search?work_search[query]=" + encodeURIComponent('"zqtide'), 400);
      pages["search with filters"] = await page(guest, "/works/search?work_search[query]=" + encodeURIComponent("zqtide complete:true sort:kudos updated<7 days"));
      pages["unsubscribe"] = await page(guest, `/subscriptions/unsubscribe/${subscription.token}`);
      pages["unsubscribe, unknown link"] = await page(guest, "/subscriptions/unsubscribe/nothing-like-a-token", 404);
      pages["news"] = await page(guest, "/admin_posts");
      pages["news tagged"] = await page(guest, `/admin_posts?tag=${newsTag.id}`);
      pages["news post"] = await page(guest, `/admin_posts/${newsId}`);
      pages["news post, comments closed"] = await page(guest, `/admin_posts/${closedNewsId}`);
      pages["news comment refused"] = { body: (await guest.post(`/admin_posts/${closedNewsId}/comments`, { "comment[comment_content]": "Zqlate." })).body, problems: [] };
      pages["news comment with errors"] = { body: (await guest.post(`/admin_posts/${newsId}/comments`, { "comment[comment_content]": "" })).body, problems: [] };
      pages["login"] = await page(guest, "/users/login");
      pages["login failed"] = { body: (await guest.post("/users/login", { "user[login]": "zqwriter", "user[password]": "zqwrong" })).body, problems: [] };
      pages["sign-up"] = await page(guest, "/signup");
      pages["sign-up failed"] = { body: (await guest.post("/signup", { "user[login]": "", "user[email]": "zq", "user[password]": "zq", "user[password_confirmation]": "" })).body, problems: [] };
      pages["API docs"] = await page(guest, "/api");
      pages["404"] = await page(guest, "/zqnowhere", 404);
      pages["work 404"] = await page(guest, "/works/999999", 404);
      pages["403"] = await page(reader.client, "/admin/settings", 403);
      pages["login required"] = { body: (await guest.post("/users/zqreader/inbox", {})).body, problems: [] };
      pages["CSRF refused"] = { body: (await guest.post("/users/login", { "user[login]": "zqwriter" }, { csrf: false })).body, problems: [] };
      // Abuse reports: the form, a refusal, the confirmation, and the copy mailed to the reporter.
      pages["abuse report form"] = await page(guest, `/abuse_reports/new?url=${encodeURIComponent(`${config.publicUrl}${work}`)}`);
      const abuseReport = { "abuse_report[url]": work, "abuse_report[summary]": "Zqsummary", "abuse_report[comment]": "Zqdetails zqwords.", "abuse_report[email]": "zqguest@zqmail.zq" };
      pages["abuse report refused"] = { body: (await guest.post("/abuse_reports", { ...abuseReport, "abuse_report[url]": "https://zqelsewhere.zq/" })).body, problems: [] };
      assert.equal((await guest.post("/abuse_reports", abuseReport)).statusCode, 303, "the abuse report was sent");
      pages["abuse report sent"] = await page(guest, "/abuse_reports/sent");
      await drainJobs(db, reportJobSteps({ destination: "memory", send: async (m) => void mail.push(m) }));
      assert.equal(mail.length, 3, "the reporter was mailed a copy");

      // A download: the HTML book's front and back matter are the archive's words too.
      const workRow = await db.selectFrom("works").select(["id", "title", "updated_at"]).where("id", "=", workId).executeTakeFirstOrThrow();
      pages["HTML download"] = await page(guest, downloadPath(workRow, "html"));

      // A reader's own pages.
      const r = reader.client;
      pages["bookmark form"] = await page(r, `/works/${otherWorkId}/bookmarks/new`);
      pages["bookmark edit"] = await page(r, `/bookmarks/${bookmark.id}/edit`);
      pages["bookmark delete confirmation"] = await page(r, `/bookmarks/${bookmark.id}/confirm_delete`);
      pages["series bookmark form"] = await page(r, `/series/${seriesId}/bookmarks/new`);
      pages["comment edit"] = await page(r, `/comments/${commentId}/edit`);
      pages["comment delete confirmation"] = await page(r, `/comments/${commentId}/confirm_delete`);
      pages["history"] = await page(r, "/users/zqreader/readings");
      pages["marked for later"] = await page(r, "/users/zqreader/readings?show=to-read");
      pages["clear history confirmation"] = await page(r, "/users/zqreader/readings/confirm_clear");
      pages["subscriptions"] = await page(r, "/users/zqreader/subscriptions");
      pages["blocked"] = await page(r, "/users/zqreader/blocked");
      pages["muted"] = await page(r, "/users/zqreader/muted");
      pages["account settings"] = await page(r, "/users/zqreader/edit");
      pages["two-factor"] = await page(r, "/users/zqreader/two_factor");
      pages["new pseud"] = await page(r, "/users/zqreader/pseuds/new");
      pages["API tokens"] = await page(r, "/users/zqreader/api_tokens");
      const tokenRow = await db.selectFrom("api_tokens").select("id").executeTakeFirstOrThrow();
      pages["API token revoke confirmation"] = await page(r, `/users/zqreader/api_tokens/${tokenRow.id}/confirm_revoke`);
      pages["work page, logged in with a flash"] = { body: (await r.get(`/works/${workId}?view_adult=true`)).body, problems: [] };
      // Leaving (src/leaving): account deletion and the takeout, its page in each state and its email.
      pages["delete account"] = await page(r, "/users/zqreader/delete");
      pages["delete account refused"] = { body: (await r.post("/users/zqreader/delete", {})).body, problems: [] };
      pages["takeout"] = await page(r, "/users/zqreader/takeout");
      await r.post("/users/zqreader/takeout", {});
      pages["takeout queued"] = await page(r, "/users/zqreader/takeout");
      const takeoutDir = mkdtempSync(join(tmpdir(), "fanfold-pseudo-"));
      try {
        await drainJobs(db, leavingJobSteps({ destination: "memory", send: async (m) => void mail.push(m) }, { dataDir: takeoutDir, publicUrl: config.publicUrl }));
        assert.equal(mail.length, 4, "the takeout's owner was mailed");
        pages["takeout ready"] = await page(r, "/users/zqreader/takeout");
      } finally {
        rmSync(takeoutDir, { recursive: true, force: true });
      }
      pages["account deleted"] = await page(guest, "/account_deleted?works=orphaned");

      // The creator's pages.
      const w = writer.client;
      pages["new work form"] = await page(w, "/works/new");
      pages["work form with errors"] = { body: (await w.post("/works", { "work[title]": "" })).body, problems: [] };
      pages["preview of a draft"] = await page(w, `/works/${draftId}`);
      pages["drafts"] = await page(w, "/users/zqwriter/works/drafts");
      pages["edit work"] = await page(w, `${work}/edit`);
      pages["delete work confirmation"] = await page(w, `${work}/confirm_delete`);
      pages["new chapter"] = await page(w, `${work}/chapters/new`);
      pages["manage chapters"] = await page(w, `${work}/chapters/manage`);
      pages["edit chapter"] = await page(w, `${work}/chapters/${chapterOne.id}/edit`);
      pages["delete chapter confirmation"] = await page(w, `${work}/chapters/${chapterOne.id}/confirm_delete`);
      pages["edit series"] = await page(w, `/series/${seriesId}/edit`);
      pages["delete series confirmation"] = await page(w, `/series/${seriesId}/confirm_delete`);
      pages["inbox"] = await page(w, "/users/zqwriter/inbox");
      pages["stats"] = await page(w, "/users/zqwriter/stats");
      pages["work page as its creator"] = await page(w, `${work}?view_adult=true`);
      pages["wrangling home"] = await page(w, "/wrangling");
      pages["tag edit"] = await page(w, "/tags/Zqfandom/edit");
      pages["tag history"] = await page(w, "/tags/Zqfandom/history");
      pages["fandom bin"] = await page(w, "/tags/Zqfandom/wrangle");
      pages["admin settings"] = await page(w, "/admin/settings");
      pages["abuse reports queue"] = await page(w, "/admin/abuse_reports");
      const abuseReportRow = await db.selectFrom("abuse_reports").select("id").executeTakeFirstOrThrow();
      pages["abuse report, admin page"] = await page(w, `/admin/abuse_reports/${abuseReportRow.id}`);
      await w.post(`/admin/abuse_reports/${abuseReportRow.id}/resolve`, { note: "Zqnote" });
      pages["abuse report, resolved"] = await page(w, `/admin/abuse_reports/${abuseReportRow.id}`);
      pages["news post, as an admin"] = await page(w, `/admin_posts/${newsId}`);
      pages["new news post"] = await page(w, "/admin_posts/new");
      pages["news post form with errors"] = { body: (await w.post("/admin_posts", { "admin_post[title]": "" })).body, problems: [] };
      pages["edit news post"] = await page(w, `/admin_posts/${newsId}/edit`);
      pages["delete news post confirmation"] = await page(w, `/admin_posts/${newsId}/confirm_delete`);
      pages["delete news comment confirmation"] = await page(w, `/admin_post_comments/${newsComment.id}/confirm_delete`);
      pages["banner settings"] = await page(w, "/admin/banner");
      pages["banner settings with errors"] = { body: (await w.post("/admin/banner", { "admin_banner[content]": "", "admin_banner[active]": "1" })).body, problems: [] };
      // Moderation (issue 15): the admin home, a work's admin pages, a hidden work as its creator sees it, and the creator's mail.
      pages["admin home"] = await page(w, "/admin");
      pages["admin works"] = await page(w, "/admin/works");
      pages["admin work"] = await page(w, `/admin/works/${otherWorkId}`);
      pages["admin work, hide refused"] = { body: (await w.post(`/admin/works/${otherWorkId}/hide`, { reason: "" })).body, problems: [] };
      pages["admin work tags"] = await page(w, `/admin/works/${otherWorkId}/tags`);
      pages["admin work delete confirmation"] = await page(w, `/admin/works/${otherWorkId}/delete`);
      await w.post(`/admin/works/${otherWorkId}/tags`, { "work[rating]": "Mature", "work[warnings][]": ["No Archive Warnings Apply"], "work[fandoms]": "Zqfandom", "work[freeforms]": "Zqnewtag", reason: "Zqtagging" });
      await w.post(`/admin/works/${otherWorkId}/hide`, { reason: "Zqreason" });
      pages["admin work after hiding and a tag edit"] = await page(w, `/admin/works/${otherWorkId}`);
      pages["hidden work as its creator"] = await page(w, `/works/${otherWorkId}?view_adult=true`);
      pages["admin works with a hidden one"] = await page(w, "/admin/works");
      pages["admin work that does not exist"] = await page(w, "/admin/works/999999", 404);
      await drainJobs(db, moderationJobSteps({ destination: "memory", send: async (m) => void mail.push(m) }, config.publicUrl));
      assert.equal(mail.length, 5, "the hidden work's creator was mailed");
      pages["orphan: choose works"] = await page(w, "/orphans/new");
      pages["orphan a work"] = await page(w, `/orphans/new?work_id=${workId}`);
      pages["orphan all works"] = await page(w, "/orphans/new?all=true");
      pages["orphan refused"] = { body: (await w.post("/orphans", { "orphan[work_ids][]": String(workId) })).body, problems: [] };
      pages["delete account, the only superadmin"] = await page(w, "/users/zqwriter/delete");
      // A wrangling action and its outcome: the change line, a refusal, and the history it wrote.
      await w.post("/tags/Zqsea", { "tag[canonical]": "1", "tag[syn_string]": "" });
      pages["tag page after wrangling"] = await page(w, "/tags/Zqsea");
      pages["wrangling refused"] = { body: (await w.post("/tags/Zqsea", { "tag[canonical]": "1", "tag[syn_string]": "Zqnowhere" })).body, problems: [] };
      assert.match(pages["tag page after wrangling"]!.body, /class="flash notice"/, "the wrangling change was reported");
      assert.match(pages["wrangling refused"]!.body, /class="flash error"/, "the refusal was reported");

      // Co-creators, gifts and related works (issue 15): an invitation, gifts to a pseud and a plain
      // name, a link to another user's work; their pages, emails and the work pages showing them.
      const otherPseud = await db.selectFrom("pseuds").select("id").where("user_id", "=", other.value.id).executeTakeFirstOrThrow();
      const parentId = await makeWork(db, otherPseud.id, { title: "Zqparent", fandoms: ["Zqfandom"], chapters: ["<p>Zqsource.</p>"] });
      await w.post(`/admin/works/${otherWorkId}/unhide`, {}); // hidden above by the moderation pages
      await inviteCoCreators(db, otherWorkId, [reader.pseudId], writer.userId);
      await setGifts(db, otherWorkId, [{ kind: "pseud", pseudId: reader.pseudId }, { kind: "name", name: "Zqaunt" }]);
      await setParents(db, otherWorkId, [{ kind: "work", workId: parentId, translation: false }, { kind: "url", url: "https://example.org/zq", title: "Zqelsewhere", author: "Zqauthor", translation: true }], { posted: true });
      const memory = { destination: "memory", send: async (m: MailMessage) => void mail.push(m) };
      await drainJobs(db, { ...worksJobSteps(memory, config.publicUrl), ...relatedJobSteps(memory, config.publicUrl) });
      assert.equal(mail.length, 7, "the invited user and the parent's creator were mailed");
      const o = new Client(app, "192.0.2.7"); // an address of its own: this test's log-ins from 127.0.0.1 meet the per-address limit
      await o.logIn("zqother", "reader password 1");
      pages["gifts"] = await page(guest, "/users/zqreader/gifts");
      pages["own gifts"] = await page(r, "/users/zqreader/gifts");
      pages["creatorships"] = await page(r, "/users/zqreader/creatorships");
      pages["related works"] = await page(o, "/users/zqother/related_works");
      pages["work form with refused associations"] = { body: (await w.post("/works", { "work[title]": "Zqtitle", "work[co_creators]": "zqnobody", "work[recipients]": "zqwriter", "work[parent_url]": "zqnowhere" })).body, problems: [] };
      const link = await db.selectFrom("related_works").select("id").where("parent_id", "=", parentId).executeTakeFirstOrThrow();
      await o.post(`/related_works/${link.id}/approve`, {});
      pages["related works after approving"] = await page(o, "/users/zqother/related_works");
      pages["parent work page"] = await page(guest, `/works/${parentId}`);
      pages["child work page"] = await page(guest, `/works/${otherWorkId}`);
      await r.post(`/users/zqreader/gifts/${otherWorkId}/refuse`, {});
      pages["refused gifts"] = await page(r, "/users/zqreader/gifts?refused=true");
      const invitation = await db.selectFrom("creator_invitations").select("id").executeTakeFirstOrThrow();
      await r.post(`/users/zqreader/creatorships/${invitation.id}/accept`, {});
      pages["creatorships after accepting"] = await page(r, "/users/zqreader/creatorships");
      pages["leave work confirmation"] = await page(r, `/works/${otherWorkId}/confirm_leave`);
      pages["leave refused, last creator"] = await page(w, `${work}/confirm_leave`, 409);
      // Suspensions, bans, warnings and spam (src/moderation): a held work and comment, the admins'
      // pages, the suspended user's refusal and notices, and the mail that tells them.
      await setSpamRules(db, { newAccountDays: 7, maxLinks: 0, blockList: ["zqcasino"] });
      const spammer = await loggedInUser(app, db, "zqspammer");
      const heldId = await makeWork(db, spammer.pseudId, { title: "Zqheld", fandoms: ["Zqfandom"], chapters: ["<p>Zqcasino zqnights.</p>"] });
      await spammer.client.post(`${work}/comments`, { "comment[token]": tokenIn((await spammer.client.get(`${work}?view_adult=true`)).body), "comment[comment_content]": "Zqcasino zqcomment." });
      pages["held work as its creator"] = await page(spammer.client, `/works/${heldId}?view_adult=true`);
      pages["held comment as its writer, with a flash"] = { body: (await spammer.client.get(`${work}/comments?view_adult=true`)).body, problems: [] };
      pages["spam queue"] = await page(w, "/admin/spam");
      pages["spam settings"] = await page(w, "/admin/spam/settings");
      pages["spam settings refused"] = { body: (await w.post("/admin/spam/settings", { new_account_days: "zq", max_links: "1", block_list: "zqcasino" })).body, problems: [] };
      pages["mark spam confirmation"] = await page(w, `/admin/spam/works/${heldId}/confirm_spam`);
      pages["users search"] = await page(w, "/admin/users?query=zq");
      await w.post("/admin/users/zqother/warn", { reason: "Zqwarning." });
      await w.post("/admin/users/zqother/suspend", { days: "3", reason: "Zqreason.", hide_works: "yes" });
      pages["admin account page"] = await page(w, "/admin/users/zqother");
      pages["admin account page, refused"] = { body: (await w.post("/admin/users/zqother/ban", { reason: "", hide_works: "no" })).body, problems: [] };
      // Through a session of its own: this test's log-ins from one address already met the per-address limit.
      const suspended = new Client(app);
      suspended.cookies.set(SESSION_COOKIE, await startSession(db, other.value.id, 1));
      pages["contribution refused to a suspended user"] = await page(suspended, "/works/new", 403);
      pages["notices"] = await page(suspended, "/users/zqother/notices");
      await drainJobs(db, moderationJobSteps({ destination: "memory", send: async (m) => void mail.push(m) }, config.publicUrl));
      assert.equal(mail.length, 9, "the warned and suspended user was mailed twice");
      // Invitations, the waiting list and the terms (src/invitations). Last: new terms send the
      // other logged-in users to accept them first.
      await setSetting(db, "signup_mode", "invitation");
      pages["waiting list"] = await page(guest, "/invite_requests");
      pages["waiting list refused"] = { body: (await guest.post("/invite_requests", { "invite_request[email]": "zq" })).body, problems: [] };
      await guest.post("/invite_requests", { "invite_request[email]": "zqqueue@zqmail.zqorg" });
      pages["waiting list status"] = await page(guest, "/invite_requests/status?invite_request%5Bemail%5D=zqqueue%40zqmail.zqorg");
      pages["sign-up by invitation"] = await page(guest, "/signup");
      pages["admin invitations"] = await page(w, "/admin/invitations?invitation_search%5Bstate%5D=any");
      await w.post("/admin/invitations/grant", { "grant[logins]": "zqwriter", "grant[count]": "1" });
      await w.post("/users/zqwriter/invitations", { "invitation[invitee_email]": "zqfriend@zqmail.zqorg" });
      pages["user invitations"] = await page(w, "/users/zqwriter/invitations");
      await drainJobs(db, invitationJobSteps({ destination: "memory", send: async (m) => void mail.push(m) }, config.publicUrl));
      assert.ok(mail.some((m) => m.key.startsWith("invitation-")), "the invitations were mailed");
      // Claiming an imported account (src/users/claims.ts): the email, the page and its refusals.
      const imported = await importedAccount(db, { login: "zqimported", oldPassword: "zqoldpass1", uid: 1, email: "zqimported@zqmail.zqorg" });
      await queueClaims(db, { userIds: [imported] });
      await drainJobs(db, claimJobSteps({ destination: "memory", send: async (m) => void mail.push(m) }, config.publicUrl));
      const claimMail = mail.find((m) => m.key.startsWith("account-claim-"));
      assert.ok(claimMail, "the claim was mailed");
      const claimLink = /\/claim\/[A-Za-z0-9_-]+/.exec(claimMail.text)![0];
      pages["claim account"] = await page(guest, claimLink);
      pages["claim account refused"] = { body: (await guest.post(claimLink, { "user[password]": "zq", "user[password_confirmation]": "zq" })).body, problems: [] };
      pages["claim link unknown"] = await page(guest, "/claim/zqnosuchtoken", 404);
      await w.post("/admin/terms", { "terms[tos]": "Zqterms.", "terms[privacy]": "Zqprivacy." });
      pages["admin terms"] = await page(w, "/admin/terms");
      pages["terms of service"] = await page(guest, "/tos");
      pages["privacy policy"] = await page(guest, "/privacy");
      pages["accept new terms"] = await page(r, "/terms/accept");
      pages["accept new terms refused"] = { body: (await r.post("/terms/accept", { "terms[version]": "1" })).body, problems: [] };

      const problems: Record<string, string[]> = {};
      for (const [name, { body, problems: own }] of Object.entries(pages)) {
        const found = [...own, ...findUntranslated(body)];
        if (found.length) problems[name] = found;
      }

      // Feeds and OPDS: the archive's own words (feed titles, link labels); entries' content is user text.
      const feeds: Record<string, string> = {
        "Atom, works": "/works/feed.atom",
        "Atom, tag": "/tags/Zqfandom/feed.atom",
        "Atom, user": "/users/zqwriter/works/feed.atom",
        "Atom, chapters": `${work}/chapters/feed.atom`,
        "Atom, series": `/series/${seriesId}/feed.atom`,
        "Atom, news": "/admin_posts.atom",
        "OPDS root": "/opds",
        "OPDS fandoms": "/opds/fandoms",
        "OPDS media": "/opds/media",
        "OPDS medium fandoms": "/opds/media/TV%20Shows/fandoms",
        "OPDS tag works": "/opds/tags/Zqfandom/works",
        "OPDS works": "/opds/works",
        "OPDS series list": "/opds/series",
        "OPDS search description": "/opds/search.xml",
      };
      for (const [name, path] of Object.entries(feeds)) {
        const res = await guest.get(path);
        const found = res.statusCode === 200 ? findUntranslated(res.body, { xml: true, skip: new Set(["id", "updated", "published", "uri", "dc:language", "Url", "InputEncoding", "OutputEncoding"]) }) : [`answered ${res.statusCode}`];
        if (found.length) problems[name] = found;
      }

      // The OpenAPI document: its descriptions and summaries (fields, operations, statuses, headers)
      // are the archive's words; names, types and examples in it are machine text.
      const openApi = await guest.get("/api/v1/openapi.json");
      const openApiProse = openApi.statusCode === 200 ? proseOf(JSON.parse(openApi.body)) : [`answered ${openApi.statusCode}`];
      const openApiFound = [...new Set(openApiProse)].flatMap((text) => (untranslatedWords(text).length ? [`${JSON.stringify(text.slice(0, 160))} (${untranslatedWords(text).join(", ")})`] : []));
      if (openApiFound.length) problems["OpenAPI document"] = openApiFound;

      for (const message of mail) {
        const found = [...untranslatedWords(message.subject).map((w) => `subject: ${w}`), ...findUntranslated(message.html)];
        if (found.length) problems[`email: ${message.key}`] = found;
      }

      assert.deepEqual(problems, {}, `words outside the catalogue:\n${Object.entries(problems).map(([name, list]) => `${name}:\n  ${list.join("\n  ")}`).join("\n")}`);

      // Layouts must hold the longer strings: every page still valid HTML.
      if (validate && t.name === "sqlite") {
        const errors = await checkHtmlPages(Object.fromEntries(Object.entries(pages).map(([name, p]) => [name, p.body])));
        assert.deepEqual(errors, Object.fromEntries(Object.keys(pages).map((name) => [name, []])));
      }
      await app.close();
    } finally {
      useLocale("en");
    }
  });
});

