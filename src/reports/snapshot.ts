import { findComment } from "../comments/index.js";
import { findBookmark } from "../responses/index.js";
import { findSeries } from "../model/series.js";
import { findUserByLogin, nameKey, pseudsOf } from "../model/users.js";
import { chaptersOf, findWork, tagsOfWork } from "../model/works.js";
import { type DbOrTrx, nowIso } from "../platform/db/index.js";
import { sanitizeUserHtml } from "../platform/html/sanitize.js";
import { EMPTY_HTML, type TrustedHtml } from "../platform/html/trusted-html.js";
import { type Subject, type SubjectKind, subjectOfPath } from "./schema.js";

/*
 * Why a snapshot: a report is read later, sometimes days later, and by then the reported page may
 * have changed (the writer edited the summary, retagged the work) or vanished (the work deleted,
 * the account renamed). The admin must judge what the reporter saw, so the page's facts are copied
 * when the report is made. HTML (a summary, the text's beginning, a comment) is copied from the
 * sanitized columns and sanitized again after cutting, so what is stored is sanitized markup.
 */

/** How much of a text the snapshot keeps: its beginning, this many characters of text. */
export const SNAPSHOT_TEXT_CHARS = 2000;
/** How much of a summary, profile or notes it keeps. */
export const SNAPSHOT_SUMMARY_CHARS = 2000;

export interface SnapshotPerson {
  userId: number;
  login: string;
  /** The pseud the page showed, when it was not the login. */
  pseud?: string;
}

/** The plain facts of the reported page, as stored (JSON). Every text here is escaped when shown. */
export interface Snapshot {
  /** What the URL turned out to be; "missing" when it named something that did not exist. */
  kind: SubjectKind | "missing";
  takenAt: string;
  workId?: number;
  title?: string;
  chapter?: { id: number; position: number; title: string };
  /** Tags by type (Rating, ArchiveWarning, Category, Fandom, Relationship, Character, Freeform). */
  tags?: { type: string; name: string }[];
  language?: string;
  words?: number;
  /** The work's state then: a draft, registered-only, hidden by an admin. */
  state?: { posted: boolean; restricted: boolean; hidden: boolean };
  seriesId?: number;
  commentId?: number;
  bookmarkId?: number;
  /** A comment's guest author, when not a user. */
  guestName?: string;
  /** A comment's or a bookmark's work (or series), for a link. */
  on?: { workId?: number; seriesId?: number; title: string };
  /** The users the page is about (the creators, the profile's owner, the commenter): whom the actions name. */
  people: SnapshotPerson[];
  joinedAt?: string;
  pseuds?: string[];
}

export interface TakenSnapshot {
  /** What the per-subject cap counts by. */
  subjectKey: string;
  capKind: SubjectKind;
  workId: number | null;
  chapterId: number | null;
  reportedUserId: number | null;
  snapshot: Snapshot;
  summaryHtml: TrustedHtml;
  textHtml: TrustedHtml;
}

/**
 * The beginning of sanitized HTML, about `chars` characters of its text, cut between words or
 * before a tag and sanitized again (which closes what the cut left open), with "…" when cut.
 */
export function beginningOf(html: string, chars: number): TrustedHtml {
  if (!html) return EMPTY_HTML;
  let text = 0;
  let i = 0;
  while (i < html.length && text < chars) {
    const c = html[i]!;
    if (c === "<") {
      const end = html.indexOf(">", i);
      i = end === -1 ? html.length : end + 1;
    } else if (c === "&") {
      const end = html.indexOf(";", i);
      i = end === -1 || end - i > 12 ? i + 1 : end + 1;
      text++;
    } else {
      i++;
      text++;
    }
  }
  if (i >= html.length) return sanitizeUserHtml(html, "content");
  // Finish the word under way: up to the next space or tag.
  while (i < html.length && html[i] !== "<" && !/\s/.test(html[i]!)) {
    if (html[i] === "&") {
      const end = html.indexOf(";", i);
      i = end === -1 ? i + 1 : end + 1;
    } else i++;
  }
  if (i >= html.length) return sanitizeUserHtml(html, "content");
  return sanitizeUserHtml(`${html.slice(0, i)}…`, "content");
}

const cut = (html: string, chars: number) => beginningOf(html, chars);

