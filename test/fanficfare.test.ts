import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { readZip } from "../src/formats/epub-reader.js";
import { startServer, type RunningServer } from "./support/browser.js";
import { eachDialect } from "./support/db.js";
import { sharedFile } from "./support/shared.js";
import { AO3, fanficfarePython, type FanFicFareTool, runFanFicFare } from "./support/fanficfare.js";
import type { Db } from "../src/platform/db/index.js";
import { createPseud, createUser } from "../src/users/commands.js";
import { createWork } from "../src/works/commands.js";
import type { ChapterInput, WorkInput } from "../src/works/schema.js";
import { createSeries, addWorkToSeries } from "../src/series/commands.js";
import { createBookmark } from "../src/responses/commands.js";
import { leaveKudos } from "../src/responses/commands.js";
import { postComment } from "../src/comments/commands.js";
import { creatorName, findWork, tagsOfWork, chaptersOf, chaptersShown } from "../src/model/works.js";
import { membershipsOfWork } from "../src/model/series.js";
import { findLanguage } from "../src/model/languages.js";

/**
 * FanFicFare, the downloader most AO3 readers use, run for real (its copy in ../shared/tools,
 * through its driver that sends archiveofourown.org to this archive's port and refuses every
 * other host) against a served archive on each database. Each case is one FanFicFare process;
 * the metadata it reads (`-m -j`) must equal what the archive holds. `npm test` makes the Python
 * environment it needs in .test-data/fanficfare-venv.
 */

const PASSWORD = "reader password 1";

/** FanFicFare's `-m -j` JSON (it prints its failures instead, with status 0: those fail here). */
async function metadataOf(tool: FanFicFareTool, ini: "guest" | "member", url: string, extra: string[] = ["-m"]): Promise<Record<string, unknown>> {
  const { stdout, stderr } = await runFanFicFare(tool, `${ini}.ini`, [...extra, "-j", url]);
  const start = stdout.indexOf("{");
  if (start < 0) throw new Error(`FanFicFare gave no metadata for ${url}:\n${stdout}\n${stderr}`);
  try {
    return JSON.parse(stdout.slice(start)) as Record<string, unknown>;
  } catch {
    throw new Error(`FanFicFare's output for ${url} is not JSON:\n${stdout}\n${stderr}`);
  }
}

const EMPTY_WORK: Omit<WorkInput, "title" | "pseudIds"> = {
  rating: "General Audiences",
  warnings: ["No Archive Warnings Apply"],
  categories: ["Gen"],
  tags: { Fandom: ["Original Work"], Relationship: [], Character: [], Freeform: [] },
  language: "en",
  summary: "",
  notes: "",
  endnotes: "",
  restricted: false,
  commentPermission: "registered",
  expectedChapters: 1,
  publishedOn: null,
};

function chapter(content: string, fields: Partial<ChapterInput> = {}): ChapterInput {
  return { title: "", summary: "", notes: "", endnotes: "", content, ...fields };
}

interface Seeded {
  oneShot: number;
  multi: number;
  cjk: number;
  adult: number;
  restricted: number;
  seriesId: number;
  creatorLogin: string;
  readerLogin: string;
}

