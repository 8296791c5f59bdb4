import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { appWithUser, assertMatch, Client, loggedInUser, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { makeCreator, makeWork } from "../../test/support/factories.js";
import { buildApp, jobSteps, ROUTES } from "../app.js";
import { createSeries } from "../series/commands.js";
import { createBookmark } from "../responses/commands.js";
import { setWorkHidden } from "../moderation/index.js";
import { type Db, nowIso } from "../platform/db/index.js";
import { drainJobs } from "../platform/jobs.js";
import { outboxFolder } from "../platform/mail.js";
import { updateProfile } from "../users/commands.js";
import { createReport } from "./commands.js";
import { openReportCount } from "./index.js";
import { REPORTS_PER_PAGE } from "./queries.js";
import { ADDRESS_LIMIT, archivePathOf, EMAIL_CAP, SUBJECT_CAPS, subjectOfPath, validateReport } from "./schema.js";
import { beginningOf, readSnapshot, SNAPSHOT_TEXT_CHARS, takeSnapshot } from "./snapshot.js";

const PUBLIC = "http://127.0.0.1:3000";

function dataFolder(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), "fanfold-reports-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function outbox(dataDir: string): string[] {
  try {
    return readdirSync(outboxFolder(dataDir)).map((name) => readFileSync(join(outboxFolder(dataDir), name), "utf8"));
  } catch {
    return [];
  }
}

const reportForm = (url: string, overrides: Record<string, string> = {}) => ({
  "abuse_report[url]": url,
  "abuse_report[summary]": "Copied from my story",
  "abuse_report[comment]": "The first chapter is my own text,\nword for word.",
  "abuse_report[email]": "someone@example.org",
  ...overrides,
});

/** A work with tags, a summary and a long first chapter, for snapshots. */
async function reportedWork(db: Db, pseudId: number): Promise<number> {
  const long = Array.from({ length: 60 }, (_, i) => `<p>Paragraph ${i + 1} of <em>the lamp</em> turning over the water all night long.</p>`).join("\n");
  return makeWork(db, pseudId, {
    title: "Lamp Over Water",
    rating: "Teen And Up Audiences",
    fandoms: ["Original Work"],
    relationships: ["Mira/The Keeper"],
    characters: ["Mira"],
    freeforms: ["Storms"],
    summary: "<p>A keeper and a <strong>storm</strong>.</p>",
    expectedChapters: null,
    chapters: [long, "<p>The second chapter.</p>"],
  });
}

test("the URL of a report: pages of this archive only, in any of the forms readers copy", () => {
  assert.equal(archivePathOf("/works/12", PUBLIC), "/works/12");
  assert.equal(archivePathOf("http://127.0.0.1:3000/works/12/chapters/3?view_adult=true#main", PUBLIC), "/works/12/chapters/3?view_adult=true#main");
  assert.equal(archivePathOf("https://127.0.0.1:3000/users/moth", PUBLIC), "/users/moth", "either scheme");
  assert.equal(archivePathOf("127.0.0.1:3000/series/4", PUBLIC), "/series/4", "without a scheme");
  assert.equal(archivePathOf("https://evil.example/works/12", PUBLIC), null);
  assert.equal(archivePathOf("http://127.0.0.1:3001/works/12", PUBLIC), null, "another port is another site");
  assert.equal(archivePathOf("//evil.example/works/12", PUBLIC), null);
  assert.equal(archivePathOf("javascript:alert(1)", PUBLIC), null);
  assert.equal(archivePathOf("http://user:pw@127.0.0.1:3000/works/1", PUBLIC), null);
  assert.equal(archivePathOf("not a url at all", PUBLIC), null);
  // Under a path prefix, only what is below it.
  assert.equal(archivePathOf("https://example.org/archive/works/1", "https://example.org/archive"), "/works/1");
  assert.equal(archivePathOf("https://example.org/other/works/1", "https://example.org/archive"), null);

  assert.deepEqual(subjectOfPath("/works/12/chapters/3?x=1"), { kind: "work", workId: 12, chapterId: 3 });
  assert.deepEqual(subjectOfPath("/works/12/comments"), { kind: "work", workId: 12, chapterId: null });
  assert.deepEqual(subjectOfPath("/comments/5/reply"), { kind: "comment", commentId: 5 });
  assert.deepEqual(subjectOfPath("/users/Moth%20Light/works"), { kind: "user", login: "Moth Light" });
  assert.deepEqual(subjectOfPath("/works/search?work_search[query]=x"), { kind: "page", path: "/works/search" });
  assert.deepEqual(subjectOfPath("/works/99999999999"), { kind: "page", path: "/works/99999999999" });

  const ok = validateReport({ url: "/works/1", summary: "  Spam \n here ", details: "Links everywhere.", email: "" }, PUBLIC, "me@example.org");
  assert.ok(ok.ok);
  assert.equal(ok.value.url, `${PUBLIC}/works/1`);
  assert.equal(ok.value.summary, "Spam here");
  assert.equal(ok.value.email, "me@example.org", "a user who clears the field is written to at their account's address");
  const bad = validateReport({ url: "", summary: "", details: "", email: "" }, PUBLIC, null);
  assert.ok(!bad.ok);
  assert.deepEqual(Object.keys(bad.errors).sort(), ["abuse_report[comment]", "abuse_report[email]", "abuse_report[summary]", "abuse_report[url]"]);
});

