import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { FastifyInstance } from "fastify";
import { buildApp, jobSteps } from "../app.js";
import { drainJobs } from "../platform/jobs.js";
import { outboxFolder } from "../platform/mail.js";
import { downloadFileName } from "../downloads/index.js";
import { Client, testConfig } from "../../test/support/app.js";
import { eachDialect } from "../../test/support/db.js";
import { readZip } from "../../test/support/downloads.js";
import { epubcheck, epubcheckAvailable } from "../../test/support/epubcheck.js";
import { PASSWORD, seedLeaving } from "../../test/support/leaving.js";
import { requestTakeout, TAKEOUT_JOB, takeoutFolder } from "./takeout.js";

// The takeout: a zip of everything of a user's, built by a durable job, mailed as a link that
// works while logged in, until it expires. A second request while one is running returns it.

async function loggedIn(app: FastifyInstance, login: string): Promise<Client> {
  const client = new Client(app);
  assert.equal((await client.logIn(login, PASSWORD)).statusCode, 303, `${login} logs in`);
  return client;
}

function tempDataDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "fanfold-takeout-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test("a takeout holds every work (EPUB, HTML, TXT), bookmark, comment, reading and the profile; each EPUB passes epubcheck", async (t) => {
  const checkEpubs = epubcheckAvailable(t);
  await eachDialect(t, async (t, { db, url }) => {
    const dataDir = tempDataDir(t);
    const config = testConfig(url, { dataDir });
    const seed = await seedLeaving(db);
    const app = await buildApp(config, db);
    const writer = await loggedIn(app, "lampwright");

    const first = await writer.get("/users/lampwright/takeout");
    assert.equal(first.statusCode, 200);
    assert.match(first.body, /You have not asked for a takeout yet/);
    const asked = await writer.post("/users/lampwright/takeout", {});
    assert.equal(asked.statusCode, 303);
    assert.match((await writer.get("/users/lampwright/takeout")).body, /Your takeout is being built[\s\S]*waiting to be built/);
    // Asking again while it waits: the same takeout.
    await writer.post("/users/lampwright/takeout", {});
    const page = await writer.get("/users/lampwright/takeout");
    assert.match(page.body, /already being built/);
    assert.doesNotMatch(page.body, /Ask for a Takeout/, "no second button while one is running");
    assert.equal((await db.selectFrom("takeouts").select("id").execute()).length, 1);
    assert.equal((await db.selectFrom("jobs").select("id").where("kind", "=", TAKEOUT_JOB).execute()).length, 1);

    assert.equal(await drainJobs(db, jobSteps(config)), 1);
    const row = await db.selectFrom("takeouts").selectAll().executeTakeFirstOrThrow();
    assert.equal(row.state, "ready");
    assert.ok(row.file && existsSync(join(takeoutFolder(dataDir), row.file)), "the zip is in the data folder");
    assert.equal(readdirSync(takeoutFolder(dataDir)).filter((n) => n.endsWith(".tmp")).length, 0, "no temporary file left");
    const days = (Date.parse(row.expires_at!) - Date.parse(row.ready_at!)) / 86_400_000;
    assert.equal(days, 7);

    // The mail: a link to the download.
    const link = `/users/lampwright/takeout/${row.id}/download`;
    const mail = readFileSync(join(outboxFolder(dataDir), `takeout-${row.id}.eml`), "utf8");
    assert.match(mail, /Subject: \[Fanfold\] Your takeout is ready/);
    assert.ok(mail.replace(/=\r?\n/g, "").includes(`http://127.0.0.1:3000${link}`), "the mail links to the download");
    assert.match((await writer.get("/users/lampwright/takeout")).body, new RegExp(`Ready since[\\s\\S]*href="${link}"`));

    // Only its owner downloads it, logged in.
    const guest = new Client(app);
    assert.equal((await guest.get(link)).statusCode, 303, "a guest is sent to log in");
    const other = await loggedIn(app, "tidewatcher");
    assert.equal((await other.get(link)).statusCode, 403);
    assert.equal((await other.get(`/users/tidewatcher/takeout/${row.id}/download`)).statusCode, 404);
    const download = await writer.app.inject({ url: link, headers: { cookie: [...writer.cookies].map(([k, v]) => `${k}=${v}`).join("; ") } });
    assert.equal(download.statusCode, 200);
    assert.equal(download.headers["content-type"], "application/zip");
    assert.match(String(download.headers["content-disposition"]), /^attachment; filename="lampwright-takeout-\d{4}-\d{2}-\d{2}\.zip"$/);
    const entries = readZip(download.rawPayload);

    // Every item, by name.
    const { byMoth, byDefault, shared, draft, sharedDraft, othersWork } = seed.works;
    const titles = new Map([
      [byMoth, "Salt and Light"],
      [byDefault, "Fog Bell"],
      [shared, "Two Keepers"],
      [draft, "Unfinished Tide"],
      [sharedDraft, "Shared Draft"],
    ]);
    const expected = ["takeout/README.txt", "takeout/profile.json"];
    for (const [id, title] of [...titles].sort((a, b) => a[0] - b[0])) {
      const base = `takeout/works/${id}/${downloadFileName(title, id)}`;
      expected.push(`takeout/works/${id}/work.json`, `${base}.epub`, `${base}.html`, `${base}.txt`);
    }
    expected.push("takeout/bookmarks.json", "takeout/comments.json", "takeout/history.json");
    assert.deepEqual([...entries.keys()], expected);

    const json = (name: string) => JSON.parse(entries.get(`takeout/${name}`)!.toString("utf8"));
    const profile = json("profile.json");
    assert.equal(profile.format_version, 1);
    assert.equal(profile.user.login, "lampwright");
    assert.equal(profile.user.email, "lampwright@example.org");
    assert.deepEqual(profile.pseuds.map((p: any) => [p.name, p.default]), [["lampwright", true], ["Moth", false]]);
    assert.match(profile.pseuds[1].description_html, /<em>pseud<\/em>/);
    assert.deepEqual(profile.series.map((s: any) => [s.title, s.work_ids]), [["The Lamp Cycle", [byMoth, byDefault]]]);

    for (const [id, title] of titles) {
      const work = json(`works/${id}/work.json`);
      assert.equal(work.title, title);
      assert.equal(work.posted, id !== draft && id !== sharedDraft);
      assert.deepEqual(work.fandoms, ["Original Work"]);
      const base = `takeout/works/${id}/${downloadFileName(title, id)}`;
      assert.deepEqual(work.files, { epub: `${downloadFileName(title, id)}.epub`, html: `${downloadFileName(title, id)}.html`, txt: `${downloadFileName(title, id)}.txt` });
      assert.match(entries.get(`${base}.txt`)!.toString("utf8"), new RegExp(`^Work Header\\n\\n${title}\\n`), `${title}: the work-text file`);
      assert.match(entries.get(`${base}.html`)!.toString("utf8"), new RegExp(`The text of ${title}|The lamp turned`), `${title}: the HTML file`);
      assert.equal(entries.get(`${base}.epub`)!.subarray(30, 38).toString("latin1"), "mimetype", `${title}: an EPUB`);
    }
    assert.deepEqual(json(`works/${shared}/work.json`).creators.map((c: any) => c.login), ["lampwright", "tidewatcher"]);
    assert.deepEqual(json(`works/${byMoth}/work.json`).series.map((s: any) => [s.title, s.part]), [["The Lamp Cycle", 1]]);
    assert.equal(json(`works/${byMoth}/work.json`).chapters, 2);
    assert.match(entries.get(`takeout/works/${byMoth}/${downloadFileName("Salt and Light", byMoth)}.txt`)!.toString("utf8"), /By morning the sea was glass/);

    const bookmarks = json("bookmarks.json").bookmarks;
    assert.deepEqual(
      bookmarks.map((b: any) => [b.work.id, b.work.title, b.private, b.tags]),
      [
        [othersWork, "The Other Shore", true, ["winter", "shore"]],
        [byDefault, "Fog Bell", false, []],
      ],
    );
    assert.match(bookmarks[0].notes_html, /Read again in winter/);
    const comments = json("comments.json").comments;
    assert.equal(comments.length, 1);
    assert.equal(comments[0].id, seed.writerComment);
    assert.match(comments[0].content_html, /The shore, at last/);
    assert.equal(comments[0].work.title, "The Other Shore");
    const history = json("history.json");
    assert.equal(history.history_enabled, true);
    assert.deepEqual(history.readings.map((r: any) => [r.work.id, r.visits]), [[othersWork, 1]]);
    assert.match(entries.get("takeout/README.txt")!.toString("utf8"), /Takeout of lampwright from Fanfold/);

    if (checkEpubs) {
      const dir = tempDataDir(t);
      const epubs = [...entries].filter(([name]) => name.endsWith(".epub"));
      assert.equal(epubs.length, titles.size);
      // Two at a time: a JVM start each is most of the time.
      const check = async ([name, data]: [string, Buffer]) => {
        const path = join(dir, name.replaceAll("/", "_"));
        writeFileSync(path, data);
        const result = await epubcheck(path);
        assert.ok(result.ok, `${name} passes epubcheck:\n${result.messages.join("\n")}`);
      };
      const queue = [...epubs];
      await Promise.all([0, 1].map(async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await check(next);
      }));
    }

    // After its days the link stops working and the file goes.
    await db.updateTable("takeouts").set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where("id", "=", row.id).execute();
    assert.equal((await writer.get(link)).statusCode, 404);
    assert.match((await writer.get("/users/lampwright/takeout")).body, /has expired/);
    assert.equal(existsSync(join(takeoutFolder(dataDir), row.file!)), false, "the expired file is removed");
    assert.equal((await db.selectFrom("takeouts").select(["state", "file"]).where("id", "=", row.id).executeTakeFirstOrThrow()).state, "expired");
    // And a new one can be asked for.
    assert.equal((await requestTakeout(db, seed.writer.id)).created, true);
    await app.close();
  });
});

