import { PassThrough, Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ZipFile } from "yazl";
import type { Db } from "../platform/db/index.js";
import type { UserRow } from "../platform/db/tables.js";
import type { Viewer } from "../platform/http/viewer.js";
import { t } from "../platform/i18n/index.js";
import { type Archive, type BookSource, downloadFileName, loadBookSource, writeEpub, writeHtml } from "../downloads/index.js";
import { exportWorkText } from "../transfer/index.js";
import { chapterPath, pseudPath, seriesPath, userPath, workPath } from "../model/paths.js";
import { creatorsOfWorks } from "../model/works.js";
import { rolesOf } from "../model/users.js";
import { workVisibility } from "../model/visibility.js";

/**
 * The takeout zip (docs/leaving.md describes its layout, which is a format we promise): everything
 * of a user's in one file, written as a stream. Each entry is produced only when the zip writer
 * reaches it (yazl's lazy entries): a work is loaded, turned into EPUB, HTML and work-text, and let
 * go before the next; bookmarks, comments and history are read a page at a time and written as
 * they come. Memory use therefore depends on the largest single work, not on the account's size.
 */

/** Bumped whenever a file's shape changes in a way a reader of older takeouts would notice. */
export const TAKEOUT_FORMAT_VERSION = 1;

/** Every path in the zip is inside this folder, so unzipping makes one folder. */
export const TAKEOUT_ROOT = "takeout";

const PAGE = 200;

/** Called after each work is written (the job's progress and heartbeat). */
export type WorkWritten = (workId: number) => Promise<void>;

/** A work's folder in the zip: `works/ID/`. */
export function workFolder(workId: number): string {
  return `${TAKEOUT_ROOT}/works/${workId}`;
}

/** The file names of a work's three formats, as its downloads are named (AO3's rule). */
export function workFiles(work: { id: number; title: string }): { epub: string; html: string; txt: string; json: string } {
  const base = `${workFolder(work.id)}/${downloadFileName(work.title, work.id)}`;
  return { epub: `${base}.epub`, html: `${base}.html`, txt: `${base}.txt`, json: `${workFolder(work.id)}/work.json` };
}

/** A JSON file written as it is read: an object whose one list is filled a page at a time. */
function jsonFile(head: Record<string, unknown>, listName: string, pages: () => AsyncGenerator<unknown[]>): () => Readable {
  return () =>
    Readable.from(
      (async function* () {
        const opening = JSON.stringify({ ...head, [listName]: [] }, null, 2);
        // `…"list": []\n}` opened up: the items go between the brackets.
        yield `${opening.slice(0, opening.lastIndexOf("[]"))}[`;
        let first = true;
        for await (const items of pages()) {
          if (items.length === 0) continue;
          const text = items.map((item) => `\n${JSON.stringify(item, null, 2).replace(/^/gm, "    ")}`).join(",");
          yield first ? text : `,${text}`;
          first = false;
        }
        yield first ? "]\n}\n" : "\n  ]\n}\n";
      })(),
      { objectMode: false },
    );
}

/** Keyset pages of a query ordered by id. */
async function* pagesById<T extends { id: number }>(fetch: (after: number) => Promise<T[]>): AsyncGenerator<T[]> {
  let after = 0;
  for (;;) {
    const rows = await fetch(after);
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1]!.id;
  }
}

/** What the zip says about a work another user may have made a draft or deleted since: its title only when this user may still see it. */
async function workRefs(db: Db, viewer: Viewer, workIds: number[], archive: Archive) {
  const ids = [...new Set(workIds)];
  const refs = new Map<number, { id: number; url: string; title: string | null; creators: string[] }>();
  if (ids.length === 0) return refs;
  const [rows, creators] = await Promise.all([db.selectFrom("works").selectAll().where("id", "in", ids).execute(), creatorsOfWorks(db, ids)]);
  for (const row of rows) {
    const byline = creators.get(row.id) ?? [];
    const visible = workVisibility(viewer, { ...row, creatorUserIds: [...new Set(byline.map((c) => c.userId))] }) === "yes";
    refs.set(row.id, { id: row.id, url: `${archive.publicUrl}${workPath(row.id)}`, title: visible ? row.title : null, creators: visible ? byline.map((c) => c.pseudName) : [] });
  }
  return refs;
}