test("the beginning of a text: cut between words, markup closed, sanitized", () => {
  const cut = beginningOf("<p>One <em>two three</em> four</p><p>five</p>", 6);
  assert.equal(cut, "<p>One <em>two…</em></p>");
  assert.equal(beginningOf("<p>Short &amp; whole.</p>", 100), "<p>Short &amp; whole.</p>");
  assert.equal(beginningOf("", 10), "");
  // Whatever comes in, what comes out is sanitized.
  assert.doesNotMatch(beginningOf("<p>x<script>alert(1)</script> <img src=x onerror=alert(1)></p>", 100), /script|onerror/);
});

test("snapshots: a work, a chapter, a user, a comment, a series, a bookmark, another page, nothing", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const { userId, pseudId } = await makeCreator(db, "keeper");
    const workId = await reportedWork(db, pseudId);
    const chapters = await db.selectFrom("chapters").select(["id", "position"]).where("work_id", "=", workId).orderBy("position").execute();

    const work = await takeSnapshot(db, `/works/${workId}`);
    assert.equal(work.subjectKey, `work:${workId}`);
    assert.equal(work.workId, workId);
    assert.equal(work.reportedUserId, userId);
    assert.equal(work.snapshot.title, "Lamp Over Water");
    assert.deepEqual(work.snapshot.people, [{ userId, login: "keeper" }]);
    const tags = work.snapshot.tags!.map((tag) => `${tag.type}:${tag.name}`);
    for (const tag of ["Rating:Teen And Up Audiences", "ArchiveWarning:No Archive Warnings Apply", "Fandom:Original Work", "Relationship:Mira/The Keeper", "Character:Mira", "Freeform:Storms"]) assert.ok(tags.includes(tag), tag);
    assert.equal(work.summaryHtml, "<p>A keeper and a <strong>storm</strong>.</p>");
    assert.match(work.textHtml, /^<p>Paragraph 1 of <em>the lamp<\/em>/);
    assert.match(work.textHtml, /…<\/p>$/, "the beginning only");
    const textLength = work.textHtml.replace(/<[^>]+>/g, "").length;
    assert.ok(textLength >= SNAPSHOT_TEXT_CHARS && textLength < SNAPSHOT_TEXT_CHARS + 40, `about ${SNAPSHOT_TEXT_CHARS} characters (${textLength})`);
    assert.equal(work.snapshot.chapter?.position, 1);
    assert.deepEqual(work.snapshot.state, { posted: true, restricted: false, hidden: false });

    // A chapter's URL: that chapter, the work's cap.
    const chapter = await takeSnapshot(db, `/works/${workId}/chapters/${chapters[1]!.id}`);
    assert.equal(chapter.subjectKey, `work:${workId}`);
    assert.equal(chapter.chapterId, chapters[1]!.id);
    assert.equal(chapter.textHtml, "<p>The second chapter.</p>");

    await updateProfile(db, userId, "Writes about <em>lighthouses</em>.");
    const user = await takeSnapshot(db, "/users/KEEPER/profile");
    assert.equal(user.subjectKey, `user:${userId}`, "any case, any page of the user");
    assert.equal(user.reportedUserId, userId);
    assert.equal(user.summaryHtml, "<p>Writes about <em>lighthouses</em>.</p>");
    assert.deepEqual(user.snapshot.pseuds, ["keeper"]);

    const { userId: readerId } = await makeCreator(db, "reader");
    const comment = await db
      .insertInto("comments")
      .values({ work_id: workId, chapter_id: chapters[0]!.id, parent_id: null, user_id: readerId, guest_name: null, guest_email: null, guest_ip: null, content: "<p>Rude words.</p>", form_token: null, created_at: nowIso(), updated_at: nowIso() })
      .returning("id")
      .executeTakeFirstOrThrow();
    const commentShot = await takeSnapshot(db, `/comments/${comment.id}`);
    assert.equal(commentShot.subjectKey, `comment:${comment.id}`);
    assert.equal(commentShot.capKind, "comment");
    assert.equal(commentShot.reportedUserId, readerId);
    assert.equal(commentShot.textHtml, "<p>Rude words.</p>");
    assert.deepEqual(commentShot.snapshot.on, { workId, title: "Lamp Over Water" });
    assert.equal(commentShot.workId, null, "a comment's report is not the work's");

    const seriesId = await createSeries(db, [pseudId], "Lamps");
    const series = await takeSnapshot(db, `/series/${seriesId}`);
    assert.equal(series.subjectKey, `series:${seriesId}`);
    assert.equal(series.snapshot.title, "Lamps");
    assert.equal(series.reportedUserId, userId);

    const bookmark = await createBookmark(db, readerId, workId, { notes: "<p>Stolen, says I.</p>", tags: ["Suspicious"], private: false, rec: false });
    assert.ok(bookmark.created);
    const bookmarkShot = await takeSnapshot(db, `/bookmarks/${bookmark.id}`);
    assert.equal(bookmarkShot.subjectKey, `bookmark:${bookmark.id}`);
    assert.equal(bookmarkShot.summaryHtml, "<p>Stolen, says I.</p>");
    assert.deepEqual(bookmarkShot.snapshot.tags, [{ type: "Bookmark", name: "Suspicious" }]);

    const page = await takeSnapshot(db, "/tags/Storms/works?page=2");
    assert.equal(page.subjectKey, "page:/tags/Storms/works");
    assert.equal(page.snapshot.kind, "page");
    assert.equal(page.workId, null);

    const gone = await takeSnapshot(db, "/works/999999");
    assert.equal(gone.snapshot.kind, "missing");
    assert.equal(gone.subjectKey, "work:999999");
    assert.equal((await takeSnapshot(db, "/users/nobody_here")).snapshot.kind, "missing");

    // Stored and read back.
    assert.deepEqual(readSnapshot(JSON.stringify(work.snapshot)), work.snapshot);
    assert.equal(readSnapshot("not json").kind, "page");
  });
});