/** The archive the cases read: a writer with a second pseud, a co-writer, a reader; five works and a series. */
async function seed(server: RunningServer, db: Db): Promise<Seeded> {
  const user = async (login: string) => {
    const made = await createUser(db, { login, email: `${login}@example.com`, password: PASSWORD });
    if (!made.ok) throw new Error(`could not create ${login}`);
    const pseud = await db.selectFrom("pseuds").select("id").where("user_id", "=", made.value.id).executeTakeFirstOrThrow();
    return { userId: made.value.id, pseudId: pseud.id };
  };
  const writer = await user("lampwright");
  const moth = await createPseud(db, writer.userId, "Moth", "");
  if (!moth.ok) throw new Error("could not create the pseud Moth");
  const cowriter = await user("tidewater");
  const reader = await user("shellreader");

  const post = async (input: Partial<WorkInput> & { title: string; pseudIds: number[] }, chapters: ChapterInput[], revisedOn?: string) =>
    (await createWork(db, { ...EMPTY_WORK, ...input }, chapters, { draft: false, revisedOn })).workId;

  const oneShot = await post(
    {
      title: "The Lamp at Hollow Point",
      pseudIds: [writer.pseudId],
      rating: "Teen And Up Audiences",
      categories: ["F/F"],
      tags: { Fandom: ["Original Work"], Relationship: ["Mira Okonkwo/The Lighthouse Keeper"], Character: ["Mira Okonkwo", "The Lighthouse Keeper"], Freeform: ["Storms", "Found Family"] },
      summary: "<p>A keeper, a storm, a long night.</p>",
      notes: "<p>Written for the lighthouse week.</p>",
      endnotes: "<p>Thank you for reading.</p>",
    },
    [chapter("<p>The lamp turned all night.</p><p>By morning the sea was glass.</p>")],
  );
  const multi = await post(
    {
      title: "Salt Roads",
      pseudIds: [moth.value.id, cowriter.pseudId],
      rating: "Mature",
      warnings: ["Major Character Death"],
      categories: ["Gen", "Multi"],
      tags: { Fandom: ["Original Work", "Sea Shanties (Traditional)"], Relationship: [], Character: ["The Cartographer"], Freeform: ["Road Trip", "Maps"] },
      summary: "<p>Three roads, <em>one</em> map.</p>",
      notes: "<p>Work notes at the start.</p>",
      endnotes: "<p>Work notes at the end.</p>",
      expectedChapters: 4,
      publishedOn: "2021-03-04",
    },
    [
      chapter("<p>The first road ran north along the cliffs.</p>", { title: "North", summary: "<p>Chapter one's summary.</p>", notes: "<p>Chapter one's notes.</p>", endnotes: "<p>Chapter one's end notes.</p>" }),
      chapter("<p>The second road ran east into the salt flats.</p>", { title: "East", summary: "<p>Chapter two's summary.</p>" }),
      chapter("<p>The third road had no name and no end.</p>", { title: "Nowhere" }),
    ],
    "2022-05-06",
  );
  const cjk = await post(
    { title: "潮騒の灯台", pseudIds: [writer.pseudId], language: "ja", tags: { Fandom: ["オリジナル作品"], Relationship: [], Character: ["灯台守"], Freeform: ["海"] } },
    [chapter("<p>灯台の光は一晩中回り続けた。朝になると海は鏡のように静かだった。</p>")],
  );
  const adult = await post(
    {
      title: "After the Tide",
      pseudIds: [writer.pseudId],
      rating: "Explicit",
      warnings: ["Graphic Depictions Of Violence"],
      categories: ["M/M", "F/M"],
      tags: { Fandom: ["Original Work"], Relationship: [], Character: [], Freeform: ["Explicit Sexual Content"] },
      summary: "<p>Not for younger readers.</p>",
    },
    [chapter("<p>They met again when the tide went out.</p>")],
  );
  const restricted = await post(
    { title: "Members Only Lighthouse", pseudIds: [writer.pseudId], restricted: true, summary: "<p>For the archive's members.</p>" },
    [chapter("<p>Only registered readers see this lamp.</p>")],
  );

  const seriesId = await db.transaction().execute(async (trx) => {
    const id = await createSeries(trx, [moth.value.id], "Tides");
    await addWorkToSeries(trx, id, multi, null);
    await addWorkToSeries(trx, id, cjk, null);
    return id;
  });

  // Readers' responses, through the same commands the forms use; hits through the app's counter.
  for (const id of [oneShot, multi, cjk]) await leaveKudos(db, id, { userId: reader.userId });
  await leaveKudos(db, multi, { guestIp: "192.0.2.7" });
  await createBookmark(db, reader.userId, multi, { notes: "", tags: [], private: false, rec: true });
  for (const id of [oneShot, cjk]) {
    const work = (await findWork(db, id))!;
    await postComment(db, {
      workId: id,
      creatorUserIds: work.creatorUserIds,
      chapterId: null,
      parent: null,
      author: { userId: reader.userId },
      input: { content: "<p>A reader's comment, which is no summary.</p>", guest: null, token: null },
      held: false,
    });
  }
  for (const [i, visitor] of ["a", "b", "c"].entries()) for (const id of [oneShot, multi, adult].slice(i)) server.app.hits.note(id, `seed:${visitor}`);
  await server.app.hits.flush();
  return { oneShot, multi, cjk, adult, restricted, seriesId, creatorLogin: "lampwright", readerLogin: "shellreader" };
}

