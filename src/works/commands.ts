import type { Db, DbOrTrx } from "../platform/db/index.js";
import { nowIso, todayIso } from "../platform/db/index.js";
import { countWords } from "../platform/text/word-count.js";
import { appendChange } from "../platform/changes.js";
import { dropSubscriptionsTo, queueSubscriptionMail } from "../subscriptions/index.js";
import { canonizeNewTags, findOrCreateTag, refreshFilterSets } from "../tags/index.js";
import { indexChapterText, indexWorkFields, unindexChapters, unindexWork } from "../search/index.js";
import { pseudRefs } from "../model/users.js";
import { joinSeries, removeWorkFromAllSeries } from "../series/index.js";
import { seriesTitlesOfWork } from "../model/series.js";
import type { SeriesChoice } from "../series/index.js";
import { creatorsSortKey, titleSortKey } from "../model/sort-keys.js";
import { fixedTags } from "../model/tags.js";
import { USER_TAG_TYPES } from "../model/vocabulary.js";
import type { ChapterInput, WorkInput, WorkTagInput } from "./schema.js";
import { chaptersShown, creatorsOfWorks } from "../model/works.js";
import { creatorsAfterEdit } from "./cocreators.js";
import { announceAssociations, dropAssociations, saveAssociations } from "./associations.js";
import { checkForSpam } from "../model/spam.js";

/** Replaces a work's creators with these pseuds, in this order. */
async function setCreators(trx: DbOrTrx, workId: number, pseudIds: number[]): Promise<void> {
  await trx.deleteFrom("work_creators").where("work_id", "=", workId).execute();
  await trx
    .insertInto("work_creators")
    .values(pseudIds.map((pseud_id, position) => ({ work_id: workId, pseud_id, position })))
    .execute();
  const pseuds = await pseudRefs(trx, pseudIds);
  const names = pseudIds.map((id) => pseuds.get(id)?.name ?? "");
  await trx.updateTable("works").set({ creators_sort: creatorsSortKey(names) }).where("id", "=", workId).execute();
}

/**
 * Replaces a work's tags: the fixed ones by name, the free ones found or created (unwrangled).
 * Positions keep the order a work displays them in.
 */
async function setTags(trx: DbOrTrx, workId: number, input: WorkTagInput): Promise<void> {
  const ids: number[] = [];
  const [ratings, warnings, categories] = await Promise.all([fixedTags(trx, "Rating"), fixedTags(trx, "ArchiveWarning"), fixedTags(trx, "Category")]);
  ids.push(ratings.get(input.rating)!);
  for (const name of input.warnings) ids.push(warnings.get(name)!);
  for (const name of input.categories) ids.push(categories.get(name)!);
  for (const type of USER_TAG_TYPES) {
    for (const name of input.tags[type]) ids.push(await findOrCreateTag(trx, name, type));
  }
  const unique = [...new Set(ids)];
  await trx.deleteFrom("work_tags").where("work_id", "=", workId).execute();
  await trx
    .insertInto("work_tags")
    .values(unique.map((tag_id, position) => ({ work_id: workId, tag_id, position })))
    .execute();
  await refreshFilterSets(trx, [workId]);
  await canonizeNewTags(trx, workId);
}

/**
 * Recomputes what a work derives from its chapters: the word count (posted chapters; all of
 * them for a draft) and whether it is complete (as many posted chapters as expected).
 */
export async function refreshWorkStats(trx: DbOrTrx, workId: number): Promise<void> {
  const work = await trx.selectFrom("works").select(["posted", "expected_chapters"]).where("id", "=", workId).executeTakeFirstOrThrow();
  const chapters = await trx.selectFrom("chapters").select(["word_count", "posted"]).where("work_id", "=", workId).execute();
  const counted = chaptersShown(work, chapters);
  const words = counted.reduce((sum, c) => sum + c.word_count, 0);
  const complete = work.expected_chapters !== null && work.expected_chapters === counted.length ? 1 : 0;
  await trx.updateTable("works").set({ word_count: words, complete }).where("id", "=", workId).execute();
  await appendChange(trx, workId, "work");
}