test("a guest reports a work from its page, a user reports a profile; refusals keep what was typed; each reporter gets a copy", async (t) => {
  await eachDialect(t, async (t, { db, url }) => {
    const dataDir = dataFolder(t);
    const config = testConfig(url, { dataDir });
    const app = await buildApp(config, db);
    try {
      const { pseudId, userId: keeperId } = await makeCreator(db, "keeper");
      const workId = await reportedWork(db, pseudId);
      const guest = new Client(app);

      // The work page's Report link, and the footer's, carry the page's address.
      const workPage = await guest.get(`/works/${workId}`);
      const link = `/abuse_reports/new?url=${encodeURIComponent(`${PUBLIC}/works/${workId}`)}`;
      assert.ok(workPage.body.includes(`<li class="report"><a href="${link.replace(/&/g, "&amp;")}">Report</a></li>`), "a Report link in the work's navigation");
      assertMatch(workPage.body, new RegExp(`<footer[^]*href="${link.replace(/[?]/g, "\\?")}">Report abuse</a>`));
      assertMatch((await guest.get("/works")).body, /href="\/abuse_reports\/new\?url=http%3A%2F%2F127\.0\.0\.1%3A3000%2Fworks">Report abuse<\/a>/);

      const form = await guest.get(link);
      assert.equal(form.statusCode, 200);
      assertMatch(form.body, new RegExp(`<label for="field-abuse_report-url">Link to the page you are reporting</label>`));
      assertMatch(form.body, new RegExp(`name="abuse_report\\[url\\]"[^>]*value="${PUBLIC.replace(/\./g, "\\.")}/works/${workId}"`));
      assertMatch(form.body, /name="abuse_report\[email\]" required[^>]*value=""/);

      // Missing fields: each named, nothing typed lost.
      let res = await guest.post("/abuse_reports", reportForm(`${PUBLIC}/works/${workId}`, { "abuse_report[summary]": "", "abuse_report[email]": "" }));
      assert.equal(res.statusCode, 422);
      assertMatch(res.body, /Brief summary: Brief summary is required\./);
      assertMatch(res.body, /Your email: Your email is required\./);
      assertMatch(res.body, /The first chapter is my own text,\nword for word\.<\/textarea>/);
      // Outside the archive: refused with a message, the URL kept.
      res = await guest.post("/abuse_reports", reportForm("https://elsewhere.example/works/1"));
      assert.equal(res.statusCode, 422);
      assertMatch(res.body, /You can only report pages of Fanfold: the link must be on this archive/);
      assertMatch(res.body, /value="https:\/\/elsewhere\.example\/works\/1"/);
      assert.equal(await openReportCount(db), 0, "nothing stored");

      // Sent: a confirmation page, and the report with its snapshot.
      res = await guest.post("/abuse_reports", reportForm(`${PUBLIC}/works/${workId}`));
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, "/abuse_reports/sent");
      const sent = await guest.get("/abuse_reports/sent");
      assertMatch(sent.body, /Your report has been sent\. A copy is on its way to someone@example\.org\./);
      const stored = await db.selectFrom("abuse_reports").selectAll().executeTakeFirstOrThrow();
      assert.equal(stored.url, `${PUBLIC}/works/${workId}`);
      assert.equal(stored.work_id, workId);
      assert.equal(stored.reported_user_id, keeperId);
      assert.equal(stored.reporter_user_id, null);
      assert.equal(stored.reporter_ip, "127.0.0.1");
      assert.equal(stored.details, "The first chapter is my own text,\nword for word.");
      assert.equal(readSnapshot(stored.snapshot).title, "Lamp Over Water");
      assert.match(stored.snapshot_text, /^<p>Paragraph 1 of <em>the lamp<\/em>/);
      assert.equal(await openReportCount(db), 1);

      // The copy goes by the job, after the request.
      assert.deepEqual(outbox(dataDir), []);
      assert.equal(await drainJobs(db, jobSteps(config)), 1);
      const mails = outbox(dataDir);
      assert.equal(mails.length, 1);
      assert.match(mails[0]!, /^To: someone@example\.org$/m);
      assert.match(mails[0]!, /^Subject: \[Fanfold\] Your abuse report: Copied from my story$/m);
      assert.match(mails[0]!, /word for word\./);
      assert.doesNotMatch(mails[0]!, /Paragraph 1/, "the snapshot is the admins', not in the copy");

      // A user: the email is theirs, filled in; clearing it still reaches them.
      const reader = await loggedInUser(app, db, "reader");
      const userForm = await reader.client.get(`/abuse_reports/new?url=${encodeURIComponent("/users/keeper")}`);
      assertMatch(userForm.body, /name="abuse_report\[email\]"[^>]*value="reader@example\.com"/);
      res = await reader.client.post("/abuse_reports", reportForm("/users/keeper", { "abuse_report[email]": "", "abuse_report[summary]": "Harassing profile" }));
      assert.equal(res.statusCode, 303);
      const byUser = await db.selectFrom("abuse_reports").selectAll().where("summary", "=", "Harassing profile").executeTakeFirstOrThrow();
      assert.equal(byUser.reporter_user_id, reader.userId);
      assert.equal(byUser.email, "reader@example.com");
      assert.equal(byUser.url, `${PUBLIC}/users/keeper`);
      assert.equal(byUser.reported_user_id, keeperId);
      assert.equal(byUser.work_id, null);
      await drainJobs(db, jobSteps(config));
      assert.ok(outbox(dataDir).some((mail) => /^To: reader@example\.com$/m.test(mail)));
    } finally {
      await app.close();
    }
  });
});

