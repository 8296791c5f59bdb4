import { sql } from "kysely";
import { type Db, type DbOrTrx, nowIso } from "../platform/db/index.js";
import { tagKey } from "../model/vocabulary.js";
import type { BannerInput, PostInput } from "./schema.js";

// Every write of the news, each in one transaction.

/**
 * The ids of news tags by name, made when new. Race-free: two posts naming the same new tag at
 * once both insert-or-ignore on the unique key, then read the one row.
 */
async function tagIds(trx: DbOrTrx, names: string[]): Promise<number[]> {
  if (names.length === 0) return [];
  const rows = names.map((name) => ({ name, name_key: tagKey(name) }));
  await trx
    .insertInto("admin_post_tags")
    .values(rows)
    .onConflict((oc) => oc.column("name_key").doNothing())
    .execute();
  const found = await trx
    .selectFrom("admin_post_tags")
    .select("id")
    .where(
      "name_key",
      "in",
      rows.map((r) => r.name_key),
    )
    .execute();
  return found.map((r) => r.id);
}

async function setTags(trx: DbOrTrx, postId: number, names: string[]) {
  await trx.deleteFrom("admin_post_taggings").where("post_id", "=", postId).execute();
  const ids = await tagIds(trx, names);
  if (ids.length) await trx.insertInto("admin_post_taggings").values(ids.map((tag_id) => ({ post_id: postId, tag_id }))).execute();
}

/** Posts news; returns its id. */
export async function createPost(db: Db, userId: number, input: PostInput): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const now = nowIso();
    const row = await trx
      .insertInto("admin_posts")
      .values({ title: input.title, content: input.content, comment_permission: input.commentPermission, created_by_user_id: userId, created_at: now, updated_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    await setTags(trx, row.id, input.tags);
    return row.id;
  });
}

/** Changes a post (its date of posting, and so when its comments close, stays). False when it is gone. */
export async function updatePost(db: Db, postId: number, input: PostInput): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable("admin_posts")
      .set({ title: input.title, content: input.content, comment_permission: input.commentPermission, updated_at: nowIso() })
      .where("id", "=", postId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    await setTags(trx, postId, input.tags);
    return true;
  });
}

/** Deletes a post with its comments and tag links (the tags stay in the vocabulary). False when it was already gone. */
export async function deletePost(db: Db, postId: number): Promise<boolean> {
  const result = await db.deleteFrom("admin_posts").where("id", "=", postId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export interface NewNewsComment {
  postId: number;
  author: { userId: number } | { guest: { name: string; email: string }; ip: string };
  content: string;
  /** The form's one-time token, when it carried a valid one. */
  token: string | null;
}

/**
 * Comments on a post. A second submit of the same form (its token), or the same text from the
 * same writer on the same post, creates nothing and answers the first comment's id.
 */
export async function postNewsComment(db: Db, c: NewNewsComment): Promise<{ created: boolean; id: number }> {
  return db.transaction().execute(async (trx) => {
    const userId = "userId" in c.author ? c.author.userId : null;
    const guest = "guest" in c.author ? c.author : null;
    const existing = await trx
      .selectFrom("admin_post_comments")
      .select("id")
      .where((eb) => {
        const same = eb.and([
          eb("post_id", "=", c.postId),
          // Compared as text: the stored column reads back branded as trusted markup.
          eb(sql.ref<string>("content"), "=", c.content),
          userId !== null ? eb("user_id", "=", userId) : eb.and([eb("guest_name", "=", guest!.guest.name), eb("guest_email", "=", guest!.guest.email)]),
        ]);
        return c.token ? eb.or([eb("form_token", "=", c.token), same]) : same;
      })
      .orderBy("id")
      .executeTakeFirst();
    if (existing) return { created: false, id: existing.id };
    const row = await trx
      .insertInto("admin_post_comments")
      .values({
        post_id: c.postId,
        user_id: userId,
        guest_name: guest?.guest.name ?? null,
        guest_email: guest?.guest.email ?? null,
        guest_ip: guest?.ip ?? null,
        content: c.content,
        form_token: c.token,
        created_at: nowIso(),
      })
      // Two submits of one form at the same moment: the unique token lets one row in.
      .onConflict((oc) => oc.doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!row) {
      const first = await trx.selectFrom("admin_post_comments").select("id").where("form_token", "=", c.token).executeTakeFirstOrThrow();
      return { created: false, id: first.id };
    }
    return { created: true, id: row.id };
  });
}

/** Deletes a news comment. False when it was already gone. */
export async function deleteNewsComment(db: Db, commentId: number): Promise<boolean> {
  const result = await db.deleteFrom("admin_post_comments").where("id", "=", commentId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * Sets the banner. A new text becomes a new banner (a new row, the older ones removed with the
 * dismissals of them), so everyone who dismissed the old one sees it; a minor change (or only
 * switching it on or off) keeps the banner and who dismissed it. Returns the banner's id.
 */
export async function saveBanner(db: Db, input: BannerInput): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const now = nowIso();
    const current = await trx.selectFrom("admin_banners").select(["id", "content"]).orderBy("id", "desc").limit(1).executeTakeFirst();
    if (current && (input.minor || String(current.content) === input.content)) {
      await trx.updateTable("admin_banners").set({ content: input.content, active: input.active ? 1 : 0, updated_at: now }).where("id", "=", current.id).execute();
      return current.id;
    }
    const row = await trx.insertInto("admin_banners").values({ content: input.content, active: input.active ? 1 : 0, created_at: now, updated_at: now }).returning("id").executeTakeFirstOrThrow();
    await trx.deleteFrom("admin_banners").where("id", "<", row.id).execute();
    await trx.deleteFrom("admin_banner_dismissals").where("banner_id", "<", row.id).execute();
    return row.id;
  });
}

/** Records that a user dismissed a banner (one row per user: the newest dismissal replaces any older). */
export async function dismissBanner(db: DbOrTrx, userId: number, bannerId: number): Promise<void> {
  const now = nowIso();
  await db
    .insertInto("admin_banner_dismissals")
    .values({ user_id: userId, banner_id: bannerId, dismissed_at: now })
    .onConflict((oc) => oc.column("user_id").doUpdateSet({ banner_id: bannerId, dismissed_at: now }))
    .execute();
}
