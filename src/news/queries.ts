import type { DbOrTrx } from "../platform/db/index.js";
import type { TrustedHtml } from "../platform/html/trusted-html.js";

/** Posts on a page of the news listing (and in the Atom feed). */
export const POSTS_PER_PAGE = 10;
/** Comments on a page of a post. */
export const NEWS_COMMENTS_PER_PAGE = 50;

export interface NewsTag {
  id: number;
  name: string;
}

export interface NewsPost {
  id: number;
  title: string;
  content: TrustedHtml;
  comment_permission: string;
  created_at: string;
  updated_at: string;
  tags: NewsTag[];
  /** Comments on it (all of them: news comments are never held). */
  comments: number;
}

const POST_COLUMNS = ["admin_posts.id", "admin_posts.title", "admin_posts.content", "admin_posts.comment_permission", "admin_posts.created_at", "admin_posts.updated_at"] as const;

/** The tags and comment counts of some posts, in two queries whatever their number. */
async function withDetails(db: DbOrTrx, rows: Omit<NewsPost, "tags" | "comments">[]): Promise<NewsPost[]> {
  const ids = rows.map((r) => r.id);
  if (ids.length === 0) return [];
  const [tags, counts] = await Promise.all([
    db
      .selectFrom("admin_post_taggings")
      .innerJoin("admin_post_tags", "admin_post_tags.id", "admin_post_taggings.tag_id")
      .select(["admin_post_taggings.post_id", "admin_post_tags.id", "admin_post_tags.name"])
      .where("admin_post_taggings.post_id", "in", ids)
      .orderBy("admin_post_tags.name")
      .execute(),
    db
      .selectFrom("admin_post_comments")
      .select((eb) => ["post_id", eb.fn.countAll<number | string>().as("n")])
      .where("post_id", "in", ids)
      .groupBy("post_id")
      .execute(),
  ]);
  const count = new Map(counts.map((c) => [c.post_id, Number(c.n)]));
  return rows.map((row) => ({
    ...row,
    tags: tags.filter((tag) => tag.post_id === row.id).map((tag) => ({ id: tag.id, name: tag.name })),
    comments: count.get(row.id) ?? 0,
  }));
}

/**
 * A page of the news, newest first, optionally only the posts with one tag; with the number of
 * posts in all. A fixed number of queries whatever the page holds.
 */
export async function listPosts(db: DbOrTrx, options: { tagId?: number | null; page: number; perPage?: number }): Promise<{ posts: NewsPost[]; total: number }> {
  const perPage = options.perPage ?? POSTS_PER_PAGE;
  let base = db.selectFrom("admin_posts");
  if (options.tagId) {
    const tagId = options.tagId;
    base = base.where("admin_posts.id", "in", (eb) => eb.selectFrom("admin_post_taggings").select("post_id").where("tag_id", "=", tagId));
  }
  const [total, rows] = await Promise.all([
    base.select((eb) => eb.fn.countAll<number | string>().as("n")).executeTakeFirst(),
    base
      .select([...POST_COLUMNS])
      .orderBy("admin_posts.created_at", "desc")
      .orderBy("admin_posts.id", "desc")
      .limit(perPage)
      .offset((options.page - 1) * perPage)
      .execute(),
  ]);
  return { posts: await withDetails(db, rows), total: Number(total?.n ?? 0) };
}

/** One post with its tags and comment count. */
export async function findPost(db: DbOrTrx, id: number): Promise<NewsPost | undefined> {
  const row = await db.selectFrom("admin_posts").select([...POST_COLUMNS]).where("id", "=", id).executeTakeFirst();
  return row ? (await withDetails(db, [row]))[0] : undefined;
}

/** The news tags some post uses, by name, with how many posts use each. */
export async function tagsInUse(db: DbOrTrx): Promise<(NewsTag & { posts: number })[]> {
  const rows = await db
    .selectFrom("admin_post_tags")
    .innerJoin("admin_post_taggings", "admin_post_taggings.tag_id", "admin_post_tags.id")
    .select((eb) => ["admin_post_tags.id", "admin_post_tags.name", eb.fn.countAll<number | string>().as("posts")])
    .groupBy(["admin_post_tags.id", "admin_post_tags.name"])
    .orderBy("admin_post_tags.name")
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, posts: Number(r.posts) }));
}