test("caps: a page reported too often, and an address that reported too much today, get a clear 429 with the form kept", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const app = await buildApp(testConfig(url), db);
    try {
      const { pseudId } = await makeCreator(db, "keeper");
      const workId = await reportedWork(db, pseudId);
      const chapters = await db.selectFrom("chapters").select("id").where("work_id", "=", workId).orderBy("position").execute();
      const guest = new Client(app);
      await guest.get("/abuse_reports/new");
      const cap = SUBJECT_CAPS.work.max;
      // Every URL of the work counts toward its cap: the work, a chapter, its comments page.
      const urls = [`/works/${workId}`, `/works/${workId}/chapters/${chapters[1]!.id}`, `/works/${workId}/comments`];
      for (let i = 0; i < cap; i++) {
        const res = await guest.post("/abuse_reports", reportForm(urls[i % urls.length]!, { "abuse_report[email]": `reader${i}@example.org` }));
        assert.equal(res.statusCode, 303, `report ${i + 1}`);
      }
      const over = await guest.post("/abuse_reports", reportForm(`${PUBLIC}/works/${workId}/chapters/${chapters[0]!.id}`, { "abuse_report[summary]": "One more time", "abuse_report[email]": "late@example.org" }));
      assert.equal(over.statusCode, 429);
      assertMatch(over.body, /This page has already been reported 5 times in the last 31 days\. We have those reports and will look at them, so this one was not sent\./);
      assertMatch(over.body, /Nothing you typed is lost/);
      assertMatch(over.body, /value="One more time"/);
      assertMatch(over.body, /value="late@example\.org"/);
      assertMatch(over.body, /word for word\.<\/textarea>/);
      assert.equal((await db.selectFrom("abuse_reports").select("id").execute()).length, cap, "nothing stored past the cap");
      assert.equal((await db.selectFrom("jobs").select("id").execute()).length, cap, "and no copy queued for it");
      // An old report no longer counts (AO3's window).
      await db.updateTable("abuse_reports").set({ created_at: new Date(Date.now() - 32 * 86_400_000).toISOString() }).where("email", "=", "reader0@example.org").execute();
      assert.equal((await guest.post("/abuse_reports", reportForm(`/works/${workId}`, { "abuse_report[email]": "late@example.org" }))).statusCode, 303);

      // Five a day from one email address, whatever was reported (filed here through the command).
      const taken = await takeSnapshot(db, "/tags/Storms");
      for (let i = 1; i < EMAIL_CAP.max; i++) {
        const outcome = await createReport(db, { url: `${PUBLIC}/tags/Storms${i}`, path: `/tags/Storms${i}`, summary: "s", details: "d", email: "Late@Example.org" }, { ...taken, subjectKey: `page:/tags/Storms${i}` }, { userId: null, ip: "192.0.2.1" });
        assert.ok(outcome.ok);
      }
      const tooMany = await guest.post("/abuse_reports", reportForm("/tags/Mira", { "abuse_report[email]": "late@example.org" }));
      assert.equal(tooMany.statusCode, 429);
      assertMatch(tooMany.body, /You have sent 5 reports from this email address today, the most we accept in a day\./);

      // The per-address limit is the route's (shared across processes by the rate-limit store).
      const route = ROUTES.find((r) => r.method === "POST" && r.url === "/abuse_reports");
      assert.deepEqual(route?.rateLimit, ADDRESS_LIMIT);
    } finally {
      await app.close();
    }
  });
});

