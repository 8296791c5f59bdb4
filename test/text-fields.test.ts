import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { createToken } from "../src/api/commands.js";
import { buildApp } from "../src/app.js";
import { setSetting } from "../src/model/archive-settings.js";
import { ApiClient } from "./support/api.js";
import { appWithUser, Client, loggedInUser, redirectedId, signupForm, testConfig, workForm } from "./support/app.js";
import { eachDialect } from "./support/db.js";

/*
 * Every text a person can send, by form or by the JSON API, is either sanitized HTML or escaped
 * plain text wherever it comes back. The lists below name every such field and its kind; the
 * first two tests enumerate the fields the code actually reads (form names in the source, string
 * fields of the OpenAPI document's request bodies) and fail on any field missing from the lists,
 * so a new text field cannot arrive without a decision here. The third and fourth post a hostile
 * payload to every HTML and plain field and check what is stored and served.
 */

type Kind = "html" | "plain" | "other";

// "other": not free text shown back (ids, choices, flags, secrets, numbers, dates, positions).
const FORM_FIELDS: Record<string, Kind> = {
  "work[summary]": "html", "work[notes]": "html", "work[endnotes]": "html",
  "chapter[content]": "html", "chapter[summary]": "html", "chapter[notes]": "html", "chapter[endnotes]": "html",
  "series[summary]": "html", "series[series_notes]": "html",
  "comment[comment_content]": "html", "bookmark[notes]": "html", "pseud[description]": "html", "user[profile]": "html",

  "work[title]": "plain", "chapter[title]": "plain", "series[title]": "plain", "work[series_attributes][title]": "plain",
  "work[fandoms]": "plain", "work[relationships]": "plain", "work[characters]": "plain", "work[freeforms]": "plain",
  "bookmark[tag_string]": "plain", "pseud[name]": "plain", "comment[name]": "plain",
  // A guest's email is required and never shown to anyone.
  "comment[email]": "other",
  "user[login]": "plain", "user[email]": "plain", "token[name]": "plain", "block[login]": "plain", "mute[login]": "plain",
  "invitation_code": "plain", "people_search[name]": "plain", "bookmark_search[*]": "plain", "work_search[*]": "plain", "work_search[query]": "plain", "work_search[other_tag_names]": "plain", "work_search[excluded_tag_names]": "plain",
  "tag[syn_string]": "plain", "tag[meta_tag_string]": "plain", "tag[parent_string]": "plain", "mass[fandom_string]": "plain", "mass[syn_string]": "plain",
  "tag[name]": "plain", "tag_search[name]": "plain",
  "abuse_report[url]": "plain", "abuse_report[summary]": "plain", "abuse_report[comment]": "plain", "note": "plain",
  // A reporter's email is shown only to the admins, escaped.
  "abuse_report[email]": "plain",
  // An admin's reason for an action on a work (src/moderation): shown in the audit log and to the work's creators.
  "reason": "plain",
  // Co-creators, gifts and related works (issue 15): names and a related work's address, title and author.
  "work[co_creators]": "plain", "work[recipients]": "plain", "work[parent_url]": "plain", "work[parent_title]": "plain", "work[parent_author]": "plain",
  "work[parent_translation]": "other", "work[cancel_invitation_ids][]": "other", "work[remove_parent_ids][]": "other",
  // Invitations, the waiting list and the terms (src/invitations).
  "terms[tos]": "html", "terms[privacy]": "html",
  "invite_request[email]": "plain", "invitation[invitee_email]": "plain", "grant[logins]": "plain", "invitation_search[query]": "plain",
  "invitation[count]": "other", "invitation_search[state]": "other", "grant[count]": "other", "grant[everyone]": "other",
  "queue[batch_hours]": "other", "queue[batch_size]": "other", "queue[count]": "other", "queue[enabled]": "other", "queue[expiry_days]": "other",
  "terms[accept]": "other", "terms[minimum_age]": "other", "terms[version]": "other",
  "user[age_confirmed]": "other", "user[privacy_policy]": "other", "user[terms_of_service]": "other",

  "authenticity_token": "other", "return_to": "other", "commit": "other", "token": "other", "page": "other", "show": "other", "enabled": "other",
  "user[password]": "other", "user[password_confirmation]": "other", "current_password": "other", "email_password": "other",
  "work[rating]": "other", "work[warnings][]": "other", "work[categories][]": "other", "work[language]": "other", "work[pseud_ids][]": "other",
  "work[comment_permission]": "other", "work[moderated_commenting_enabled]": "other", "work[restricted]": "other", "work[backdate]": "other",
  "work[published_on]": "other", "work[expected_chapters]": "other", "work[series_attributes][id]": "other", "work[series_attributes][position]": "other",
  "series[complete]": "other", "series[remove_work_ids][]": "other", "series[positions][]": "other", "position[]": "other",
  "comment[token]": "other", "comment[parent_id]": "other", "comment[chapter_id]": "other", "inbox_comments[]": "other", "inbox_action": "other",
  "code": "other", "disable[code]": "other", "disable[password]": "other", "two_factor_admins": "other",
  "security_txt[contacts]": "plain", "security_txt[expires]": "other",
  "bookmark[private]": "other", "bookmark[rec]": "other", "pseud[is_default]": "other", "token[scope]": "other", "signup_mode": "other",
  "subscription[subscribable_type]": "other", "subscription[subscribable_id]": "other",
  "tag[canonical]": "other", "tag[unwrangleable]": "other", "tag[remove_meta_ids][]": "other", "tag[remove_parent_ids][]": "other", "mass[canonical]": "other",
  "work_search[complete]": "other", "work_search[crossover]": "other", "work_search[language_id]": "other", "work_search[sort_column]": "other",
  "work_search[sort_direction]": "other", "include_work_search[rating_ids][]": "other",
  "tag[type]": "other", "tag_search[type]": "other", "tag_search[canonical]": "other", "tag_search[sort_column]": "other",
  // News (src/news): admin posts and the banner.
  "admin_post[title]": "plain", "admin_post[content]": "html", "admin_post[tag_list]": "plain", "admin_banner[content]": "html",
  "admin_post[comment_permission]": "other", "admin_banner[active]": "other", "admin_banner[minor]": "other", "banner_id": "other",
  // Suspensions, bans, warnings and the spam settings (src/moderation): an admin's reason is shown to the user.
  "block_list": "plain", "days": "other", "hide_works": "other", "unhide_works": "other", "new_account_days": "other", "max_links": "other",
  // Leaving (src/leaving): ids, choices and a password.
  "orphan[work_ids][]": "other", "orphan[all]": "other", "orphan[keep_pseud]": "other", "delete[works]": "other", "delete[password]": "other",
};