/** Takes the snapshot of the page at an archive path (what exists of it, now). */
export async function takeSnapshot(db: DbOrTrx, path: string): Promise<TakenSnapshot> {
  const subject = subjectOfPath(path);
  const takenAt = nowIso();
  const base = { workId: null, chapterId: null, reportedUserId: null, summaryHtml: EMPTY_HTML, textHtml: EMPTY_HTML };
  const missing = (subjectKey: string, capKind: SubjectKind): TakenSnapshot => ({ ...base, subjectKey, capKind, snapshot: { kind: "missing", takenAt, people: [] } });
  switch (subject.kind) {
    case "work":
      return (await workSnapshot(db, subject, takenAt)) ?? { ...missing(`work:${subject.workId}`, "work"), workId: subject.workId };
    case "user": {
      const user = await findUserByLogin(db, subject.login);
      if (!user) return missing(`user:${nameKey(subject.login)}`, "user");
      const pseuds = (await pseudsOf(db, user.id)).map((p) => p.name);
      return {
        ...base,
        subjectKey: `user:${user.id}`,
        capKind: "user",
        reportedUserId: user.id,
        snapshot: { kind: "user", takenAt, people: [{ userId: user.id, login: user.login }], joinedAt: user.created_at, pseuds },
        summaryHtml: cut(user.profile, SNAPSHOT_SUMMARY_CHARS),
      };
    }
    case "comment": {
      const comment = await findComment(db, subject.commentId);
      if (!comment) return missing(`comment:${subject.commentId}`, "comment");
      const work = await findWork(db, comment.work_id);
      const people = comment.user_id !== null && comment.login ? [{ userId: comment.user_id, login: comment.login }] : [];
      return {
        ...base,
        subjectKey: `comment:${comment.id}`,
        capKind: "comment",
        reportedUserId: comment.user_id,
        snapshot: {
          kind: "comment",
          takenAt,
          commentId: comment.id,
          guestName: comment.user_id === null ? (comment.guest_name ?? "") : undefined,
          on: work ? { workId: work.id, title: work.title } : undefined,
          people,
        },
        textHtml: cut(comment.content, SNAPSHOT_TEXT_CHARS),
      };
    }
    case "series": {
      const series = await findSeries(db, subject.seriesId);
      if (!series) return missing(`series:${subject.seriesId}`, "series");
      const people = uniquePeople(series.creators.map((c) => (c.pseudName === c.login ? { userId: c.userId, login: c.login } : { userId: c.userId, login: c.login, pseud: c.pseudName })));
      return {
        ...base,
        subjectKey: `series:${series.id}`,
        capKind: "series",
        reportedUserId: people[0]?.userId ?? null,
        snapshot: { kind: "series", takenAt, seriesId: series.id, title: series.title, people },
        summaryHtml: cut(series.summary, SNAPSHOT_SUMMARY_CHARS),
      };
    }
    case "bookmark": {
      const bookmark = await findBookmark(db, subject.bookmarkId);
      if (!bookmark) return missing(`bookmark:${subject.bookmarkId}`, "bookmark");
      const work = bookmark.work_id !== null ? await findWork(db, bookmark.work_id) : undefined;
      const series = bookmark.series_id !== null ? await findSeries(db, bookmark.series_id) : undefined;
      return {
        ...base,
        subjectKey: `bookmark:${bookmark.id}`,
        capKind: "bookmark",
        reportedUserId: bookmark.user_id,
        snapshot: {
          kind: "bookmark",
          takenAt,
          bookmarkId: bookmark.id,
          tags: bookmark.tags.map((name) => ({ type: "Bookmark", name })),
          on: work ? { workId: work.id, title: work.title } : series ? { seriesId: series.id, title: series.title } : undefined,
          people: [{ userId: bookmark.user_id, login: bookmark.login }],
        },
        summaryHtml: cut(bookmark.notes, SNAPSHOT_SUMMARY_CHARS),
      };
    }
    case "page":
      return { ...base, subjectKey: `page:${subject.path}`, capKind: "page", snapshot: { kind: "page", takenAt, people: [] } };
  }
}

function uniquePeople(people: SnapshotPerson[]): SnapshotPerson[] {
  const seen = new Set<number>();
  return people.filter((p) => !seen.has(p.userId) && seen.add(p.userId));
}

async function workSnapshot(db: DbOrTrx, subject: Extract<Subject, { kind: "work" }>, takenAt: string): Promise<TakenSnapshot | null> {
  const work = await findWork(db, subject.workId);
  if (!work) return null;
  const [tags, chapters] = await Promise.all([tagsOfWork(db, work.id), chaptersOf(db, work.id)]);
  // The chapter the URL named, else the first one a reader would see.
  const chapter = chapters.find((c) => c.id === subject.chapterId) ?? chapters.find((c) => c.posted || !work.posted) ?? chapters[0];
  const people = uniquePeople(work.creators.map((c) => (c.pseudName === c.login ? { userId: c.userId, login: c.login } : { userId: c.userId, login: c.login, pseud: c.pseudName })));
  return {
    subjectKey: `work:${work.id}`,
    capKind: "work",
    workId: work.id,
    chapterId: chapter && chapter.id === subject.chapterId ? chapter.id : null,
    reportedUserId: people[0]?.userId ?? null,
    snapshot: {
      kind: "work",
      takenAt,
      workId: work.id,
      title: work.title,
      chapter: chapter ? { id: chapter.id, position: chapter.position, title: chapter.title } : undefined,
      tags: tags.map((tag) => ({ type: tag.type, name: tag.name })),
      language: work.language,
      words: work.word_count,
      state: { posted: work.posted === 1, restricted: work.restricted === 1, hidden: work.hidden_by_admin === 1 },
      people,
    },
    summaryHtml: cut(work.summary, SNAPSHOT_SUMMARY_CHARS),
    textHtml: chapter ? cut(chapter.content, SNAPSHOT_TEXT_CHARS) : EMPTY_HTML,
  };
}

/** A stored snapshot read back; an unreadable one is treated as the URL only. */
export function readSnapshot(json: string): Snapshot {
  try {
    const value = JSON.parse(json) as Snapshot;
    if (value && typeof value === "object" && typeof value.kind === "string") return { ...value, people: Array.isArray(value.people) ? value.people : [] };
  } catch {
    // fall through
  }
  return { kind: "page", takenAt: "", people: [] };
}