/** What the archive holds for a work, in the names and forms FanFicFare's metadata uses. */
async function archiveMetadata(db: Db, id: number): Promise<Record<string, unknown>> {
  const work = (await findWork(db, id))!;
  const tags = await tagsOfWork(db, id);
  const chapters = chaptersShown(work, await chaptersOf(db, id));
  const named = (type: string) => tags.filter((tag) => tag.type === type).map((tag) => tag.name).sort();
  const series = await membershipsOfWork(db, id);
  const posted = chapters.length;
  const expected: Record<string, unknown> = {
    title: work.title,
    author: work.creators.map(creatorName),
    authorUrl: work.creators.map((c) => `${AO3}/users/${c.login}/pseuds/${c.pseudName}`),
    rating: named("Rating").join(", "),
    warnings: named("ArchiveWarning"),
    ao3categories: named("Category"),
    fandoms: named("Fandom"),
    ships: named("Relationship"),
    characters: named("Character"),
    freeformtags: named("Freeform"),
    language: findLanguage(work.language)?.name,
    numWords: work.word_count,
    numChapters: posted,
    chapterslashtotal: `${posted}/${work.expected_chapters ?? "?"}`,
    status: work.expected_chapters === posted ? "Completed" : "In-Progress",
    datePublished: work.published_on.slice(0, 10),
    dateUpdated: posted > 1 || work.expected_chapters !== 1 ? work.revised_at.slice(0, 10) : work.published_on.slice(0, 10),
    kudos: work.kudos_count,
    hits: work.hits_count,
    bookmarks: work.bookmarks_count,
    comments: work.comments_count,
    restricted: work.restricted ? "Restricted" : undefined,
    description: work.summary ? work.summary.replace(/<[^>]+>/g, "") : undefined,
    series: series[0] ? `${series[0].title} [${series[0].position}]` : undefined,
    seriesUrl: series[0] ? `${AO3}/series/${series[0].seriesId}` : undefined,
    // As the chapter index names them ("2. East"); a one-shot's only chapter takes the work's title.
    chapterTitles: posted > 1 ? chapters.map((c) => `${c.position}. ${c.title || `Chapter ${c.position}`}`) : [work.title],
  };
  return expected;
}

/** FanFicFare's metadata in the same shape: lists as lists, counts as numbers, text without markup. */
function asRead(meta: Record<string, unknown>): Record<string, unknown> {
  const list = (key: string) => {
    const value = meta[key];
    if (value === undefined || value === "") return [];
    return Array.isArray(value) ? value : String(value).split(", ");
  };
  // Tags in any order (the page has its own); creators in byline order.
  const tagList = (key: string) => [...list(key)].sort();
  const count = (key: string) => (meta[key] === undefined || meta[key] === "" ? 0 : Number(String(meta[key]).replace(/,/g, "")));
  const text = (key: string) => (meta[key] ? String(meta[key]).replace(/<[^>]+>/g, "").trim() || undefined : undefined);
  const date = (key: string) => (meta[key] ? String(meta[key]).slice(0, 10) : undefined);
  const zchapters = (meta.zchapters as [number, { title: string }][] | undefined) ?? [];
  return {
    title: meta.title,
    author: list("author"),
    authorUrl: list("authorUrl"),
    rating: meta.rating,
    warnings: tagList("warnings"),
    ao3categories: tagList("ao3categories"),
    fandoms: tagList("fandoms"),
    ships: tagList("ships"),
    characters: tagList("characters"),
    freeformtags: tagList("freeformtags"),
    language: meta.language,
    numWords: count("numWords"),
    numChapters: count("numChapters"),
    chapterslashtotal: meta.chapterslashtotal,
    status: meta.status,
    datePublished: date("datePublished"),
    dateUpdated: date("dateUpdated"),
    kudos: count("kudos"),
    hits: count("hits"),
    bookmarks: count("bookmarks"),
    comments: count("comments"),
    restricted: meta.restricted || undefined,
    description: text("description"),
    series: meta.series || undefined,
    seriesUrl: meta.seriesUrl || undefined,
    chapterTitles: zchapters.map(([, c]) => c.title),
  };
}

/** The text of every XHTML file in an EPUB (a ZIP). */
function epubText(path: string): string {
  const zip = readZip(readFileSync(path));
  return zip.names.filter((name) => /\.x?html$/.test(name)).map((name) => zip.read(name)!.toString("utf8")).join("");
}