test("a second request while one is running returns the running one, even at once (race-free)", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const seed = await seedLeaving(db);
    const results = await Promise.all(Array.from({ length: 8 }, () => requestTakeout(db, seed.writer.id)));
    assert.equal(results.filter((r) => r.created).length, 1, "one request made it");
    assert.equal(new Set(results.map((r) => r.takeout.id)).size, 1, "the others got the same one");
    assert.equal((await db.selectFrom("jobs").select("id").where("kind", "=", TAKEOUT_JOB).execute()).length, 1, "one job");
    // Being built (claimed by a worker): still the one returned.
    await db.updateTable("takeouts").set({ state: "running" }).execute();
    const again = await requestTakeout(db, seed.writer.id);
    assert.deepEqual([again.created, again.takeout.id], [false, results[0]!.takeout.id]);
    // A job that gave up for good no longer holds the place.
    await db.updateTable("jobs").set({ state: "failed" }).execute();
    const fresh = await requestTakeout(db, seed.writer.id);
    assert.equal(fresh.created, true);
    assert.equal((await db.selectFrom("takeouts").select("state").where("id", "=", results[0]!.takeout.id).executeTakeFirstOrThrow()).state, "failed");
    // Another user's request is their own.
    assert.equal((await requestTakeout(db, seed.coCreator.id)).created, true);
  });
});

test("a takeout is not built for an account deleted in the meantime, and a deleted account's files go", async (t) => {
  await eachDialect(t, async (t, { db, url }) => {
    const dataDir = tempDataDir(t);
    const config = testConfig(url, { dataDir });
    const seed = await seedLeaving(db);
    await requestTakeout(db, seed.writer.id);
    assert.equal(await drainJobs(db, jobSteps(config)), 1);
    const file = (await db.selectFrom("takeouts").select("file").executeTakeFirstOrThrow()).file!;
    await requestTakeout(db, seed.writer.id);
    const app = await buildApp(config, db);
    const writer = await loggedIn(app, "lampwright");
    assert.equal((await writer.post("/users/lampwright/delete", { "delete[works]": "delete", "delete[password]": PASSWORD })).statusCode, 303);
    assert.equal(existsSync(join(takeoutFolder(dataDir), file)), false, "the ready zip went with the account");
    assert.equal(await drainJobs(db, jobSteps(config)), 1, "the queued job runs");
    assert.deepEqual(readdirSync(takeoutFolder(dataDir)), [], "and builds nothing");
    await app.close();
  });
});
