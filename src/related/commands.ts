import { type Db, type DbOrTrx, nowIso } from "../platform/db/index.js";
import { enqueueJob } from "../platform/jobs.js";
import { creatorsOfWorks } from "../model/works.js";
import { type LinkStatus, type ParentLink, parentKey } from "./schema.js";

/** The job that tells a parent work's creators of a new link to it. */
export const PARENT_NOTICE = "related.parent_notice";

export interface ParentNotice {
  linkId: number;
}

/**
 * Makes a work's related works these links, in the caller's transaction (called by src/works when
 * a work is saved; the work's creators are already stored). Links no longer named go; a kept link
 * keeps its approval and takes the new translation flag (and, for an outside work, title and
 * author). A new link to a work here waits for a creator of that work to approve it, unless the
 * two works share a creator; a link to an outside work has nobody to ask. The parent's creators
 * are told by mail once the child is posted (never about a draft): now when it is, else when
 * `announceParents` runs at posting.
 */
export async function setParents(trx: DbOrTrx, childId: number, links: ParentLink[], options: { posted: boolean }): Promise<void> {
  const existing = await trx.selectFrom("related_works").select(["id", "parent_key"]).where("child_id", "=", childId).execute();
  const wanted = new Map(links.map((link) => [parentKey(link), link]));
  const gone = existing.filter((row) => !wanted.has(row.parent_key)).map((row) => row.id);
  if (gone.length) await trx.deleteFrom("related_works").where("id", "in", gone).execute();
  const kept = new Set(existing.map((row) => row.parent_key));
  const now = nowIso();
  const workParents = links.flatMap((l) => (l.kind === "work" ? [l.workId] : []));
  const creators = await creatorsOfWorks(trx, [childId, ...workParents]);
  const childUsers = new Set((creators.get(childId) ?? []).map((c) => c.userId));
  for (const [key, link] of wanted) {
    const details = link.kind === "url" ? { url: link.url, title: link.title, author: link.author } : {};
    if (kept.has(key)) {
      await trx
        .updateTable("related_works")
        .set({ translation: link.translation ? 1 : 0, ...details, updated_at: now })
        .where("child_id", "=", childId)
        .where("parent_key", "=", key)
        .execute();
      continue;
    }
    const sharedCreator = link.kind === "work" && (creators.get(link.workId) ?? []).some((c) => childUsers.has(c.userId));
    const status: LinkStatus = link.kind === "url" || sharedCreator ? "approved" : "pending";
    const row = await trx
      .insertInto("related_works")
      .values({
        child_id: childId,
        parent_id: link.kind === "work" ? link.workId : null,
        parent_key: key,
        ...details,
        translation: link.translation ? 1 : 0,
        status,
        notified_at: null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(["child_id", "parent_key"]).doNothing())
      .returning("id")
      .executeTakeFirst();
    if (row && status === "pending" && options.posted) await enqueueJob(trx, PARENT_NOTICE, { linkId: row.id } satisfies ParentNotice, 1);
  }
}

/** At posting a draft: queues the notices its links could not send while it was a draft. */
export async function announceParents(trx: DbOrTrx, childId: number): Promise<void> {
  const waiting = await trx.selectFrom("related_works").select("id").where("child_id", "=", childId).where("status", "=", "pending").where("notified_at", "is", null).execute();
  for (const link of waiting) await enqueueJob(trx, PARENT_NOTICE, { linkId: link.id } satisfies ParentNotice, 1);
}

/** Deletes every link from or to a work (the work is being deleted). */
export async function dropRelatedOf(trx: DbOrTrx, workId: number): Promise<void> {
  await trx
    .deleteFrom("related_works")
    .where((eb) => eb.or([eb("child_id", "=", workId), eb("parent_id", "=", workId)]))
    .execute();
}

/** A parent's creator approves or hides a link to their work. Approving twice changes nothing. */
export async function setLinkStatus(db: Db, linkId: number, status: Exclude<LinkStatus, "pending">): Promise<void> {
  await db.updateTable("related_works").set({ status, updated_at: nowIso() }).where("id", "=", linkId).execute();
}
