import { type RawBuilder, sql } from "kysely";
import { type DbOrTrx, dialectOf } from "../platform/db/index.js";
import type { CommentRow } from "../platform/db/tables.js";
import type { Viewer } from "../platform/http/viewer.js";
import { listableBy } from "../model/visibility.js";

/** Threads are shown this deep (0 to 4); a comment at the last depth with replies links to its own page ("Continue this thread"). */
export const THREAD_DEPTH_SHOWN = 5;
/** A page of comments holds this many threads (first comments), each with its replies. */
export const THREADS_PER_PAGE = 20;

/** A comment as pages show it: never the guest's email or address. */
export type ShownComment = Omit<CommentRow, "guest_email" | "guest_ip" | "form_token"> & {
  login: string | null;
  chapter_position: number | null;
};

/** A comment in a thread: its depth below the page's first comments, and whether replies were cut at the depth limit. */
export interface ThreadComment extends ShownComment {
  depth: number;
  replies: ThreadComment[];
  moreReplies: boolean;
}

/** Which comments a viewer is shown: held ones only to their author and the work's moderators; some users' left out (muting). */
export interface CommentFilter {
  viewerId: number | null;
  moderator: boolean;
  /** Users whose comments (with the replies under them) are left out, e.g. those the viewer muted. */
  excludeUserIds?: readonly number[];
}

const SHOWN_COLUMNS = sql.raw(
  "c.id, c.work_id, c.chapter_id, c.parent_id, c.user_id, c.guest_name, c.content, c.unreviewed, c.deleted, c.frozen, c.spam_hold, c.edited_at, c.created_at, c.updated_at",
);

/** `c`'s id as fixed-width text, so a path of ids sorts as the thread reads (both dialects). */
function paddedId(db: DbOrTrx): RawBuilder<string> {
  return dialectOf(db) === "postgres" ? sql`lpad(cast(c.id as text), 12, '0')` : sql`substr('000000000000' || c.id, -12)`;
}

function visible(filter: CommentFilter): RawBuilder<unknown> {
  // Held for the creator: seen by its writer and the work's moderators. Held as spam: by its writer alone.
  const held = filter.moderator
    ? filter.viewerId !== null
      ? sql`(c.spam_hold = 0 or c.user_id = ${filter.viewerId})`
      : sql`c.spam_hold = 0`
    : filter.viewerId !== null
      ? sql`(c.unreviewed = 0 or c.user_id = ${filter.viewerId})`
      : sql`c.unreviewed = 0`;
  const excluded = filter.excludeUserIds?.length ? sql` and (c.user_id is null or c.user_id not in (${sql.join([...filter.excludeUserIds])}))` : sql``;
  return sql`${held}${excluded}`;
}

/** Where a page of threads starts: a work's first comments (all, or one chapter's), or one comment (its thread page). */
export type ThreadScope = { workId: number; chapterId?: number; page: number } | { commentId: number };

/**
 * The threads of a page in ONE recursive query, in reading order: each thread's comments by a
 * path of zero-padded ids (a reply sorts after its parent and after earlier replies), with their
 * writers' names joined in, so the page's query count does not grow with its comments. It goes one
 * level below the shown depth only to know which comments have more replies than are shown.
 */
export async function loadThreads(db: DbOrTrx, scope: ThreadScope, filter: CommentFilter): Promise<ThreadComment[]> {
  const anchor =
    "commentId" in scope
      ? sql`c.id = ${scope.commentId}`
      : sql`c.id in (select c.id from comments c where c.work_id = ${scope.workId} and c.parent_id is null${scope.chapterId !== undefined ? sql` and c.chapter_id = ${scope.chapterId}` : sql``} and ${visible(filter)} order by c.id limit ${THREADS_PER_PAGE} offset ${(scope.page - 1) * THREADS_PER_PAGE})`;
  const pad = paddedId(db);
  const result = await sql<ShownComment & { depth: number }>`
    with recursive thread(id, depth, path) as (
      select c.id, 0, ${pad} from comments c where ${anchor} and ${visible(filter)}
      union all
      select c.id, thread.depth + 1, thread.path || '/' || ${pad}
      from comments c join thread on c.parent_id = thread.id
      where thread.depth < ${THREAD_DEPTH_SHOWN} and ${visible(filter)}
    )
    select ${SHOWN_COLUMNS}, thread.depth, u.login, ch.position as chapter_position
    from thread
    join comments c on c.id = thread.id
    left join users u on u.id = c.user_id
    left join chapters ch on ch.id = c.chapter_id
    order by thread.path`.execute(db);
  return buildTree(result.rows);
}

/** Rows in path order to nested threads; rows past the shown depth only mark their parent. */
function buildTree(rows: (ShownComment & { depth: number })[]): ThreadComment[] {
  const roots: ThreadComment[] = [];
  const byId = new Map<number, ThreadComment>();
  for (const row of rows) {
    const parent = row.depth > 0 && row.parent_id !== null ? byId.get(row.parent_id) : undefined;
    if (row.depth >= THREAD_DEPTH_SHOWN) {
      if (parent) parent.moreReplies = true;
      continue;
    }
    const node: ThreadComment = { ...row, depth: Number(row.depth), replies: [], moreReplies: false };
    byId.set(node.id, node);
    if (parent) parent.replies.push(node);
    else roots.push(node);
  }
  return roots;
}