/** The work columns a creator sets through the form (create and edit share them). */
function workColumns(input: WorkInput) {
  return {
    title: input.title,
    title_sort: titleSortKey(input.title),
    summary: input.summary,
    notes: input.notes,
    endnotes: input.endnotes,
    language: input.language,
    expected_chapters: input.expectedChapters,
    restricted: input.restricted ? 1 : 0,
    comment_permission: input.commentPermission,
    ...(input.moderatedComments !== undefined ? { moderated_comments: input.moderatedComments ? 1 : 0 } : {}),
    backdated: input.publishedOn ? 1 : 0,
  };
}

/** Search index entry for a work's own fields (its chapters are indexed one by one). */
async function indexWork(trx: DbOrTrx, workId: number, input: WorkInput): Promise<void> {
  const creators = await pseudRefs(trx, input.pseudIds);
  await indexWorkFields(trx, {
    workId,
    title: input.title,
    creators: [...creators.values()].map((c) => (c.name === c.login ? c.name : `${c.name} ${c.login}`)),
    summary: input.summary,
    notes: input.notes,
    endnotes: input.endnotes,
    series: await seriesTitlesOfWork(trx, workId),
  });
}

/** Reading order 1..n again after a chapter was removed or moved. */
async function renumberChapters(trx: DbOrTrx, workId: number, orderedIds: number[]): Promise<void> {
  // Two passes so the positions never collide midway, should a unique index be added later.
  for (const [i, id] of orderedIds.entries()) await trx.updateTable("chapters").set({ position: -(i + 1) }).where("id", "=", id).execute();
  for (const [i, id] of orderedIds.entries()) await trx.updateTable("chapters").set({ position: i + 1 }).where("id", "=", id).execute();
}

export interface PostOptions {
  /** Save as a draft (visible to its creators only) instead of posting. */
  draft: boolean;
  /** Header lines of an imported file, kept so its export gives them back unchanged. */
  importHeaders?: { label: string; value: string }[];
  /** "Date Updated" of an imported work (YYYY-MM-DD), when its file says. */
  revisedOn?: string;
  /** "Add to series" from the work form; an import may name several series. */
  series?: SeriesJoin | SeriesJoin[];
  /**
   * An import's chapter dates (YYYY-MM-DD), by position; a chapter without one takes the work's
   * date. They are the source's own dates, kept as given.
   */
  chapterDates?: (string | null)[];
  /** Where an imported work was first published (works.original_url). */
  originalUrl?: string | null;
}

/** A series to put the work in; a new series is credited to `creatorPseudIds` (the poster's own pseuds). */
export interface SeriesJoin {
  choice: SeriesChoice;
  creatorPseudIds: number[];
}

/** Every text a work publishes (its fields and its chapters'), for the spam rule (src/model/spam.ts). */
function textsOf(work: Pick<WorkInput, "title" | "summary" | "notes" | "endnotes">, chapters: Pick<ChapterInput, "title" | "summary" | "notes" | "endnotes" | "content">[]): string[] {
  return [work.title, work.summary, work.notes, work.endnotes, ...chapters.flatMap((c) => [c.title, c.summary, c.notes, c.endnotes, c.content])];
}

/** The accounts behind some pseuds: the spam rule looks at the youngest. */
async function usersOfPseuds(trx: DbOrTrx, pseudIds: number[]): Promise<number[]> {
  if (pseudIds.length === 0) return [];
  const rows = await trx.selectFrom("pseuds").select("user_id").where("id", "in", pseudIds).execute();
  return [...new Set(rows.map((r) => r.user_id))];
}

/**
 * Creates a work with its chapters (one from the form, several from an import) in one transaction.
 * A work being posted that the spam rule holds (src/model/spam.ts) is saved unposted and marked
 * held for review (`held`): an admin's approval posts it (releaseHeldWork).
 */