// The JSON API's request-body string fields, as "METHOD /path field" (enums and dates are "other").
const API_FIELDS: Record<string, Kind> = {
  "POST /works summary": "html", "POST /works notes": "html", "POST /works endnotes": "html",
  "POST /works chapter.summary": "html", "POST /works chapter.notes": "html", "POST /works chapter.endnotes": "html", "POST /works chapter.content": "html",
  "PATCH /works/{id} summary": "html", "PATCH /works/{id} notes": "html", "PATCH /works/{id} endnotes": "html",
  "POST /works/{id}/chapters summary": "html", "POST /works/{id}/chapters notes": "html", "POST /works/{id}/chapters endnotes": "html", "POST /works/{id}/chapters content": "html",
  "PATCH /works/{id}/chapters/{chapterId} summary": "html", "PATCH /works/{id}/chapters/{chapterId} notes": "html",
  "PATCH /works/{id}/chapters/{chapterId} endnotes": "html", "PATCH /works/{id}/chapters/{chapterId} content": "html",
  "POST /works/{id}/comments content": "html", "POST /works/{id}/bookmarks notes": "html", "PATCH /bookmarks/{id} notes": "html",
  "POST /series/{id}/bookmarks notes": "html",

  "POST /works series.title": "plain", "PATCH /works/{id} series.title": "plain",
  "POST /works title": "plain", "POST /works fandoms[]": "plain", "POST /works relationships[]": "plain", "POST /works characters[]": "plain",
  "POST /works freeforms[]": "plain", "POST /works chapter.title": "plain", "PATCH /works/{id} title": "plain", "PATCH /works/{id} fandoms[]": "plain",
  "PATCH /works/{id} relationships[]": "plain", "PATCH /works/{id} characters[]": "plain", "PATCH /works/{id} freeforms[]": "plain",
  "POST /works/{id}/chapters title": "plain", "PATCH /works/{id}/chapters/{chapterId} title": "plain",
  "POST /works/{id}/bookmarks tags[]": "plain", "PATCH /bookmarks/{id} tags[]": "plain", "POST /series/{id}/bookmarks tags[]": "plain",
  "POST /works co_creators[]": "plain", "POST /works recipients[]": "plain", "POST /works related_works[].url": "plain", "POST /works related_works[].title": "plain", "POST /works related_works[].author": "plain",
  "PATCH /works/{id} co_creators[]": "plain", "PATCH /works/{id} recipients[]": "plain", "PATCH /works/{id} related_works[].url": "plain", "PATCH /works/{id} related_works[].title": "plain", "PATCH /works/{id} related_works[].author": "plain",
};

