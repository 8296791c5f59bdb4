import type { Db, DbOrTrx } from "../platform/db/index.js";
import { firstCreator } from "./queries.js";
import type { Viewer } from "../platform/http/viewer.js";
import { TAG_TYPES, type TagType } from "../model/vocabulary.js";
import { creatorsOfWorks, tagsOfWork } from "../model/works.js";
import { deleteWorkIn, setWorkTags, type WorkTagInput } from "../works/index.js";
import { recordAudit } from "./audit.js";
import { changeWorkHidden, type HidingOutcome } from "./hiding.js";

// The policy admins' actions on a work (issue 15): hide, show again, delete, edit its tags. Each
// runs in one transaction with its audit entry, so no action happens without its record; each
// answers "missing" when the work is gone (deleted meanwhile), which the pages say in words.

const actorOf = (viewer: Viewer) => viewer.user?.id ?? null;

/** Hides a work from everyone but its creators and admins; its creators are told why by mail. */
export function hideWork(db: Db, viewer: Viewer, workId: number, reason: string): Promise<HidingOutcome> {
  return db.transaction().execute((trx) => changeWorkHidden(trx, actorOf(viewer), workId, true, reason));
}

/** Shows a hidden work to everyone who may see it again. */
export function unhideWork(db: Db, viewer: Viewer, workId: number, reason: string): Promise<HidingOutcome> {
  return db.transaction().execute((trx) => changeWorkHidden(trx, actorOf(viewer), workId, false, reason));
}

/**
 * Takes the work's row for this transaction (a write lock on PostgreSQL, the database's on SQLite),
 * so two admins acting on one work at once act one after the other: the second sees the first's
 * outcome (a deleted work is gone). Returns the first creator's user id, or "missing".
 */
async function claimWork(trx: DbOrTrx, workId: number): Promise<{ creatorUserId: number | null } | "missing"> {
  const claimed = await trx
    .updateTable("works")
    .set((eb) => ({ updated_at: eb.ref("updated_at") }))
    .where("id", "=", workId)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) === 0) return "missing";
  const creatorUserId = await firstCreator(trx, workId);
  return { creatorUserId };
}

/**
 * Deletes a work as an admin: the same deletion as its creator's, with an audit entry that keeps
 * what the work was (title, creators), since the work itself is gone afterwards.
 */
export function deleteWorkAsAdmin(db: Db, viewer: Viewer, workId: number, reason: string): Promise<"deleted" | "missing"> {
  return db.transaction().execute(async (trx) => {
    const claimed = await claimWork(trx, workId);
    if (claimed === "missing") return "missing";
    const work = await trx.selectFrom("works").select("title").where("id", "=", workId).executeTakeFirstOrThrow();
    const creators = (await creatorsOfWorks(trx, [workId])).get(workId) ?? [];
    await recordAudit(trx, {
      actorUserId: actorOf(viewer),
      action: "delete_work",
      workId,
      targetUserId: claimed.creatorUserId,
      reason,
      detail: { title: work.title, creators: creators.map((c) => (c.pseudName === c.login ? c.login : `${c.pseudName} (${c.login})`)) },
    });
    await deleteWorkIn(trx, workId);
    return "deleted";
  });
}

/** A work's tag names by type, in display order: what an audit entry of a tag edit keeps, before and after. */
export type TagsByType = Partial<Record<TagType, string[]>>;

async function tagsByType(trx: DbOrTrx, workId: number): Promise<TagsByType> {
  const tags = await tagsOfWork(trx, workId);
  const byType: TagsByType = {};
  for (const type of TAG_TYPES) {
    const names = tags.filter((tag) => tag.type === type).map((tag) => tag.name);
    if (names.length) byType[type] = names;
  }
  return byType;
}

/**
 * Replaces a work's tags as a policy admin may (any rating, warnings, categories, fandoms,
 * relationships, characters and additional tags; over the user-tag limit too), through the works
 * capability's own tag command, with an audit entry holding the tags before and after.
 */
export function editWorkTagsAsAdmin(db: Db, viewer: Viewer, workId: number, tags: WorkTagInput, reason: string): Promise<"edited" | "missing"> {
  return db.transaction().execute(async (trx) => {
    const claimed = await claimWork(trx, workId);
    if (claimed === "missing") return "missing";
    const before = await tagsByType(trx, workId);
    await setWorkTags(trx, workId, tags);
    const after = await tagsByType(trx, workId);
    await recordAudit(trx, { actorUserId: actorOf(viewer), action: "edit_work_tags", workId, targetUserId: claimed.creatorUserId, reason, detail: { before, after } });
    return "edited";
  });
}