export async function createWork(db: Db, input: WorkInput, chapters: ChapterInput[], options: PostOptions): Promise<{ workId: number; chapterIds: number[]; held: boolean }> {
  return db.transaction().execute(async (trx) => {
    const now = nowIso();
    const publishedOn = input.publishedOn ?? todayIso();
    const held = !options.draft && (await checkForSpam(trx, await usersOfPseuds(trx, input.pseudIds), textsOf(input, chapters))).held;
    const posted = options.draft || held ? 0 : 1;
    const work = await trx
      .insertInto("works")
      .values({
        ...workColumns(input),
        word_count: 0,
        complete: 0,
        posted,
        published_on: publishedOn,
        // A backdated or imported work sorts by its given dates, as on AO3.
        revised_at: options.revisedOn ? `${options.revisedOn}T00:00:00.000Z` : input.publishedOn ? `${input.publishedOn}T00:00:00.000Z` : now,
        import_headers: options.importHeaders ? JSON.stringify(options.importHeaders) : null,
        original_url: options.originalUrl ?? null,
        spam_hold: held ? 1 : 0,
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await setCreators(trx, work.id, input.pseudIds);
    await setTags(trx, work.id, input);
    const chapterIds: number[] = [];
    for (const [i, chapter] of chapters.entries()) {
      const row = await trx
        .insertInto("chapters")
        .values({ work_id: work.id, position: i + 1, ...chapter, word_count: countWords(chapter.content), posted, published_on: options.chapterDates?.[i] ?? publishedOn, created_at: now, updated_at: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      chapterIds.push(row.id);
      await indexChapterText(trx, row.id, chapter.content);
    }
    for (const join of [options.series ?? []].flat()) await joinSeries(trx, work.id, join.choice, join.creatorPseudIds);
    if (input.associations) await saveAssociations(trx, work.id, input.associations, { posted: posted === 1 });
    await indexWork(trx, work.id, input);
    await refreshWorkStats(trx, work.id);
    if (posted) await queueSubscriptionMail(trx, { event: "work", workId: work.id });
    return { workId: work.id, chapterIds, held };
  });
}

/** Saves a work's metadata (not its chapters), and puts it into a series when asked to. */
export async function updateWork(db: Db, workId: number, input: WorkInput, series?: SeriesJoin): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom("works").select(["published_on", "backdated", "posted"]).where("id", "=", workId).executeTakeFirstOrThrow();
    const publishedOn = input.publishedOn ?? (current.backdated ? todayIso() : current.published_on);
    await trx
      .updateTable("works")
      .set({
        ...workColumns(input),
        published_on: publishedOn,
        import_headers: null,
        updated_at: nowIso(),
      })
      .where("id", "=", workId)
      .execute();
    await trx.updateTable("chapters").set({ published_on: publishedOn }).where("work_id", "=", workId).where("position", "=", 1).execute();
    // Read after the update above, which holds the work's row: an invitation accepted meanwhile is kept.
    const pseudIds = input.editorUserId === undefined ? input.pseudIds : creatorsAfterEdit((await creatorsOfWorks(trx, [workId])).get(workId) ?? [], input.editorUserId, input.pseudIds);
    await setCreators(trx, workId, pseudIds);
    await setTags(trx, workId, input);
    if (series) await joinSeries(trx, workId, series.choice, series.creatorPseudIds);
    if (input.associations) await saveAssociations(trx, workId, input.associations, { posted: current.posted === 1 });
    await indexWork(trx, workId, { ...input, pseudIds });
    await refreshWorkStats(trx, workId);
  });
}

/** Adds a chapter at the end; on a posted work it is posted at once and the work counts as updated. */
export async function addChapter(db: Db, workId: number, chapter: ChapterInput): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const work = await trx.selectFrom("works").select(["posted", "expected_chapters"]).where("id", "=", workId).executeTakeFirstOrThrow();
    const last = await trx.selectFrom("chapters").select((eb) => eb.fn.max("position").as("max")).where("work_id", "=", workId).executeTakeFirst();
    const position = Number(last?.max ?? 0) + 1;
    const now = nowIso();
    const row = await trx
      .insertInto("chapters")
      .values({ work_id: workId, position, ...chapter, word_count: countWords(chapter.content), posted: work.posted, published_on: todayIso(), created_at: now, updated_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await indexChapterText(trx, row.id, chapter.content);
    // A chapter beyond the expected count means the creator's plan grew: AO3 raises the count.
    const expected = work.expected_chapters !== null && work.expected_chapters < position ? position : work.expected_chapters;
    await trx
      .updateTable("works")
      .set({ expected_chapters: expected, import_headers: null, updated_at: now, ...(work.posted ? { revised_at: now } : {}) })
      .where("id", "=", workId)
      .execute();
    await refreshWorkStats(trx, workId);
    if (work.posted) await queueSubscriptionMail(trx, { event: "chapter", workId, chapterId: row.id });
    return row.id;
  });
}

