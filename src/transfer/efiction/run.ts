import { shiftWorkCounter } from "../../platform/changes.js";
import type { Db } from "../../platform/db/index.js";
import { inOneTransaction } from "../../platform/db/one-transaction.js";
import { findTagByName } from "../../model/tags.js";
import { membershipsOfWork } from "../../model/series.js";
import { postComment } from "../../comments/index.js";
import { createBookmark, createSeriesBookmark } from "../../responses/index.js";
import { describeImportedSeries, joinImportedSeries } from "../../series/index.js";
import { subscribe } from "../../subscriptions/index.js";
import { importedLoginProblem, insertImportedAccount } from "../../users/index.js";
import { type ImportLoss, saveImportedWork } from "../imported-work.js";
import { type EfictionPlan, plannedWorkWithText } from "./plan.js";

/** What an import brought over, for the report's counts. */
export interface EfictionImportCounts {
  accounts: number;
  works: number;
  drafts: number;
  chapters: number;
  series: number;
  comments: number;
  bookmarks: number;
  subscriptions: number;
}

export type EfictionRun = { ok: true; counts: EfictionImportCounts; losses: ImportLoss[] } | { ok: false; problems: ImportLoss[] };

/** The source name of eFiction rows in legacy_ids (old URLs redirect through them). */
export const LEGACY_SOURCE = "efiction";

/** Thrown inside the transaction to roll every write back with the reason. */
class ImportRefused extends Error {
  constructor(readonly problems: ImportLoss[]) {
    super(problems.map((p) => `${p.where}: ${p.message}`).join("; "));
  }
}

/**
 * Writes a plan in ONE transaction: every account, work, series, comment, bookmark, subscription
 * and legacy id, or (on any refusal or error) nothing. A plan with refusals writes nothing; an
 * archive that already holds this eFiction archive's stories is refused (a second run would
 * double every work).
 */
export async function runEfictionImport(db: Db, plan: EfictionPlan): Promise<EfictionRun> {
  if (plan.refusals.length) return { ok: false, problems: plan.refusals };
  const already = await db.selectFrom("legacy_ids").select("legacy_id").where("source", "=", LEGACY_SOURCE).where("kind", "=", "story").limit(1).executeTakeFirst();
  if (already) return { ok: false, problems: [{ where: "this archive", message: "already holds stories imported from eFiction (legacy_ids); an archive is imported once. Nothing was imported." }] };
  try {
    return await inOneTransaction(db, (trx) => write(trx, plan));
  } catch (error) {
    if (error instanceof ImportRefused) return { ok: false, problems: error.problems };
    throw error;
  }
}

