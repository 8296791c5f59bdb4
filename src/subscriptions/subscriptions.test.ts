import assert from "node:assert/strict";
import { test } from "node:test";
import { appWithUser, assertMatch, Client, testConfig, loggedInUser } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { dataFolder, outbox } from "../../test/support/outbox.js";
import { makeCreator, makeWork } from "../../test/support/factories.js";
import { jobSteps } from "../app.js";
import type { Db } from "../platform/db/index.js";
import { claimJob, drainJobs, runJob } from "../platform/jobs.js";
import { addWorkToSeries, createSeries, deleteSeries } from "../series/commands.js";
import { addChapter, createWork, postDraft } from "../works/commands.js";
import { SUBSCRIPTION_MAIL } from "./commands.js";
import { setSubscriptionMailBatchSize } from "./mail-job.js";

const reader = loggedInUser;

const rows = (db: Db) => db.selectFrom("subscriptions").selectAll().orderBy("id").execute();
const chapter = (n: number) => ({ title: `Part ${n}`, summary: "", notes: "", endnotes: "", content: `<p>Chapter ${n} words here.</p>` });

const recipientsOf = (mails: { body: string }[]) => mails.map((m) => /^To: (.*)$/m.exec(m.body)?.[1]).sort();

test("subscriptions: subscribe and unsubscribe from work and user pages; double submits, own works, drafts and other people's lists refused", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { app, pseudId, login, password } = await appWithUser(db, url);
    const workId = await makeWork(db, pseudId, { title: "Followed Work" });
    const draftId = await makeWork(db, pseudId, { title: "Secret Draft", draft: true });
    const { client: ana, userId: anaId } = await reader(app, db, "ana");

    let page = await ana.get(`/works/${workId}`);
    assertMatch(page.body, /<form method="post" action="\/users\/ana\/subscriptions" class="subscribe">/);
    const form = { "subscription[subscribable_type]": "Work", "subscription[subscribable_id]": String(workId), return_to: `/works/${workId}` };
    let res = await ana.post("/users/ana/subscriptions", form);
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `/works/${workId}`);
    page = await ana.get(`/works/${workId}`);
    assertMatch(page.body, /You are now following Followed Work\./);
    assertMatch(page.body, /action="\/users\/ana\/subscriptions\/\d+\/delete"[^>]*>.*<button type="submit">Unsubscribe<\/button>/s);
    // The second click: still one subscription, and a message rather than an error.
    res = await ana.post("/users/ana/subscriptions", form);
    assert.equal(res.statusCode, 303);
    assertMatch((await ana.get(`/works/${workId}`)).body, /You are already following Followed Work\./);
    assert.equal((await rows(db)).length, 1);

    // The user's profile offers Subscribe too.
    page = await ana.get(`/users/${login}`);
    assertMatch(page.body, /name="subscription\[subscribable_type\]" value="user"/);
    const writer = await db.selectFrom("users").select("id").where("login", "=", login).executeTakeFirstOrThrow();
    res = await ana.post("/users/ana/subscriptions", { "subscription[subscribable_type]": "User", "subscription[subscribable_id]": String(writer.id), return_to: `/users/${login}` });
    assert.equal(res.statusCode, 303);
    assertMatch((await ana.get(`/users/${login}`)).body, new RegExp(`You are now following ${login}\\.`));

    // Not to a draft (not found, as the draft itself is), not to one's own work or oneself.
    res = await ana.post("/users/ana/subscriptions", { "subscription[subscribable_type]": "Work", "subscription[subscribable_id]": String(draftId) });
    assert.equal(res.statusCode, 404);
    const creator = new Client(app);
    await creator.logIn(login, password);
    assert.doesNotMatch((await creator.get(`/works/${workId}`)).body, /class="subscribe"/);
    res = await creator.post(`/users/${login}/subscriptions`, { "subscription[subscribable_type]": "Work", "subscription[subscribable_id]": String(workId) });
    assert.equal(res.statusCode, 403);
    res = await ana.post("/users/ana/subscriptions", { "subscription[subscribable_type]": "Tag", "subscription[subscribable_id]": "1" });
    assert.equal(res.statusCode, 422);
    assert.equal((await rows(db)).length, 2);

    // The list is the owner's alone; someone else's ids are refused whichever URL they use.
    page = await ana.get("/users/ana/subscriptions");
    assertMatch(page.body, /<a href="\/works\/\d+">Followed Work<\/a>/);
    assertMatch(page.body, new RegExp(`<a href="/users/${login}">${login}</a>`));
    const { client: ben } = await reader(app, db, "ben");
    assert.equal((await ben.get("/users/ana/subscriptions")).statusCode, 403);
    const anas = await rows(db);
    assert.equal((await ben.post(`/users/ana/subscriptions/${anas[0]!.id}/delete`, {})).statusCode, 403);
    assert.equal((await ben.post(`/users/ben/subscriptions/${anas[0]!.id}/delete`, {})).statusCode, 404);
    // Nor can anyone subscribe someone else.
    assert.equal((await ben.post("/users/ana/subscriptions", form)).statusCode, 403);
    assert.equal((await rows(db)).length, 2);

    // Unsubscribe from the list.
    res = await ana.post(`/users/ana/subscriptions/${anas[0]!.id}/delete`, { return_to: "/users/ana/subscriptions" });
    assert.equal(res.statusCode, 303);
    page = await ana.get("/users/ana/subscriptions");
    assertMatch(page.body, /You have successfully unsubscribed from Followed Work\./);
    assert.deepEqual((await rows(db)).map((r) => [r.user_id, r.kind]), [[anaId, "user"]]);
    await app.close();
  });
});