export async function findTag(db: DbOrTrx, id: number): Promise<NewsTag | undefined> {
  return db.selectFrom("admin_post_tags").select(["id", "name"]).where("id", "=", id).executeTakeFirst();
}

/** A news comment as pages show it: never the guest's email or address. */
export interface NewsComment {
  id: number;
  post_id: number;
  user_id: number | null;
  login: string | null;
  guest_name: string | null;
  content: TrustedHtml;
  created_at: string;
}

function commentsQuery(db: DbOrTrx) {
  return db
    .selectFrom("admin_post_comments as c")
    .leftJoin("users as u", "u.id", "c.user_id")
    .select(["c.id", "c.post_id", "c.user_id", "u.login", "c.guest_name", "c.content", "c.created_at"]);
}

/**
 * A page of a post's comments, oldest first (a conversation reads down), leaving out those of
 * users the viewer muted; with how many there are for this viewer.
 */
export async function commentsOfPost(db: DbOrTrx, postId: number, page: number, excludeUserIds: readonly number[] = []): Promise<{ comments: NewsComment[]; total: number }> {
  let counted = db.selectFrom("admin_post_comments as c").where("c.post_id", "=", postId);
  let listed = commentsQuery(db).where("c.post_id", "=", postId);
  if (excludeUserIds.length) {
    const ids = [...excludeUserIds];
    counted = counted.where((eb) => eb.or([eb("c.user_id", "is", null), eb("c.user_id", "not in", ids)]));
    listed = listed.where((eb) => eb.or([eb("c.user_id", "is", null), eb("c.user_id", "not in", ids)]));
  }
  const [total, comments] = await Promise.all([
    counted.select((eb) => eb.fn.countAll<number | string>().as("n")).executeTakeFirst(),
    listed.orderBy("c.id").limit(NEWS_COMMENTS_PER_PAGE).offset((page - 1) * NEWS_COMMENTS_PER_PAGE).execute(),
  ]);
  return { comments, total: Number(total?.n ?? 0) };
}

export async function findNewsComment(db: DbOrTrx, id: number): Promise<NewsComment | undefined> {
  return commentsQuery(db).where("c.id", "=", id).executeTakeFirst();
}

/** Where a comment falls in its post's pages (oldest first), so a link can land on it. */
export async function pageOfComment(db: DbOrTrx, postId: number, commentId: number): Promise<number> {
  const before = await db
    .selectFrom("admin_post_comments")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("post_id", "=", postId)
    .where("id", "<", commentId)
    .executeTakeFirst();
  return Math.floor(Number(before?.n ?? 0) / NEWS_COMMENTS_PER_PAGE) + 1;
}

export interface Banner {
  id: number;
  content: TrustedHtml;
  active: number;
  updated_at: string;
}

/** The banner as it is set (the newest row), shown or not. */
export async function currentBanner(db: DbOrTrx): Promise<Banner | undefined> {
  return db.selectFrom("admin_banners").select(["id", "content", "active", "updated_at"]).orderBy("id", "desc").limit(1).executeTakeFirst();
}

/**
 * The banner to show a viewer, in one query: the current banner while it is on, unless this user
 * dismissed it (on their account) or this browser did (`dismissedHere`, the guest cookie's id).
 */
export async function bannerToShow(db: DbOrTrx, userId: number | null, dismissedHere: number | null): Promise<Banner | undefined> {
  const row = await db
    .selectFrom("admin_banners as b")
    .leftJoin("admin_banner_dismissals as d", (join) => join.onRef("d.banner_id", "=", "b.id").on("d.user_id", "=", userId ?? 0))
    .select(["b.id", "b.content", "b.active", "b.updated_at", "d.user_id as dismissed_by"])
    .orderBy("b.id", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!row || !row.active || row.dismissed_by !== null || row.id === dismissedHere) return undefined;
  return { id: row.id, content: row.content, active: row.active, updated_at: row.updated_at };
}