test("concurrent reports of one page never pass its cap", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const { pseudId } = await makeCreator(db, "keeper");
    const workId = await reportedWork(db, pseudId);
    const taken = await takeSnapshot(db, `/works/${workId}`);
    const attempts = 16;
    const outcomes = await Promise.all(
      Array.from({ length: attempts }, (_, i) =>
        createReport(db, { url: `${PUBLIC}/works/${workId}`, path: `/works/${workId}`, summary: `Report ${i}`, details: "Same page.", email: `r${i}@example.org` }, taken, { userId: null, ip: `192.0.2.${i}` }),
      ),
    );
    const cap = SUBJECT_CAPS.work.max;
    assert.equal(outcomes.filter((o) => o.ok).length, cap);
    assert.ok(outcomes.filter((o) => !o.ok).every((o) => !o.ok && o.cap === "subject"));
    assert.equal((await db.selectFrom("abuse_reports").select("id").where("subject_key", "=", `work:${workId}`).execute()).length, cap);
    // The same email from many requests at once: at most five.
    const page = await takeSnapshot(db, "/tags/Storms");
    const same = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        createReport(db, { url: `${PUBLIC}/tags/T${i}`, path: `/tags/T${i}`, summary: "s", details: "d", email: "one@example.org" }, { ...page, subjectKey: `page:/tags/T${i}` }, { userId: null, ip: "192.0.2.9" }),
      ),
    );
    assert.equal(same.filter((o) => o.ok).length, EMAIL_CAP.max);
  });
});