test("subscriptions: a new chapter or work mails its followers once each, from a durable job; the email's link unsubscribes without logging in", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const dataDir = dataFolder(t);
    const config = testConfig(url, { dataDir, publicUrl: "https://archive.example" });
    const { app, pseudId, login } = await appWithUser(db, url);
    const workId = await makeWork(db, pseudId, { title: "Tides <& Storms>" });
    const { client: ana } = await reader(app, db, "ana");
    const { client: dan } = await reader(app, db, "dan");
    const writer = await db.selectFrom("users").select("id").where("login", "=", login).executeTakeFirstOrThrow();
    const { pseudId: otherPseud } = await makeCreator(db, "other");
    const otherWork = await makeWork(db, otherPseud, { title: "Nobody Follows" });
    // ana follows the work and its writer (one email, naming the work); dan only the writer.
    await ana.post("/users/ana/subscriptions", { "subscription[subscribable_type]": "work", "subscription[subscribable_id]": String(workId) });
    await ana.post("/users/ana/subscriptions", { "subscription[subscribable_type]": "user", "subscription[subscribable_id]": String(writer.id) });
    await dan.post("/users/dan/subscriptions", { "subscription[subscribable_type]": "user", "subscription[subscribable_id]": String(writer.id) });

    // A post nobody follows queues nothing; a followed one queues its job with the chapter.
    await addChapter(db, otherWork, chapter(2));
    assert.equal((await db.selectFrom("jobs").select("id").where("kind", "=", SUBSCRIPTION_MAIL).execute()).length, 0);
    await addChapter(db, workId, chapter(2));
    assert.equal((await db.selectFrom("jobs").select("id").where("kind", "=", SUBSCRIPTION_MAIL).execute()).length, 1);
    assert.deepEqual(outbox(dataDir), [], "nothing is sent in the request; the job sends");

    assert.equal(await drainJobs(db, jobSteps(config)), 1);
    let mails = outbox(dataDir);
    assert.deepEqual(recipientsOf(mails), ["ana@example.com", "dan@example.com"]);
    const toAna = mails.find((m) => m.body.includes("To: ana@example.com"))!.body;
    assertMatch(toAna, new RegExp(`^Subject: \\[Fanfold\\] ${login} posted Chapter 2: Part 2 of Tides <& Storms>$`, "m"), "subject");
    assertMatch(toAna, /because you subscribed to Tides <& Storms>\./, "ana's reason is the work");
    assertMatch(toAna, /https:\/\/archive\.example\/works\/\d+\/chapters\/\d+/);
    assertMatch(toAna, /<p>[^<]*Tides &lt;&amp; Storms>/, "the HTML part escapes titles");
    assertMatch(toAna, /^List-Unsubscribe: <https:\/\/archive\.example\/subscriptions\/unsubscribe\/[A-Za-z0-9_-]+>$/m);
    const toDan = mails.find((m) => m.body.includes("To: dan@example.com"))!.body;
    assertMatch(toDan, new RegExp(`because you subscribed to ${login}\\.`));

    // The writer's new work reaches both (their user subscriptions); drafts wait until posted.
    const draftId = await makeWork(db, pseudId, { title: "Later", draft: true });
    await addChapter(db, draftId, chapter(2));
    assert.equal(await drainJobs(db, jobSteps(config)), 0, "a draft and its chapters mail nobody");
    await postDraft(db, draftId);
    assert.equal(await drainJobs(db, jobSteps(config)), 1);
    mails = outbox(dataDir);
    assert.equal(mails.length, 4);
    assert.equal(mails.filter((m) => /^Subject: .* posted Later$/m.test(m.body)).length, 2);

    // The email's link, as a guest in another browser: a question first (GET changes nothing).
    const link = /^List-Unsubscribe: <https:\/\/archive\.example(\/subscriptions\/unsubscribe\/[^>]+)>$/m.exec(toDan)![1]!;
    const guest = new Client(app);
    let page = await guest.get(link);
    assert.equal(page.statusCode, 200);
    assertMatch(page.body, new RegExp(`Stop the emails about ${login}\\?`));
    assert.equal((await rows(db)).length, 3);
    const res = await guest.post(link, {});
    assert.equal(res.statusCode, 200);
    assertMatch(res.body, new RegExp(`You have been unsubscribed from ${login}\\.`));
    assert.equal((await rows(db)).length, 2);
    page = await guest.get(link);
    assert.equal(page.statusCode, 404);
    assertMatch(page.body, /This unsubscribe link is not valid any more/);

    // Deleting the work ends the subscriptions to it.
    const creator = new Client(app);
    await creator.logIn(login, "correct horse battery");
    await creator.get(`/works/${workId}/confirm_delete`);
    assert.equal((await creator.post(`/works/${workId}/delete`, {})).statusCode, 303);
    assert.deepEqual((await rows(db)).map((r) => r.kind), ["user"]);
    await app.close();
  });
});