function workJson(book: BookSource, archive: Archive) {
  const { work } = book;
  const tagsOf = (type: string) => book.tags.filter((tag) => tag.type === type).map((tag) => tag.name);
  return {
    format_version: TAKEOUT_FORMAT_VERSION,
    id: work.id,
    url: `${archive.publicUrl}${workPath(work.id)}`,
    title: work.title,
    creators: work.creators.map((c) => ({ pseud: c.pseudName, login: c.login, url: `${archive.publicUrl}${pseudPath(c.login, c.pseudName)}` })),
    posted: work.posted === 1,
    restricted: work.restricted === 1,
    language: work.language,
    rating: tagsOf("Rating"),
    warnings: tagsOf("ArchiveWarning"),
    categories: tagsOf("Category"),
    fandoms: tagsOf("Fandom"),
    relationships: tagsOf("Relationship"),
    characters: tagsOf("Character"),
    additional_tags: tagsOf("Freeform"),
    series: book.series.map((s) => ({ id: s.seriesId, title: s.title, part: s.part, url: `${archive.publicUrl}${seriesPath(s.seriesId)}` })),
    summary_html: work.summary,
    notes_html: work.notes,
    end_notes_html: work.endnotes,
    published_on: work.published_on,
    updated_at: work.revised_at,
    words: work.word_count,
    chapters: book.chapters.length,
    expected_chapters: work.expected_chapters,
    complete: work.complete === 1,
    stats: { kudos: work.kudos_count, hits: work.hits_count, comments: work.comments_count, bookmarks: work.bookmarks_count },
    files: Object.fromEntries(Object.entries(workFiles(work)).filter(([kind]) => kind !== "json").map(([kind, path]) => [kind, path.slice(workFolder(work.id).length + 1)])),
  };
}

function readme(user: UserRow, archive: Archive, builtAt: string): string {
  const lines = [
    t("leaving.takeout.readme.title", { login: user.login, site: archive.name }),
    t("leaving.takeout.readme.built", { date: builtAt }),
    "",
    t("leaving.takeout.readme.profile"),
    t("leaving.takeout.readme.works"),
    t("leaving.takeout.readme.bookmarks"),
    t("leaving.takeout.readme.comments"),
    t("leaving.takeout.readme.history"),
    "",
    t("leaving.takeout.readme.format", { version: TAKEOUT_FORMAT_VERSION }),
  ];
  return `${lines.join("\n")}\n`;
}

/**
 * Writes the user's takeout zip to `out`; resolves once all of it is written. `workWritten` is
 * awaited after each work (it may throw to stop the build, e.g. when the job's lock was lost).
 */