test("FanFicFare downloads every kind of work, a series and a user's works, and reads the archive's metadata", { timeout: 600_000 }, async (t) => {
  const driver = sharedFile(t, "tools/fanficfare/ff_driver.py", "the FanFicFare test");
  if (!driver) return;
  const python = fanficfarePython(t, "The FanFicFare test");
  if (!python) return;
  await eachDialect(t, async (t, testDb) => {
    const server = await startServer(testDb);
    const dir = mkdtempSync(join(tmpdir(), "fanfold-fff-"));
    try {
      const s = await seed(server, testDb.db);
      // slow_down_sleep_time: FanFicFare waits 4 s between AO3 requests to spare AO3; not this archive.
      const common = `[defaults]\nis_adult:true\nnever_make_cover:true\n[archiveofourown.org]\nslow_down_sleep_time:0\n`;
      writeFileSync(join(dir, "guest.ini"), common);
      writeFileSync(join(dir, "member.ini"), `${common}username:${s.readerLogin}\npassword:${PASSWORD}\nalways_login:true\n`);
      const tool: FanFicFareTool = { python, driver, dir, port: new URL(server.baseUrl).port };

      const cases: [string, number, "guest" | "member"][] = [
        ["a one-shot", s.oneShot, "guest"],
        ["a multi-chapter work with chapter titles, summaries and notes", s.multi, "guest"],
        ["a work in Japanese", s.cjk, "guest"],
        ["an Explicit work", s.adult, "guest"],
        ["a registered-only work, after logging in", s.restricted, "member"],
      ];
      const failures: string[] = [];
      const check = async (label: string, body: () => Promise<void>) => {
        try {
          await body();
        } catch (error) {
          failures.push(`${label}: ${(error as Error).message}`);
        }
      };

      // The works, each read by one FanFicFare process, side by side. What the archive holds is
      // read first, with every hit so far written: a process's own hit on its work is counted
      // only after the page it reads was made, and no other process reads that work.
      await server.app.hits.flush();
      const expected = await Promise.all(cases.map(([, id]) => archiveMetadata(testDb.db, id)));
      await Promise.all(
        cases.map(([label, id, ini], i) =>
          check(label, async () => {
            assert.deepEqual(asRead(await metadataOf(tool, ini, `${AO3}/works/${id}`)), expected[i], label);
          }),
        ),
      );

      // The listings: a series (its works in order, its name); a user's works as a guest sees
      // them (the registered-only work is not among them); a reader's bookmarks. FanFicFare lists
      // the longest link it saw to each work (a blurb's "/works/ID/bookmarks" count, say), so
      // those are compared by work id.
      const listedWorks = async (path: string) => {
        const { stdout } = await runFanFicFare(tool, "guest.ini", ["-l", `${AO3}${path}`]);
        return stdout.trim().split("\n").filter(Boolean).map((url) => Number(/^https:\/\/archiveofourown\.org\/works\/(\d+)/.exec(url)?.[1] ?? url)).sort((a, b) => a - b);
      };
      // EPUBs: the multi-chapter work carries every chapter's text and the notes; the Japanese
      // one-shot its text (a one-shot's chapter page is read the same way as any other).
      const epub = (id: number, name: string, lines: string[]) =>
        check(`the EPUB ${name}`, async () => {
          await runFanFicFare(tool, "guest.ini", ["-f", "epub", "-o", `output_filename=${name}`, `${AO3}/works/${id}`]);
          const text = epubText(join(dir, name)).replace(/&#8217;|’/g, "'");
          for (const line of lines) assert.ok(text.includes(line), `${name} has "${line}"`);
        });
      await Promise.all([
        check("the series listing", async () => {
          const listed = JSON.parse((await runFanFicFare(tool, "guest.ini", ["-j", "-l", `${AO3}/series/${s.seriesId}`])).stdout) as { urllist: string[]; name?: string };
          assert.deepEqual(listed.urllist, [`${AO3}/works/${s.multi}`, `${AO3}/works/${s.cjk}`], "the series' works, in order");
          assert.equal(listed.name, "Tides", "the series' name");
        }),
        check("the user's works listing", async () => {
          assert.deepEqual(await listedWorks(`/users/${s.creatorLogin}/works`), [s.oneShot, s.multi, s.cjk, s.adult].sort((a, b) => a - b));
        }),
        check("the reader's bookmarks listing", async () => {
          assert.deepEqual(await listedWorks(`/users/${s.readerLogin}/bookmarks`), [s.multi]);
        }),
        epub(s.multi, "salt-roads.epub", [
          "The first road ran north along the cliffs.",
          "The second road ran east into the salt flats.",
          "The third road had no name and no end.",
          "Chapter one's summary.",
          "Chapter one's end notes.",
          "Work notes at the start.",
          "Work notes at the end.",
        ]),
        epub(s.cjk, "cjk.epub", ["灯台の光は一晩中回り続けた。朝になると海は鏡のように静かだった。"]),
      ]);
      assert.deepEqual(failures, [], `FanFicFare on ${testDb.dialect}:\n${failures.join("\n\n")}`);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