test("the admins' queue and report page: open first, filtered, paged; only policy & abuse admins; resolve and reopen are audited", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, userId: writerId, login } = await appWithUser(db, url);
    try {
      const workId = await reportedWork(db, pseudId);
      const guest = new Client(app);
      await guest.get("/abuse_reports/new");
      assert.equal((await guest.post("/abuse_reports", reportForm(`/works/${workId}`, { "abuse_report[summary]": "Stolen work" }))).statusCode, 303);
      const report = await db.selectFrom("abuse_reports").selectAll().executeTakeFirstOrThrow();
      // Older reports, some resolved, enough for two pages.
      const older = Array.from({ length: REPORTS_PER_PAGE + 3 }, (_, i) => ({
        url: `${PUBLIC}/tags/T${i}`,
        subject_key: `page:/tags/T${i}`,
        summary: `Older report ${i}`,
        details: "d",
        email: "o@example.org",
        email_key: "o@example.org",
        resolved: i % 2,
        created_at: new Date(Date.now() - (i + 1) * 60_000).toISOString(),
      }));
      await db.insertInto("abuse_reports").values(older).execute();

      // Guests are sent to log in; a plain user and other admins are refused.
      assert.equal((await guest.get("/admin/abuse_reports")).statusCode, 303);
      const plain = await loggedInUser(app, db, "plain");
      assert.equal((await plain.client.get("/admin/abuse_reports")).statusCode, 403);
      assert.equal((await plain.client.get(`/admin/abuse_reports/${report.id}`)).statusCode, 403);
      assert.equal((await plain.client.post(`/admin/abuse_reports/${report.id}/resolve`, { note: "no" })).statusCode, 403);
      const support = await loggedInUser(app, db, "helpdesk", ["support"]);
      assert.equal((await support.client.get("/admin/abuse_reports")).statusCode, 403);

      const admin = await loggedInUser(app, db, "abuse_admin", ["policy_and_abuse"]);
      let queue = await admin.client.get("/admin/abuse_reports");
      assert.equal(queue.statusCode, 200);
      const summaries = [...queue.body.matchAll(/<a href="\/admin\/abuse_reports\/\d+">([^<]+)<\/a>/g)].map((m) => m[1]);
      assert.equal(summaries.length, REPORTS_PER_PAGE);
      assert.equal(summaries[0], "Stolen work", "the newest open report first");
      assert.deepEqual(summaries.slice(1, 4), ["Older report 0", "Older report 2", "Older report 4"], "then the other open ones, newest first");
      assertMatch(queue.body, /href="\/admin\/abuse_reports\?page=2" rel="next"/);
      queue = await admin.client.get("/admin/abuse_reports?status=closed");
      assert.ok([...queue.body.matchAll(/>Older report (\d+)</g)].every((m) => Number(m[1]) % 2 === 1), "resolved ones only");
      assertMatch(queue.body, /Resolved reports: 14, newest first\./);
      queue = await admin.client.get("/admin/abuse_reports?status=open");
      assertMatch(queue.body, /Open reports: 15, newest first\./);

      // The report page: the report, the snapshot (as it was, even after the work changes), the action forms.
      await db.updateTable("works").set({ title: "Renamed Since" }).where("id", "=", workId).execute();
      const path = `/admin/abuse_reports/${report.id}`;
      let page = await admin.client.get(path);
      assert.equal(page.statusCode, 200);
      assertMatch(page.body, /<h2 class="heading">Stolen work<\/h2>/);
      assertMatch(page.body, /<p>The first chapter is my own text,<br\/>word for word\.<\/p>/);
      assertMatch(page.body, new RegExp(`<a href="/works/${workId}">Lamp Over Water</a>`), "the title when reported");
      assertMatch(page.body, /<blockquote class="userstuff summary"><p>A keeper and a <strong>storm<\/strong>\.<\/p><\/blockquote>/);
      assertMatch(page.body, /Paragraph 1 of <em>the lamp<\/em>/);
      assertMatch(page.body, /<li>Mira\/The Keeper<\/li>/);
      const returnTo = `<input type="hidden" name="return_to" value="${path}"/>`;
      for (const action of [`/admin/works/${workId}/hide`, `/admin/users/${login}/warn`, `/admin/users/${login}/suspend`, `/admin/users/${login}/ban`]) {
        const formHtml = new RegExp(`<form method="post" action="${action}">(.*?)</form>`, "s").exec(page.body)?.[1];
        assert.ok(formHtml, `a form posting to ${action}`);
        assert.match(formHtml, /<input type="hidden" name="authenticity_token" value="[^"]+"\/>/, `${action}: its CSRF token`);
        assert.ok(formHtml.includes(returnTo), `${action}: back to the report`);
      }
      assertMatch(page.body, new RegExp(`<form method="post" action="/admin/users/${login}/suspend">.*name="days".*name="reason".*name="hide_works" value="no" checked.*name="hide_works" value="yes"`, "s"));
      assertMatch(page.body, new RegExp(`href="/admin/works/${workId}/delete\\?return_to=`));
      assertMatch(page.body, new RegExp(`href="/admin/works/${workId}/tags\\?return_to=`));
      assert.equal((await admin.client.get("/admin/abuse_reports/999999")).statusCode, 404);

      // A hidden work offers Unhide instead.
      await db.transaction().execute((trx) => setWorkHidden(trx, admin.userId, workId, true, "Under review"));
      page = await admin.client.get(path);
      assertMatch(page.body, new RegExp(`<form method="post" action="/admin/works/${workId}/unhide">`));
      assert.doesNotMatch(page.body, new RegExp(`action="/admin/works/${workId}/hide"`));

      // Resolve: a note too long is refused with it kept; then resolved with who and when, audited.
      const long = "x".repeat(2001);
      let res = await admin.client.post(`${path}/resolve`, { note: long });
      assert.equal(res.statusCode, 422);
      assertMatch(res.body, /Resolution note must be at most 2000 characters/);
      assert.ok(res.body.includes(long));
      res = await admin.client.post(`${path}/resolve`, { note: "Hid the work; told the writer." });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, path);
      page = await admin.client.get(path);
      assertMatch(page.body, /The report is resolved\./);
      assertMatch(page.body, /Resolved by abuse_admin, \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
      assertMatch(page.body, /Hid the work; told the writer\./);
      let row = await db.selectFrom("abuse_reports").selectAll().where("id", "=", report.id).executeTakeFirstOrThrow();
      assert.equal(row.resolved, 1);
      assert.equal(row.resolved_by_user_id, admin.userId);
      assert.ok(row.resolved_at);
      assert.equal(await openReportCount(db), 14);
      // A second resolve (another admin's stale page) changes nothing and records nothing.
      await admin.client.post(`${path}/resolve`, { note: "again" });
      const audit = await db.selectFrom("audit_log").selectAll().where("action", "in", ["resolve_report", "reopen_report"]).execute();
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.actor_user_id, admin.userId);
      assert.equal(audit[0]!.work_id, workId);
      assert.equal(audit[0]!.target_user_id, writerId);
      assert.equal(audit[0]!.reason, "Hid the work; told the writer.");
      assert.deepEqual(JSON.parse(audit[0]!.detail), { reportId: report.id });

      // Reopen.
      res = await admin.client.post(`${path}/reopen`, {});
      assert.equal(res.statusCode, 303);
      row = await db.selectFrom("abuse_reports").selectAll().where("id", "=", report.id).executeTakeFirstOrThrow();
      assert.equal(row.resolved, 0);
      assert.equal(row.resolved_at, null);
      const reopened = await db.selectFrom("audit_log").selectAll().where("action", "=", "reopen_report").executeTakeFirstOrThrow();
      assert.equal(reopened.actor_user_id, admin.userId);
      assert.deepEqual(JSON.parse(reopened.detail), { reportId: report.id });
      assert.equal((await admin.client.post("/admin/abuse_reports/999999/resolve", {})).statusCode, 404);

      // The superadmin passes too; a deleted work is said to be gone.
      const boss = await loggedInUser(app, db, "boss", ["admin"]);
      const writer = new Client(app);
      await writer.logIn(login, "correct horse battery");
      await writer.get(`/works/${workId}/confirm_delete`);
      assert.equal((await writer.post(`/works/${workId}/delete`, {})).statusCode, 303);
      page = await boss.client.get(path);
      assert.equal(page.statusCode, 200);
      assertMatch(page.body, /The reported work has been deleted since\./);
      assertMatch(page.body, /Lamp Over Water/, "the snapshot outlives the work");
    } finally {
      await app.close();
    }
  });
});