export async function writeTakeout(db: Db, user: UserRow, archive: Archive, out: Writable, workWritten: WorkWritten = async () => {}): Promise<void> {
  const viewer: Viewer = { user: { id: user.id, login: user.login, roles: await rolesOf(db, user.id) }, sessionId: null };
  const builtAt = new Date().toISOString();
  const zip = new ZipFile();
  const options = { mtime: new Date(builtAt) };
  const lazy = (path: string, open: () => Readable, compress = true) =>
    zip.addReadStreamLazy(path, { ...options, compress }, (callback) => {
      try {
        callback(null, open());
      } catch (error) {
        callback(error as Error, undefined as never);
      }
    });

  zip.addBuffer(Buffer.from(readme(user, archive, builtAt), "utf8"), `${TAKEOUT_ROOT}/README.txt`, options);
  lazy(`${TAKEOUT_ROOT}/profile.json`, () => Readable.from(profileJson(db, user, archive, builtAt)));

  // The works: their ids and titles now (a few bytes each), everything else when the writer gets there.
  const works = await db
    .selectFrom("works")
    .select(["id", "title"])
    .where("id", "in", db.selectFrom("work_creators").innerJoin("pseuds", "pseuds.id", "work_creators.pseud_id").select("work_creators.work_id").where("pseuds.user_id", "=", user.id))
    .orderBy("id")
    .execute();
  for (const work of works) {
    const files = workFiles(work);
    // Loaded by the work's first entry, used by the next three, let go by the last.
    let book: BookSource | undefined;
    const loaded = async () => {
      book ??= await loadBookSource(db, work.id);
      if (!book) throw new Error(`work ${work.id} disappeared while its takeout was written`);
      return book;
    };
    lazy(files.json, () => Readable.from((async function* () { yield `${JSON.stringify(workJson(await loaded(), archive), null, 2)}\n`; })()));
    // An EPUB is a zip already: stored, not compressed again.
    lazy(files.epub, () => streamed((pass) => loaded().then((b) => writeEpub(b, archive, pass))), false);
    lazy(files.html, () => streamed(async (pass) => {
      await writeHtml(await loaded(), archive, pass);
      pass.end();
    }));
    lazy(files.txt, () =>
      Readable.from(
        (async function* () {
          const text = await exportWorkText(db, work.id);
          book = undefined;
          yield Buffer.from(text ?? "", "utf8");
          await workWritten(work.id);
        })(),
      ),
    );
  }

  lazy(`${TAKEOUT_ROOT}/bookmarks.json`, jsonFile({ format_version: TAKEOUT_FORMAT_VERSION }, "bookmarks", () => bookmarkPages(db, viewer, user.id, archive)));
  lazy(`${TAKEOUT_ROOT}/comments.json`, jsonFile({ format_version: TAKEOUT_FORMAT_VERSION }, "comments", () => commentPages(db, viewer, user.id, archive)));
  const historyOn = await db.selectFrom("reading_preferences").select("history_enabled").where("user_id", "=", user.id).executeTakeFirst();
  lazy(
    `${TAKEOUT_ROOT}/history.json`,
    jsonFile({ format_version: TAKEOUT_FORMAT_VERSION, history_enabled: historyOn ? historyOn.history_enabled === 1 : true }, "readings", () => readingPages(db, viewer, user.id, archive)),
  );
  zip.end();
  await new Promise<void>((resolve, reject) => {
    zip.once("error", (error: Error) => {
      out.destroy(error);
      reject(error);
    });
    pipeline(zip.outputStream, out).then(resolve, reject);
  });
}

/** A stream that `fill` writes into; an error in `fill` ends it with that error. */
function streamed(fill: (pass: PassThrough) => Promise<void>): Readable {
  const pass = new PassThrough();
  fill(pass).catch((error: Error) => pass.destroy(error));
  return pass;
}

async function* profileJson(db: Db, user: UserRow, archive: Archive, builtAt: string): AsyncGenerator<string> {
  const pseuds = await db.selectFrom("pseuds").selectAll().where("user_id", "=", user.id).orderBy("is_default", "desc").orderBy("name_key").execute();
  const series = await db
    .selectFrom("series")
    .innerJoin("series_creators", "series_creators.series_id", "series.id")
    .innerJoin("pseuds", "pseuds.id", "series_creators.pseud_id")
    .select(["series.id", "series.title", "series.summary", "series.notes", "series.complete", "series.created_at", "series.updated_at"])
    .where("pseuds.user_id", "=", user.id)
    .distinct()
    .orderBy("series.id")
    .execute();
  const order = await db
    .selectFrom("serial_works")
    .select(["series_id", "work_id", "position"])
    .where("series_id", "in", series.length ? series.map((s) => s.id) : [0])
    .orderBy("series_id")
    .orderBy("position")
    .execute();
  const profile = {
    format_version: TAKEOUT_FORMAT_VERSION,
    archive: { name: archive.name, url: archive.publicUrl },
    built_at: builtAt,
    user: { login: user.login, url: `${archive.publicUrl}${userPath(user.login)}`, email: user.email, joined_at: user.created_at, profile_html: user.profile },
    pseuds: pseuds.map((p) => ({ name: p.name, default: p.is_default === 1, description_html: p.description, created_at: p.created_at, url: `${archive.publicUrl}${pseudPath(user.login, p.name)}` })),
    series: series.map((s) => ({
      id: s.id,
      url: `${archive.publicUrl}${seriesPath(s.id)}`,
      title: s.title,
      summary_html: s.summary,
      notes_html: s.notes,
      complete: s.complete === 1,
      created_at: s.created_at,
      updated_at: s.updated_at,
      work_ids: order.filter((o) => o.series_id === s.id).map((o) => o.work_id),
    })),
  };
  yield `${JSON.stringify(profile, null, 2)}\n`;
}