/**
 * How many threads a scope has for this viewer (pagination), and how many of its comments count
 * (approved, not deleted). Walked down the threads with the same visibility rule as loadThreads,
 * so a comment left out with its parent (a muted writer's) is left out of the count too.
 */
export async function countThreads(db: DbOrTrx, scope: { workId: number; chapterId?: number }, filter: CommentFilter): Promise<{ threads: number; comments: number }> {
  const result = await sql<{ threads: number | string | null; comments: number | string | null }>`
    with recursive thread(id) as (
      select c.id from comments c
      where c.work_id = ${scope.workId} and c.parent_id is null${scope.chapterId !== undefined ? sql` and c.chapter_id = ${scope.chapterId}` : sql``} and ${visible(filter)}
      union all
      select c.id from comments c join thread on c.parent_id = thread.id where ${visible(filter)}
    )
    select
      sum(case when c.parent_id is null then 1 else 0 end) as threads,
      sum(case when c.unreviewed = 0 and c.deleted = 0 then 1 else 0 end) as comments
    from thread join comments c on c.id = thread.id`.execute(db);
  const row = result.rows[0];
  return { threads: Number(row?.threads ?? 0), comments: Number(row?.comments ?? 0) };
}

/** One comment with its writer's name, whatever its state (callers apply the policy). */
export async function findComment(db: DbOrTrx, id: number): Promise<ShownComment | undefined> {
  return db
    .selectFrom("comments as c")
    .leftJoin("users as u", "u.id", "c.user_id")
    .leftJoin("chapters as ch", "ch.id", "c.chapter_id")
    .select(["c.id", "c.work_id", "c.chapter_id", "c.parent_id", "c.user_id", "c.guest_name", "c.content", "c.unreviewed", "c.deleted", "c.frozen", "c.spam_hold", "c.edited_at", "c.created_at", "c.updated_at"])
    .select(["u.login", "ch.position as chapter_position"])
    .where("c.id", "=", id)
    .executeTakeFirst();
}

/** A work's chapter by id, when it is one of this work's posted chapters (a form's chapter id is not trusted). */
export async function postedChapterOf(db: DbOrTrx, workId: number, chapterId: number): Promise<{ id: number; position: number } | undefined> {
  return db.selectFrom("chapters").select(["id", "position"]).where("id", "=", chapterId).where("work_id", "=", workId).where("posted", "=", 1).executeTakeFirst();
}

/** When the user's account was made (new accounts are rate limited). */
export async function accountCreatedAt(db: DbOrTrx, userId: number): Promise<string | undefined> {
  return (await db.selectFrom("users").select("created_at").where("id", "=", userId).executeTakeFirst())?.created_at;
}

export const INBOX_PER_PAGE = 20;

export interface InboxEntry extends ShownComment {
  read: number;
  work_title: string;
  /** Whether it replies to one of the owner's comments (else it is on one of their works). */
  is_reply: boolean;
}

/**
 * A page of a user's inbox, newest first: comments on their works and replies to their comments,
 * on works they may still see (one of their own, or one listed for them: a work that became a
 * draft leaves the inboxes of everyone but its creators).
 */
export async function inboxOf(db: DbOrTrx, viewer: Viewer & { user: { id: number } }, page: number): Promise<{ total: number; unread: number; entries: InboxEntry[] }> {
  const userId = viewer.user.id;
  const base = db
    .selectFrom("comment_inbox as i")
    .innerJoin("comments as c", "c.id", "i.comment_id")
    .innerJoin("works", "works.id", "c.work_id")
    .where("i.user_id", "=", userId)
    // A comment held as spam is in no inbox until an admin approves it (an edit can hold one already there).
    .where("c.spam_hold", "=", 0)
    .where((eb) =>
      eb.or([
        listableBy(viewer)(eb as never),
        eb("works.id", "in", eb.selectFrom("work_creators").innerJoin("pseuds", "pseuds.id", "work_creators.pseud_id").select("work_creators.work_id").where("pseuds.user_id", "=", userId)),
      ]),
    );
  const [counts, rows] = await Promise.all([
    base.select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.sum<number>(eb.case().when("i.read", "=", 0).then(1).else(0).end()).as("unread")]).executeTakeFirst(),
    base
      .leftJoin("users as u", "u.id", "c.user_id")
      .leftJoin("chapters as ch", "ch.id", "c.chapter_id")
      .leftJoin("comments as p", "p.id", "c.parent_id")
      .select(["c.id", "c.work_id", "c.chapter_id", "c.parent_id", "c.user_id", "c.guest_name", "c.content", "c.unreviewed", "c.deleted", "c.frozen", "c.spam_hold", "c.edited_at", "c.created_at", "c.updated_at"])
      .select(["u.login", "ch.position as chapter_position", "i.read", "works.title as work_title", "p.user_id as parent_user_id"])
      .orderBy("c.id", "desc")
      .limit(INBOX_PER_PAGE)
      .offset((page - 1) * INBOX_PER_PAGE)
      .execute(),
  ]);
  return {
    total: Number(counts?.n ?? 0),
    unread: Number(counts?.unread ?? 0),
    entries: rows.map(({ parent_user_id, ...row }) => ({ ...row, is_reply: parent_user_id === userId })),
  };
}