/** Saves a chapter's text and notes. */
export async function updateChapter(db: Db, workId: number, chapterId: number, chapter: ChapterInput): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const now = nowIso();
    await trx
      .updateTable("chapters")
      .set({ ...chapter, word_count: countWords(chapter.content), updated_at: now })
      .where("id", "=", chapterId)
      .where("work_id", "=", workId)
      .execute();
    await indexChapterText(trx, chapterId, chapter.content);
    await trx.updateTable("works").set({ updated_at: now, import_headers: null }).where("id", "=", workId).execute();
    await refreshWorkStats(trx, workId);
  });
}

/** Puts the chapters in the given order (every chapter id of the work exactly once). */
export async function reorderChapters(db: Db, workId: number, orderedIds: number[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await renumberChapters(trx, workId, orderedIds);
    await trx.updateTable("works").set({ updated_at: nowIso(), import_headers: null }).where("id", "=", workId).execute();
  });
}

/** Deletes one chapter (never the last: a work needs one) and closes the gap in the numbering. */
export async function deleteChapter(db: Db, workId: number, chapterId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await unindexChapters(trx, [chapterId]);
    await trx.deleteFrom("chapters").where("id", "=", chapterId).where("work_id", "=", workId).execute();
    const rest = await trx.selectFrom("chapters").select("id").where("work_id", "=", workId).orderBy("position").execute();
    await renumberChapters(trx, workId, rest.map((r) => r.id));
    await trx.updateTable("works").set({ updated_at: nowIso(), import_headers: null }).where("id", "=", workId).execute();
    await refreshWorkStats(trx, workId);
  });
}

/** Posts a draft in the caller's transaction: it and its chapters become visible, dated today unless backdated. */
async function publish(trx: DbOrTrx, workId: number): Promise<void> {
  const work = await trx.selectFrom("works").select(["backdated", "published_on"]).where("id", "=", workId).executeTakeFirstOrThrow();
  const now = nowIso();
  const publishedOn = work.backdated ? work.published_on : todayIso();
  await trx
    .updateTable("works")
    .set({ posted: 1, spam_hold: 0, published_on: publishedOn, revised_at: work.backdated ? `${publishedOn}T00:00:00.000Z` : now, updated_at: now })
    .where("id", "=", workId)
    .execute();
  await trx.updateTable("chapters").set({ posted: 1, published_on: publishedOn }).where("work_id", "=", workId).execute();
  await canonizeNewTags(trx, workId);
  await refreshWorkStats(trx, workId);
  await queueSubscriptionMail(trx, { event: "work", workId });
  await announceAssociations(trx, workId);
}

/**
 * Posts a draft: it and its chapters become visible, dated today unless backdated. A draft the
 * spam rule holds (or one already held, or judged spam) stays unposted: `held` says so.
 */