async function* bookmarkPages(db: Db, viewer: Viewer, userId: number, archive: Archive): AsyncGenerator<unknown[]> {
  const pages = pagesById((after) => db.selectFrom("bookmarks").selectAll().where("user_id", "=", userId).where("id", ">", after).orderBy("id").limit(PAGE).execute());
  for await (const rows of pages) {
    const ids = rows.map((r) => r.id);
    const [tags, works, series] = await Promise.all([
      db.selectFrom("bookmark_tags").select(["bookmark_id", "name"]).where("bookmark_id", "in", ids).orderBy("bookmark_id").orderBy("position").execute(),
      workRefs(db, viewer, rows.flatMap((r) => (r.work_id === null ? [] : [r.work_id])), archive),
      (async () => {
        const seriesIds = rows.flatMap((r) => (r.series_id === null ? [] : [r.series_id]));
        return seriesIds.length ? db.selectFrom("series").select(["id", "title"]).where("id", "in", seriesIds).execute() : [];
      })(),
    ]);
    yield rows.map((r) => ({
      id: r.id,
      created_at: r.created_at,
      updated_at: r.updated_at,
      private: r.private === 1,
      rec: r.rec === 1,
      notes_html: r.notes,
      tags: tags.filter((tag) => tag.bookmark_id === r.id).map((tag) => tag.name),
      work: r.work_id === null ? null : (works.get(r.work_id) ?? { id: r.work_id, url: `${archive.publicUrl}${workPath(r.work_id)}`, title: null, creators: [] }),
      series:
        r.series_id === null
          ? null
          : { id: r.series_id, url: `${archive.publicUrl}${seriesPath(r.series_id)}`, title: series.find((s) => s.id === r.series_id)?.title ?? null },
    }));
  }
}

async function* commentPages(db: Db, viewer: Viewer, userId: number, archive: Archive): AsyncGenerator<unknown[]> {
  const pages = pagesById((after) =>
    db
      .selectFrom("comments")
      .leftJoin("chapters", "chapters.id", "comments.chapter_id")
      .select(["comments.id as id", "comments.work_id", "comments.chapter_id", "comments.parent_id", "comments.content", "comments.deleted", "comments.unreviewed", "comments.created_at", "comments.edited_at", "chapters.position as chapter_position"])
      .where("comments.user_id", "=", userId)
      .where("comments.id", ">", after)
      .orderBy("comments.id")
      .limit(PAGE)
      .execute(),
  );
  for await (const rows of pages) {
    const works = await workRefs(db, viewer, rows.map((r) => r.work_id), archive);
    yield rows.map((r) => {
      const work = works.get(r.work_id);
      return {
        id: r.id,
        url: `${archive.publicUrl}/comments/${r.id}`,
        created_at: r.created_at,
        edited_at: r.edited_at,
        content_html: r.content,
        deleted: r.deleted === 1,
        awaiting_review: r.unreviewed === 1,
        reply_to: r.parent_id,
        work: work ?? { id: r.work_id, url: `${archive.publicUrl}${workPath(r.work_id)}`, title: null, creators: [] },
        chapter: r.chapter_id === null || !work?.title ? null : { id: r.chapter_id, position: r.chapter_position, url: `${archive.publicUrl}${chapterPath(r.work_id, r.chapter_id)}` },
      };
    });
  }
}

async function* readingPages(db: Db, viewer: Viewer, userId: number, archive: Archive): AsyncGenerator<unknown[]> {
  // Keyset over work ids (a user reads each work once in this table).
  const pages = pagesById(async (after) =>
    (await db.selectFrom("readings").selectAll().where("user_id", "=", userId).where("work_id", ">", after).orderBy("work_id").limit(PAGE).execute()).map((r) => ({ ...r, id: r.work_id })),
  );
  for await (const rows of pages) {
    const works = await workRefs(db, viewer, rows.map((r) => r.work_id), archive);
    yield rows.map((r) => ({
      work: works.get(r.work_id) ?? { id: r.work_id, url: `${archive.publicUrl}${workPath(r.work_id)}`, title: null, creators: [] },
      visits: r.view_count,
      last_visited_at: r.last_viewed_at,
      marked_for_later: r.marked_for_later === 1,
    }));
  }
}