async function write(db: Db, plan: EfictionPlan): Promise<EfictionRun> {
  const losses: ImportLoss[] = [];
  const counts: EfictionImportCounts = { accounts: 0, works: 0, drafts: 0, chapters: 0, series: 0, comments: 0, bookmarks: 0, subscriptions: 0 };
  const legacy: { kind: string; legacy_id: string; target_id: number }[] = [];

  // Accounts: the penname as login, or with a suffix when someone here has it.
  const users = new Map<number, { userId: number; pseudId: number; login: string }>();
  for (const account of plan.accounts) {
    let login = account.login;
    for (let n = 1; (await importedLoginProblem(db, login)) !== null; n++) {
      const problem = await importedLoginProblem(db, login);
      if (problem !== "taken" || n > 99) throw new ImportRefused([{ where: `author ${account.author.uid} "${account.author.penname}"`, message: `no usable login: ${problem}` }]);
      login = `${account.login.slice(0, 36)}_ef${n > 1 ? n : ""}`;
    }
    if (login !== account.login) losses.push({ where: `author ${account.author.uid} "${account.author.penname}"`, message: `the login "${account.login}" is taken here; the account is "${login}".` });
    const made = await insertImportedAccount(db, { login, email: account.email, profile: account.profile, legacyPassword: account.legacyPassword, createdAt: account.author.joined ?? new Date().toISOString() });
    users.set(account.author.uid, { ...made, userId: made.id, login });
    legacy.push({ kind: "user", legacy_id: String(account.author.uid), target_id: made.id });
    counts.accounts++;
  }

  // Works, in series order; each series is described once its first work made it.
  const works = new Map<number, { workId: number; chapterIds: Map<number, number>; creatorUserIds: number[] }>();
  const seriesMade = new Map<number, number>();
  for (const planned of plan.stories) {
    const owner = users.get(planned.story.uid)!;
    const coauthors = planned.story.coauthorUids.map((uid) => users.get(uid)).filter((u) => u !== undefined);
    // A series an earlier story already made here is joined by its id after the save (below); by
    // title, saveImportedWork would look among this story's creators' series only.
    const work = plannedWorkWithText(planned);
    const laterParts = planned.series.filter((place) => seriesMade.has(place.seriesid));
    const newSeries = work.series.filter((_, i) => !seriesMade.has(planned.series[i]!.seriesid));
    const saved = await saveImportedWork(db, { ...work, series: newSeries, creators: coauthors.map((u) => u.login) }, { pseudIds: [owner.pseudId], draft: planned.draft });
    const where = `story ${planned.story.sid} (fanfiction_stories, dump line ${planned.story.line})`;
    if (!saved.ok) throw new ImportRefused([{ where, message: `${saved.field}: ${saved.message}` }]);
    for (const loss of saved.losses) losses.push({ where: `${where}, ${loss.where}`, message: loss.message });
    if (saved.held) losses.push({ where, message: "held for review by the archive's spam rule; an admin approves it on the spam queue." });
    counts.works++;
    if (planned.draft) counts.drafts++;
    counts.chapters += saved.chapterIds.length;
    legacy.push({ kind: "story", legacy_id: String(planned.story.sid), target_id: saved.workId });
    const chapterIds = new Map<number, number>();
    planned.chapterIds.forEach((chapid, i) => {
      chapterIds.set(chapid, saved.chapterIds[i]!);
      legacy.push({ kind: "chapter", legacy_id: String(chapid), target_id: saved.chapterIds[i]! });
    });
    works.set(planned.story.sid, { workId: saved.workId, chapterIds, creatorUserIds: [owner.userId, ...coauthors.map((u) => u.userId)] });
    if (planned.story.hits > 0) await shiftWorkCounter(db, saved.workId, "hits_count", planned.story.hits);

    for (const place of laterParts) await joinImportedSeries(db, seriesMade.get(place.seriesid)!, saved.workId, place.part, owner.pseudId);
    if (planned.series.length) {
      const memberships = await membershipsOfWork(db, saved.workId);
      for (const place of planned.series) {
        if (seriesMade.has(place.seriesid)) continue;
        const series = plan.series.find((s) => s.seriesid === place.seriesid)!;
        const found = memberships.find((m) => m.title.toLowerCase() === series.title.toLowerCase());
        if (!found) continue;
        seriesMade.set(place.seriesid, found.seriesId);
        await describeImportedSeries(db, found.seriesId, { summary: series.summary, complete: series.complete });
        legacy.push({ kind: "series", legacy_id: String(place.seriesid), target_id: found.seriesId });
        counts.series++;
        if (series.ownerUid !== planned.story.uid) {
          losses.push({ where: `series ${series.seriesid}`, message: `owned on eFiction by uid ${series.ownerUid}, but its first story is by uid ${planned.story.uid}: the series here belongs to that story's creators.` });
        }
      }
    }
  }
  for (const series of plan.series) {
    if (!seriesMade.has(series.seriesid)) losses.push({ where: `series ${series.seriesid} "${series.title}"`, message: "holds no imported story; Fanfold has no empty series, so it is not imported." });
  }

  // Reviews as comments: a member's under their account, a guest's with the name they gave.
  for (const review of plan.reviews) {
    const work = works.get(review.sid)!;
    const user = review.uid !== null ? users.get(review.uid) : undefined;
    const posted = await postComment(db, {
      workId: work.workId,
      creatorUserIds: work.creatorUserIds,
      chapterId: review.chapid !== null ? (work.chapterIds.get(review.chapid) ?? null) : null,
      parent: null,
      author: user ? { userId: user.userId } : { guest: { name: review.guestName, email: "" }, ip: "" },
      input: { content: review.content, guest: user ? null : { name: review.guestName, email: "" }, token: null },
      held: false,
      imported: { createdAt: review.date },
    });
    if (posted.spamHeld) losses.push({ where: `review ${review.reviewid}`, message: "held for review by the archive's spam rule." });
    legacy.push({ kind: "review", legacy_id: String(review.reviewid), target_id: posted.id });
    counts.comments++;
  }

  // Favorites: bookmarks of works and series, subscriptions to authors.
  for (const favorite of plan.favorites) {
    const user = users.get(favorite.uid)!;
    if (favorite.kind === "story") {
      const made = await createBookmark(db, user.userId, works.get(favorite.item)!.workId, { notes: favorite.notes, tags: [], private: false, rec: false });
      if (made.created) counts.bookmarks++;
    } else if (favorite.kind === "series") {
      const seriesId = seriesMade.get(favorite.item);
      if (seriesId === undefined) {
        losses.push({ where: `favorite of uid ${favorite.uid}`, message: `series ${favorite.item} is not imported; skipped.` });
        continue;
      }
      const made = await createSeriesBookmark(db, user.userId, seriesId, { notes: favorite.notes, tags: [], private: false, rec: false });
      if (made.created) counts.bookmarks++;
    } else {
      if ((await subscribe(db, user.userId, "user", users.get(favorite.item)!.userId)) === "subscribed") counts.subscriptions++;
    }
  }

  // Categories and classes: the tag each became (for browse.php?type=categories&catid=N and
  // browse.php?type=class&type_id=N); a category's own-named tag when it has one, else its first.
  for (const kind of ["category", "class"] as const) {
    const rows = plan.mapping.filter((r) => r.kind === kind && r.ao3Type !== "none");
    for (const id of new Set(rows.map((r) => r.efictionId))) {
      const mine = rows.filter((r) => r.efictionId === id);
      const preferred = mine.find((r) => r.ao3Tag.toLowerCase() === r.efictionName.toLowerCase()) ?? mine[0]!;
      const tag = await findTagByName(db, preferred.ao3Tag);
      if (tag) legacy.push({ kind, legacy_id: String(id), target_id: tag.id });
    }
  }

  for (let i = 0; i < legacy.length; i += 500) {
    await db.insertInto("legacy_ids").values(legacy.slice(i, i + 500).map((row) => ({ source: LEGACY_SOURCE, ...row }))).execute();
  }
  return { ok: true, counts, losses };
}