export async function postDraft(db: Db, workId: number): Promise<{ held: boolean }> {
  return db.transaction().execute(async (trx) => {
    const work = await trx.selectFrom("works").select(["posted", "spam_hold", "title", "summary", "notes", "endnotes"]).where("id", "=", workId).executeTakeFirstOrThrow();
    if (work.posted) return { held: false };
    if (work.spam_hold !== 0) return { held: true };
    const [chapters, creators] = await Promise.all([
      trx.selectFrom("chapters").select(["title", "summary", "notes", "endnotes", "content"]).where("work_id", "=", workId).execute(),
      trx.selectFrom("work_creators").innerJoin("pseuds", "pseuds.id", "work_creators.pseud_id").select("pseuds.user_id").where("work_creators.work_id", "=", workId).execute(),
    ]);
    const verdict = await checkForSpam(trx, [...new Set(creators.map((c) => c.user_id))], textsOf(work, chapters));
    if (verdict.held) {
      await trx.updateTable("works").set({ spam_hold: 1 }).where("id", "=", workId).execute();
      return { held: true };
    }
    await publish(trx, workId);
    return { held: false };
  });
}

/**
 * Replaces a work's tags and nothing else, in the caller's transaction (an admin's tag edit, with
 * its audit entry in the same transaction): filter set, new tags made canonical where the archive
 * says so, and the change-feed row the listing index follows. The work counts as changed
 * (`updated_at`, so downloads are rebuilt with the new tags) but not as updated for readers.
 */
export async function setWorkTags(trx: DbOrTrx, workId: number, tags: WorkTagInput): Promise<void> {
  await setTags(trx, workId, tags);
  await trx.updateTable("works").set({ updated_at: nowIso() }).where("id", "=", workId).execute();
  await refreshWorkStats(trx, workId);
}

/**
 * An admin's approval of a work held for review, in the admin's transaction: it is posted with
 * everything posting does (dates, tags, counts, the change feed, subscribers' mail). False when
 * it is not held (approved or judged already, or deleted).
 */
export async function releaseHeldWork(trx: DbOrTrx, workId: number): Promise<boolean> {
  const work = await trx.selectFrom("works").select(["posted", "spam_hold"]).where("id", "=", workId).executeTakeFirst();
  if (!work || work.posted || work.spam_hold !== 1) return false;
  await publish(trx, workId);
  return true;
}

/** An admin's judgement that a held work is spam, in the admin's transaction: it stays unposted for good. False when it is not held. */
export async function judgeHeldWorkSpam(trx: DbOrTrx, workId: number): Promise<boolean> {
  const result = await trx.updateTable("works").set({ spam_hold: 2 }).where("id", "=", workId).where("spam_hold", "=", 1).where("posted", "=", 0).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deletes a work with its chapters, creators and taggings, and takes it out of its series. */
export async function deleteWork(db: Db, workId: number): Promise<void> {
  await db.transaction().execute((trx) => deleteWorkIn(trx, workId));
}

/** `deleteWork` in the caller's transaction (an admin's deletion with its audit entry; an account deleted with its works, src/leaving). */
export async function deleteWorkIn(trx: DbOrTrx, workId: number): Promise<void> {
  // Explicit rather than trusting ON DELETE CASCADE: SQLite enforces it only with foreign_keys on.
  await trx.deleteFrom("work_filters").where("work_id", "=", workId).execute();
  await trx.deleteFrom("work_tags").where("work_id", "=", workId).execute();
  await removeWorkFromAllSeries(trx, workId);
  const chapterIds = (await trx.selectFrom("chapters").select("id").where("work_id", "=", workId).execute()).map((c) => c.id);
  await unindexChapters(trx, chapterIds);
  await unindexWork(trx, workId);
  await trx.deleteFrom("chapters").where("work_id", "=", workId).execute();
  await trx.deleteFrom("work_creators").where("work_id", "=", workId).execute();
  await dropAssociations(trx, workId);
  await dropSubscriptionsTo(trx, "work", workId);
  await trx.deleteFrom("works").where("id", "=", workId).execute();
  await appendChange(trx, workId, "deleted");
}