test("subscriptions: the mail job works in batches and a restart mails nobody twice", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const dataDir = dataFolder(t);
    const config = testConfig(url, { dataDir });
    const { app, pseudId } = await appWithUser(db, url);
    const workId = await makeWork(db, pseudId);
    for (const name of ["r1", "r2", "r3", "r4", "r5"]) {
      const { client } = await reader(app, db, name);
      await client.post(`/users/${name}/subscriptions`, { "subscription[subscribable_type]": "work", "subscription[subscribable_id]": String(workId) });
    }
    setSubscriptionMailBatchSize(2);
    t.after(() => setSubscriptionMailBatchSize(50));
    await addChapter(db, workId, chapter(2));
    // The first worker stops after one batch (a shutdown), leaving the job to the next.
    const job = await claimJob(db);
    assert.ok(job);
    let batches = 0;
    assert.equal(await runJob(db, job, jobSteps(config)[SUBSCRIPTION_MAIL]!, () => ++batches >= 1), "paused");
    assert.equal(outbox(dataDir).length, 2);
    // A crash right after a batch was sent but before its cursor moved: the next run resends it.
    await db.updateTable("jobs").set({ cursor: 0, done_count: 0 }).where("id", "=", job.id).execute();
    assert.equal(await drainJobs(db, jobSteps(config)), 1);
    const mails = outbox(dataDir);
    assert.deepEqual(recipientsOf(mails), ["r1@example.com", "r2@example.com", "r3@example.com", "r4@example.com", "r5@example.com"]);
    const row = await db.selectFrom("jobs").select(["state", "done_count"]).where("id", "=", job.id).executeTakeFirstOrThrow();
    assert.deepEqual(row, { state: "done", done_count: 5 });
    await app.close();
  });
});

test("subscriptions: following a series brings its new works and chapters; its page offers Subscribe; deleting it ends the subscriptions", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const dataDir = dataFolder(t);
    const config = testConfig(url, { dataDir });
    const { app, pseudId } = await appWithUser(db, url);
    const first = await makeWork(db, pseudId, { title: "Part One" });
    const seriesId = await db.transaction().execute(async (trx) => {
      const id = await createSeries(trx, [pseudId], "The Long Tide");
      await addWorkToSeries(trx, id, first, null);
      return id;
    });
    const { client: ana } = await reader(app, db, "ana");
    const page = await ana.get(`/series/${seriesId}`);
    assertMatch(page.body, /name="subscription\[subscribable_type\]" value="series"/);
    const res = await ana.post("/users/ana/subscriptions", { "subscription[subscribable_type]": "Series", "subscription[subscribable_id]": String(seriesId), return_to: `/series/${seriesId}` });
    assert.equal(res.statusCode, 303);
    assertMatch((await ana.get(`/series/${seriesId}`)).body, /You are now following The Long Tide\./);
    assertMatch((await ana.get("/users/ana/subscriptions?type=series")).body, new RegExp(`<a href="/series/${seriesId}">The Long Tide</a>`));

    // A new work posted into the series, and a chapter of a work in it, each mail ana once.
    const input = {
      title: "Part Two", pseudIds: [pseudId], rating: "General Audiences", warnings: ["No Archive Warnings Apply"], categories: [],
      tags: { Fandom: ["Original Work"], Relationship: [], Character: [], Freeform: [] }, language: "en", summary: "", notes: "", endnotes: "",
      restricted: false, commentPermission: "registered" as const, expectedChapters: 1, publishedOn: null,
    };
    await createWork(db, input, [chapter(1)], { draft: false, series: { choice: { kind: "existing", seriesId, position: null }, creatorPseudIds: [pseudId] } });
    await addChapter(db, first, chapter(2));
    assert.equal(await drainJobs(db, jobSteps(config)), 2);
    const mails = outbox(dataDir);
    assert.deepEqual(recipientsOf(mails), ["ana@example.com", "ana@example.com"]);
    assert.ok(mails.every((m) => /because you subscribed to the series The Long Tide\./.test(m.body)));
    assert.ok(mails.some((m) => /^Subject: .* posted Part Two$/m.test(m.body)));

    await deleteSeries(db, seriesId);
    assert.equal((await rows(db)).length, 0);
    await app.close();
  });
});