const SRC = fileURLToPath(new URL("../src/", import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

/** Form field names the code mentions: `name[part]` literals anywhere, and literals read with field()/fieldList(). */
function formFieldsInSource(): Set<string> {
  const found = new Set<string>();
  for (const path of sourceFiles(SRC)) {
    if (relative(SRC, path).startsWith("platform/i18n/")) continue;
    const source = readFileSync(path, "utf8");
    for (const m of source.matchAll(/["`]([a-z_]+\[[a-z_]+\](?:\[[a-z_]*\]|\[\$\{[^}]+\}\])?)["`]/g)) found.add(m[1]!.replace(/\[\$\{[^}]+\}\]/, "[]"));
    for (const m of source.matchAll(/\bfield(?:List)?\(\s*[\w.]+,\s*["`]([^"`]+)["`]\)/g)) found.add(m[1]!.replace(/\[\$\{[^}]+\}\]/, "[]"));
    // Names built from a list (`bookmark_search[${field}]`): the whole family, as NAME[*].
    for (const m of source.matchAll(/`([a-z_]+)\[\$\{[^}]+\}\]`/g)) if (!source.includes(`${m[1]}[positions]`) && m[1] !== "position") found.add(`${m[1]}[*]`);
  }
  return found;
}

test("every form field the code reads is listed here as HTML, plain text or not text", () => {
  const found = formFieldsInSource();
  const unlisted = [...found].filter((name) => !(name in FORM_FIELDS)).sort();
  assert.deepEqual(unlisted, [], "a new form field: list it in FORM_FIELDS (and cover it below if it is text)");
  const stale = Object.keys(FORM_FIELDS).filter((name) => !found.has(name)).sort();
  assert.deepEqual(stale, [], "listed fields the code no longer reads");
});

/** The string fields of every request body in the OpenAPI document, as "METHOD /path field.path", enums aside. */
function apiTextFields(doc: any): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (schema: any, path: string, op: string) => {
    if (!schema) return;
    if (schema.$ref) schema = doc.components.schemas[schema.$ref.split("/").pop()];
    if (schema.type === "string" && !schema.enum && schema.const === undefined && !schema.format) out.set(`${op} ${path}`, schema.format ?? "");
    else if (schema.type === "array") walk(schema.items, `${path}[]`, op);
    else if (schema.properties) for (const [key, value] of Object.entries(schema.properties)) walk(value, path ? `${path}.${key}` : key, op);
    for (const key of ["anyOf", "oneOf", "allOf"]) for (const part of schema[key] ?? []) walk(part, path, op);
  };
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) walk(op.requestBody?.content?.["application/json"]?.schema, "", `${method.toUpperCase()} ${path}`);
  }
  return out;
}

test("every text field of the API's request bodies is listed here as HTML, plain text or not text", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    const doc = JSON.parse((await app.inject({ url: "/api/v1/openapi.json" })).body);
    const found = apiTextFields(doc);
    const unlisted = [...found.keys()].filter((name) => !(name in API_FIELDS)).sort();
    assert.deepEqual(unlisted, [], "a new API text field: list it in API_FIELDS (and cover it below if it is text)");
    const stale = Object.keys(API_FIELDS).filter((name) => !found.has(name)).sort();
    assert.deepEqual(stale, [], "listed API fields the document no longer has");
    await app.close();
  });
});

// What is sent: markup that must not live on, and a marker to find it by.
const PAYLOAD = (marker: string) => `${marker} <img src=x onerror=alert(1)><script>alert(2)</script><a href="javascript:alert(3)">j</a>`;
// A plain field must come back escaped: its text shown, never as markup.
const LIVE = /<img[^>]*onerror|<script>alert|href="javascript:/i;

/**
 * Fails when markup is live in a page. Attribute values are left out first: inside a quoted
 * attribute "<" is only text (JSX escapes the quote that could end it).
 */
function assertSafe(body: string, where: string): void {
  const markup = body.replace(/="[^"]*"/g, '=""');
  const found = LIVE.exec(markup);
  assert.equal(found ? markup.slice(Math.max(0, found.index - 60), found.index + 60) : null, null, `${where}: live markup`);
}

// The API's HTML fields (plain ones are JSON strings: a client escapes them like any text).
const HTML_KEYS = new Set(["summary", "notes", "endnotes", "content", "description", "profile"]);

/** The values of every HTML field in a JSON response, joined. */
function apiHtml(value: unknown): string {
  if (Array.isArray(value)) return value.map(apiHtml).join("\n");
  if (value && typeof value === "object") {
    return Object.entries(value)
      .map(([key, v]) => (HTML_KEYS.has(key) && typeof v === "string" ? v : apiHtml(v)))
      .join("\n");
  }
  return "";
}

/** Each covered field: which marker it carries; the test checks every marker shows up safely. */
const covered = new Set<string>();
const mark = (field: string) => {
  covered.add(field);
  return `zq${field.replace(/[^a-z]/g, "")}`;
};

test("every HTML form field is sanitized and every plain one escaped, stored and served", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    covered.clear();
    const { app, pseudId, login, password } = await appWithUser(db, url);
    const served: string[] = [];
    const serve = async (client: Client, path: string) => served.push((await client.get(path)).body);
    try {
      const writer = new Client(app);
      await writer.logIn(login, password);
      await writer.get("/works/new");
      const text = (field: string) => PAYLOAD(mark(field));
      // Tag fields refuse "<" and ">" (the tag-name rule), so they carry the rest of the payload's
      // characters: quotes, ampersands, "javascript:".
      const tagText = (field: string) => `${mark(field)} "q" & 'a' javascript:alert(1)`;
      const form = workForm(pseudId, {
        "work[title]": text("work[title]"),
        "work[summary]": text("work[summary]"),
        "work[notes]": text("work[notes]"),
        "work[endnotes]": text("work[endnotes]"),
        "work[fandoms]": tagText("work[fandoms]"),
        "work[relationships]": tagText("work[relationships]"),
        "work[characters]": tagText("work[characters]"),
        "work[freeforms]": tagText("work[freeforms]"),
        "work[series_attributes][title]": text("work[series_attributes][title]"),
        "work[recipients]": text("work[recipients]"),
        "work[parent_url]": "https://example.org/zq",
        "work[parent_title]": text("work[parent_title]"),
        "work[parent_author]": text("work[parent_author]"),
        "work[comment_permission]": "all",
        "chapter[title]": text("chapter[title]"),
        "chapter[content]": text("chapter[content]"),
      });
      const workId = redirectedId(await writer.post("/works", form));
      // Refused names and addresses come back in the form and its messages.
      served.push((await writer.post("/works", workForm(pseudId, { "work[co_creators]": text("work[co_creators]"), "work[parent_url]": text("work[parent_url]") }))).body);
      await writer.get(`/works/${workId}/chapters/new`);
      await writer.post(`/works/${workId}/chapters`, {
        "chapter[title]": "Second",
        "chapter[summary]": text("chapter[summary]"),
        "chapter[notes]": text("chapter[notes]"),
        "chapter[endnotes]": text("chapter[endnotes]"),
        "chapter[content]": "Second chapter text, long enough.",
      });
      const series = await db.selectFrom("series").select("id").executeTakeFirstOrThrow();
      await serve(writer, `/series/${series.id}`);
      await writer.post(`/series/${series.id}`, { "series[title]": text("series[title]"), "series[summary]": text("series[summary]"), "series[series_notes]": text("series[series_notes]") });
      await writer.post(`/users/${login}/pseuds`, { "pseud[name]": text("pseud[name]"), "pseud[description]": "" });
      const pseudFailure = (await writer.post(`/users/${login}/pseuds`, { "pseud[name]": text("pseud[name]"), "pseud[description]": text("pseud[description]") })).body;
      served.push(pseudFailure);
      await writer.post(`/users/${login}/pseuds`, { "pseud[name]": "Second Self", "pseud[description]": text("pseud[description]") });
      await writer.post(`/users/${login}/profile`, { "user[profile]": text("user[profile]") });
      served.push((await writer.post(`/users/${login}/api_tokens`, { "token[name]": text("token[name]"), "token[scope]": "read" })).body);
      await serve(writer, `/users/${login}/api_tokens`);
      served.push((await writer.post(`/users/${login}/blocked`, { "block[login]": text("block[login]") })).body);
      served.push((await writer.post(`/users/${login}/muted`, { "mute[login]": text("mute[login]") })).body);

      const { client: reader } = await loggedInUser(app, db, "reader");
      const page = await reader.get(`/works/${workId}`);
      const commentToken = /name="comment\[token\]" value="([^"]+)"/.exec(page.body)?.[1] ?? "";
      await reader.post(`/works/${workId}/comments`, { "comment[token]": commentToken, "comment[comment_content]": text("comment[comment_content]") });
      await reader.get(`/works/${workId}/bookmarks/new`);
      await reader.post(`/works/${workId}/bookmarks`, { "bookmark[notes]": text("bookmark[notes]"), "bookmark[tag_string]": tagText("bookmark[tag_string]") });
      served.push((await reader.post(`/works/${workId}/bookmarks`, { "bookmark[notes]": "", "bookmark[tag_string]": text("bookmark[tag_string]") })).body);

      const guest = new Client(app);
      const guestPage = await guest.get(`/works/${workId}`);
      const guestToken = /name="comment\[token\]" value="([^"]+)"/.exec(guestPage.body)?.[1] ?? "";
      const guestComment = await guest.post(`/works/${workId}/comments`, {
        "comment[token]": guestToken,
        "comment[name]": text("comment[name]"),
        "comment[email]": "guest@example.org",
        "comment[comment_content]": "A guest's words.",
      });
      served.push(guestComment.body);
      // Invitation mode, so the refused sign-up shows the invitation code typed.
      await setSetting(db, "signup_mode", "invitation");
      served.push((await guest.post("/signup", signupForm("x", { "user[login]": text("user[login]"), "user[email]": text("user[email]"), invitation_code: text("invitation_code") }))).body);
      const query = (name: string) => `${encodeURIComponent(name)}=${encodeURIComponent(text(name))}`;
      await serve(guest, `/works/search?${query("work_search[query]")}&${query("work_search[other_tag_names]")}&${query("work_search[excluded_tag_names]")}`);
      await serve(guest, `/people/search?${query("people_search[name]")}`);
      await serve(guest, `/tags/search?${query("tag_search[name]")}`);
      // The rest of the works search form's fields (built from its list of names).
      const workSearch = ["title", "creators", "revised_at", "word_count", "hits", "kudos_count", "bookmarks_count", "comments_count"].map((f) => `${encodeURIComponent(`work_search[${f}]`)}=${encodeURIComponent(PAYLOAD(mark("work_search[*]")))}`);
      await serve(guest, `/works/search?${workSearch.join("&")}`);
      const bookmarkSearch = ["bookmarker", "bookmark_notes", "other_bookmark_tag_names", "other_tag_names"].map((f) => `${encodeURIComponent(`bookmark_search[${f}]`)}=${encodeURIComponent(PAYLOAD(mark("bookmark_search[*]")))}`);
      await serve(guest, `/bookmarks/search?${bookmarkSearch.join("&")}`);

      for (const path of [`/works/${workId}?view_full_work=true`, `/works/${workId}/comments`, `/works/${workId}/bookmarks`, `/series/${series.id}`, `/users/${login}`, `/users/${login}/pseuds/Second%20Self`, `/works`, `/users/reader/bookmarks`]) {
        await serve(guest, path);
      }
      const { client: admin } = await loggedInUser(app, db, "boss", ["admin"]);
      await admin.get("/admin/settings");
      served.push((await admin.post("/admin/settings/security-txt", { "security_txt[contacts]": text("security_txt[contacts]"), "security_txt[expires]": "" })).body);
      // An abuse report: refused (everything typed shown again), then sent and read by an admin.
      served.push((await guest.post("/abuse_reports", { "abuse_report[url]": text("abuse_report[url]"), "abuse_report[summary]": text("abuse_report[summary]"), "abuse_report[comment]": text("abuse_report[comment]"), "abuse_report[email]": text("abuse_report[email]") })).body);
      await guest.post("/abuse_reports", { "abuse_report[url]": `/works/${workId}`, "abuse_report[summary]": text("abuse_report[summary]"), "abuse_report[comment]": text("abuse_report[comment]"), "abuse_report[email]": "reporter@example.org" });
      const report = await db.selectFrom("abuse_reports").select("id").executeTakeFirstOrThrow();
      await serve(admin, "/admin/abuse_reports");
      await admin.post(`/admin/abuse_reports/${report.id}/resolve`, { note: text("note") });
      await serve(admin, `/admin/abuse_reports/${report.id}`);
      // News: a post and its comment, a refused post form (its fields typed again), the banner on every page.
      await admin.get("/admin_posts/new");
      const newsPost = await admin.post("/admin_posts", {
        "admin_post[title]": text("admin_post[title]"),
        "admin_post[content]": text("admin_post[content]"),
        "admin_post[tag_list]": text("admin_post[tag_list]"),
        "admin_post[comment_permission]": "all",
      });
      const newsPath = String(newsPost.headers.location);
      served.push((await admin.post("/admin_posts", { "admin_post[title]": "", "admin_post[content]": "", "admin_post[tag_list]": text("admin_post[tag_list]") })).body);
      await admin.post("/admin/banner", { "admin_banner[content]": text("admin_banner[content]"), "admin_banner[active]": "1" });
      const newsPage = await reader.get(newsPath);
      await reader.post(`${newsPath}/comments`, { "comment[token]": /name="comment\[token\]" value="([^"]+)"/.exec(newsPage.body)?.[1] ?? "", "comment[comment_content]": text("comment[comment_content]") });
      await serve(guest, newsPath);
      await serve(guest, "/admin_posts");
      await serve(admin, `${newsPath}/edit`);
      await serve(admin, "/admin/banner");
      // A policy admin's reason for hiding the work: in the audit log, and on the work for its creator.
      await admin.get(`/admin/works/${workId}`);
      await admin.post(`/admin/works/${workId}/hide`, { reason: text("reason") });
      await serve(admin, `/admin/works/${workId}`);
      await serve(writer, `/works/${workId}`);
      // Invitations, the waiting list and the terms.
      served.push((await guest.post("/invite_requests", { "invite_request[email]": text("invite_request[email]") })).body);
      await serve(guest, `/invite_requests/status?${query("invite_request[email]")}`);
      served.push((await writer.post(`/users/${login}/invitations`, { "invitation[invitee_email]": text("invitation[invitee_email]") })).body);
      served.push((await admin.post("/admin/invitations/grant", { "grant[logins]": text("grant[logins]"), "grant[count]": "1" })).body);
      await serve(admin, `/admin/invitations?${query("invitation_search[query]")}`);
      const { client: policy } = await loggedInUser(app, db, "policy_person", ["policy_and_abuse"]);
      await policy.post("/admin/users/reader/warn", { reason: text("reason") });
      await serve(policy, "/admin/users/reader");
      await serve(reader, "/users/reader/notices");
      served.push((await policy.post("/admin/spam/settings", { new_account_days: "not a number", max_links: "2", block_list: text("block_list") })).body);
      await serve(writer, `/users/${login}/inbox`);
      await serve(writer, `/users/${login}/pseuds/Second%20Self/edit`);
      await serve(writer, `/users/${login}/profile/edit`);
      // Last of the pages: new terms send every other logged-in user to accept them first.
      await admin.post("/admin/terms", { "terms[tos]": text("terms[tos]"), "terms[privacy]": text("terms[privacy]") });
      await serve(guest, "/tos");
      await serve(guest, "/privacy");
      await serve(admin, "/admin/terms");
      const api = new ApiClient(app);
      served.push(apiHtml((await api.get(`/works/${workId}`)).body), apiHtml((await api.get(`/users/${login}`)).body));

      const all = served.join("\n");
      assertSafe(all, "served pages");
      // The stored HTML columns hold no live markup either.
      const stored = [
        ...(await db.selectFrom("works").select(["summary", "notes", "endnotes"]).execute()).flatMap((r) => [r.summary, r.notes, r.endnotes]),
        ...(await db.selectFrom("chapters").select(["summary", "notes", "endnotes", "content"]).execute()).flatMap((r) => [r.summary, r.notes, r.endnotes, r.content]),
        ...(await db.selectFrom("series").select(["summary", "notes"]).execute()).flatMap((r) => [r.summary, r.notes]),
        ...(await db.selectFrom("comments").select("content").execute()).map((r) => r.content),
        ...(await db.selectFrom("bookmarks").select("notes").execute()).map((r) => r.notes),
        ...(await db.selectFrom("pseuds").select("description").execute()).map((r) => r.description),
        ...(await db.selectFrom("users").select("profile").execute()).map((r) => r.profile),
        ...(await db.selectFrom("admin_posts").select("content").execute()).map((r) => r.content),
        ...(await db.selectFrom("admin_post_comments").select("content").execute()).map((r) => r.content),
        ...(await db.selectFrom("admin_banners").select("content").execute()).map((r) => r.content),
        ...(await db.selectFrom("terms_versions").select(["tos", "privacy"]).execute()).flatMap((r) => [r.tos, r.privacy]),
      ];
      assertSafe(stored.join("\n"), "stored HTML");
      // Each text field was exercised and its words came back somewhere (stored and shown, or shown
      // again in a refused form), so the check above looked at it.
      const missing = [...covered].filter((field) => !all.includes(mark(field)));
      assert.deepEqual(missing, [], "fields whose text never came back");
      // Wrangling fields are tag names typed by wranglers: covered by the wrangling pages' tests of
      // the same tag-name rule, and only shown as escaped tag names.
      const wrangling = new Set(["tag[syn_string]", "tag[meta_tag_string]", "tag[parent_string]", "mass[fandom_string]", "mass[syn_string]", "tag[name]"]);
      const uncovered = Object.entries(FORM_FIELDS)
        .filter(([name, kind]) => kind !== "other" && !covered.has(name) && !wrangling.has(name))
        .map(([name]) => name);
      assert.deepEqual(uncovered, [], "text fields this test does not post to");
    } finally {
      await app.close();
    }
  });
});

test("every HTML API field is sanitized and every plain one escaped, stored and served", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, userId, login, password, pseudId } = await appWithUser(db, url);
    try {
      const api = new ApiClient(app, (await createToken(db, userId, "sweep", "write")).token);
      const done = new Set<string>();
      const text = (key: string) => {
        done.add(key);
        return PAYLOAD(`zq${key.replace(/[^a-z]/gi, "")}`);
      };
      const tag = (key: string) => {
        done.add(key);
        return `zq${key.replace(/[^a-z]/gi, "")} "q" & javascript:alert(1)`;
      };
      const work = await api.post("/works", {
        title: text("POST /works title"),
        rating: "General Audiences",
        warnings: ["No Archive Warnings Apply"],
        fandoms: [tag("POST /works fandoms[]")],
        relationships: [tag("POST /works relationships[]")],
        characters: [tag("POST /works characters[]")],
        freeforms: [tag("POST /works freeforms[]")],
        summary: text("POST /works summary"),
        notes: text("POST /works notes"),
        endnotes: text("POST /works endnotes"),
        comment_permission: "all",
        series: { title: text("POST /works series.title") },
        chapter: { title: text("POST /works chapter.title"), summary: text("POST /works chapter.summary"), notes: text("POST /works chapter.notes"), endnotes: text("POST /works chapter.endnotes"), content: text("POST /works chapter.content") },
      });
      assert.equal(work.status, 201, JSON.stringify(work.body));
      const id = work.body.id as number;
      assert.equal((await api.patch(`/works/${id}`, { title: text("PATCH /works/{id} title"), summary: text("PATCH /works/{id} summary"), notes: text("PATCH /works/{id} notes"), endnotes: text("PATCH /works/{id} endnotes"), fandoms: [tag("PATCH /works/{id} fandoms[]")], relationships: [tag("PATCH /works/{id} relationships[]")], characters: [tag("PATCH /works/{id} characters[]")], freeforms: [tag("PATCH /works/{id} freeforms[]")], series: { title: text("PATCH /works/{id} series.title") } })).status, 200);
      // Co-creators, gifts and related works: names and addresses refused come back as problems;
      // recipients, titles and authors are stored and shown.
      assert.equal((await api.post("/works", { title: "Zq", rating: "General Audiences", warnings: ["No Archive Warnings Apply"], fandoms: ["Zq"], co_creators: [text("POST /works co_creators[]")], related_works: [{ url: text("POST /works related_works[].url") }], chapter: { content: "Words enough for a chapter." } })).status, 422);
      assert.equal((await api.post("/works", { title: "Zq gifted", rating: "General Audiences", warnings: ["No Archive Warnings Apply"], fandoms: ["Zq"], recipients: [text("POST /works recipients[]")], related_works: [{ url: "https://example.org/zq", title: text("POST /works related_works[].title"), author: text("POST /works related_works[].author") }], chapter: { content: "Words enough for a chapter." } })).status, 201);
      assert.equal((await api.patch(`/works/${id}`, { co_creators: [text("PATCH /works/{id} co_creators[]")], related_works: [{ url: text("PATCH /works/{id} related_works[].url") }] })).status, 422);
      assert.equal((await api.patch(`/works/${id}`, { recipients: [text("PATCH /works/{id} recipients[]")], related_works: [{ url: "https://example.org/zq", title: text("PATCH /works/{id} related_works[].title"), author: text("PATCH /works/{id} related_works[].author") }] })).status, 200);
      const chapter = await api.post(`/works/${id}/chapters`, { title: text("POST /works/{id}/chapters title"), summary: text("POST /works/{id}/chapters summary"), notes: text("POST /works/{id}/chapters notes"), endnotes: text("POST /works/{id}/chapters endnotes"), content: text("POST /works/{id}/chapters content") });
      assert.equal(chapter.status, 201, JSON.stringify(chapter.body));
      const chapterId = chapter.body.id as number;
      assert.equal((await api.patch(`/works/${id}/chapters/${chapterId}`, { title: text("PATCH /works/{id}/chapters/{chapterId} title"), summary: text("PATCH /works/{id}/chapters/{chapterId} summary"), notes: text("PATCH /works/{id}/chapters/{chapterId} notes"), endnotes: text("PATCH /works/{id}/chapters/{chapterId} endnotes"), content: text("PATCH /works/{id}/chapters/{chapterId} content") })).status, 200);
      const { userId: readerId } = await loggedInUser(app, db, "reader");
      const reader = new ApiClient(app, (await createToken(db, readerId, "r", "write")).token);
      assert.equal((await reader.post(`/works/${id}/comments`, { content: text("POST /works/{id}/comments content") })).status, 201);
      const bookmark = await reader.post(`/works/${id}/bookmarks`, { notes: text("POST /works/{id}/bookmarks notes"), tags: [tag("POST /works/{id}/bookmarks tags[]")] });
      assert.equal(bookmark.status, 201, JSON.stringify(bookmark.body));
      assert.equal((await reader.patch(`/bookmarks/${bookmark.body.id}`, { notes: text("PATCH /bookmarks/{id} notes"), tags: [tag("PATCH /bookmarks/{id} tags[]")] })).status, 200);

      // A series to bookmark (the API makes none): through the work form.
      const writer = new Client(app);
      await writer.logIn(login, password);
      await writer.get("/works/new");
      redirectedId(await writer.post("/works", workForm(pseudId, { "work[series_attributes][title]": "Harbour Cycle" })));
      const series = await db.selectFrom("series").select("id").orderBy("id").executeTakeFirstOrThrow();
      const seriesBookmark = await reader.post(`/series/${series.id}/bookmarks`, { notes: text("POST /series/{id}/bookmarks notes"), tags: [tag("POST /series/{id}/bookmarks tags[]")] });
      assert.equal(seriesBookmark.status, 201, JSON.stringify(seriesBookmark.body));

      const guest = new Client(app);
      const served = [
        apiHtml((await api.get(`/works/${id}`)).body),
        apiHtml((await api.get(`/works/${id}/chapters`)).body),
        apiHtml((await api.get(`/works/${id}/comments`)).body),
        apiHtml((await api.get(`/works/${id}/bookmarks`)).body),
        apiHtml((await api.get(`/series/${series.id}/bookmarks`)).body),
        (await guest.get(`/series/${series.id}/bookmarks`)).body,
        (await guest.get(`/works/${id}?view_full_work=true`)).body,
        (await guest.get(`/works/${id}/bookmarks`)).body,
        (await guest.get(`/users/${login}/works`)).body,
        (await guest.get(`/users/${login}/series`)).body,
        apiHtml((await api.get(`/series/${series.id}`)).body),
      ].join("\n");
      assertSafe(served, "served");
      const uncovered = Object.entries(API_FIELDS)
        .filter(([key, kind]) => kind !== "other" && !done.has(key))
        .map(([key]) => key);
      assert.deepEqual(uncovered, [], "API text fields this test does not post to");
    } finally {
      await app.close();
    }
  });
});
