import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { escapeText } from "../../platform/html/trusted-html.js";
import { findLanguage } from "../../model/languages.js";
import { RATINGS } from "../../model/vocabulary.js";
import { emailErrors } from "../../users/index.js";
import { checkImportedWork, type ImportedChapter, type ImportedWork, type ImportLoss } from "../imported-work.js";
import type { EfictionArchive, EfictionAuthor, EfictionStory } from "./archive.js";
import { indexMapping, type MapRow, mappingInForce, tagsOfStory } from "./mapping.js";
import { efictionTextToHtml, hasLostCharacters, restoreLostCharacters, unescapeDoubleEscaped } from "./text-repair.js";

/**
 * An eFiction import worked out in full before anything is written: every account, story (with
 * its chapters read from disk and checked by the posting form's rules), series place, review and
 * favorite, and every loss. `runEfictionImport` then only writes it.
 */

export interface PlannedAccount {
  author: EfictionAuthor;
  /** The login wanted here (the penname, fitted to Fanfold's login rules); the run may add a suffix if it is taken. */
  login: string;
  email: string;
  profile: string;
  /** "md5:<hex>", or "none:" when eFiction's stored value is no MD5 digest (no log-in accepts it; the account is claimed by email). */
  legacyPassword: string;
}

export interface PlannedStory {
  story: EfictionStory;
  /**
   * The work, without its creators (the run knows the logins); chapters in eFiction's order, their
   * text left out ("") once checked: holding every chapter of a big archive would cost gigabytes.
   */
  work: ImportedWork;
  /** Its chapters' text (HTML), read and cleaned up again as when it was checked, in the order of `work.chapters`. */
  chapterContents(): string[];
  chapterIds: number[];
  /** The series this story is part of, by eFiction id, with its part number among the imported ones. */
  series: { seriesid: number; part: number }[];
  /** Saved as a draft: not validated on eFiction, or a chapter's text is missing. */
  draft: boolean;
}

export interface PlannedReview {
  reviewid: number;
  sid: number;
  /** The eFiction chapter it was left on; null: on the story as a whole. */
  chapid: number | null;
  /** The reviewer's eFiction uid, or null for a guest named `guestName`. */
  uid: number | null;
  guestName: string;
  content: string;
  date: string;
}

export interface PlannedFavorite {
  uid: number;
  kind: "story" | "author" | "series";
  item: number;
  notes: string;
}

export interface EfictionPlan {
  archive: EfictionArchive;
  mapping: MapRow[];
  accounts: PlannedAccount[];
  stories: PlannedStory[];
  series: { seriesid: number; title: string; summary: string; ownerUid: number; complete: boolean }[];
  reviews: PlannedReview[];
  favorites: PlannedFavorite[];
  losses: ImportLoss[];
  /** Problems that stop the import: it writes nothing while there is one. */
  refusals: ImportLoss[];
}

/** Where a row is, for a report line: the table's name after the prefix and the dump's line. */
const at = (table: string, line: number, what: string) => `${what} (fanfiction_${table}, dump line ${line})`;

/** eFiction's `ratingwarning` flags: bit 4 is "registered users only" (AO3's restricted works). */
const MEMBERS_ONLY_FLAG = 4;

export function planEfictionImport(archive: EfictionArchive, options: { storiesDir: string; mapping: MapRow[] | null }): EfictionPlan {
  const losses: ImportLoss[] = [];
  const refusals: ImportLoss[] = [];
  const lose = (where: string, message: string) => losses.push({ where, message });
  const mapping = mappingInForce(archive, options.mapping);
  const mappingIndex = indexMapping(mapping);

  if (archive.mojibake.detected) {
    lose("the whole dump", `its text was latin1 mojibake (UTF-8 read as latin1): ${archive.mojibake.repaired} values repaired${archive.mojibake.leftAsIs ? `, ${archive.mojibake.leftAsIs} left as they were (they do not read back as UTF-8)` : ""}.`);
  }

  if (archive.mojibake.undecodable) {
    lose("the whole dump", `${archive.mojibake.undecodable} values hold bytes that are not UTF-8 (a dump made with another character set?); those bytes are imported as "\uFFFD".`);
  }

  // Accounts.
  const authorsByUid = new Map(archive.authors.map((a) => [a.uid, a]));
  const accounts = archive.authors.map((author): PlannedAccount => {
    const login = loginFromPenname(author.penname, author.uid);
    if (login !== author.penname) lose(at("authors", author.line, `author ${author.uid} "${author.penname}"`), `the penname is not a valid login here; the account is "${login}".`);
    if (emailErrors(author.email).length) lose(at("authors", author.line, `author ${author.uid} "${author.penname}"`), `"${author.email}" is not an email address; the account cannot be claimed by email.`);
    if (author.md5 === null) lose(at("authors", author.line, `author ${author.uid} "${author.penname}"`), "the stored password is not an MD5 digest; the account is claimed by email only.");
    if (author.level > 0) lose(at("authors", author.line, `author ${author.uid} "${author.penname}"`), `an eFiction admin (level ${author.level}); imported as an ordinary account (give a role with the admin pages if wanted).`);
    const realname = author.realname.trim() ? `<p>${escapeText(author.realname.trim())}</p>` : "";
    const bio = author.bio.trim() ? efictionTextToHtml(author.bio, "profile") : "";
    return { author, login, email: author.email, profile: realname + bio, legacyPassword: author.md5 ? `md5:${author.md5}` : "none:" };
  });

  // Series: titles cleaned once; parts numbered among the stories actually imported.
  const series = archive.series.map((s) => {
    const title = unescapeDoubleEscaped(s.title).trim() || `Series ${s.seriesid}`;
    if (title !== s.title) lose(at("series", s.line, `series ${s.seriesid}`), `title "${s.title}" stored escaped twice by eFiction; imported as "${title}".`);
    return { seriesid: s.seriesid, title, summary: efictionTextToHtml(unescapeDoubleEscaped(s.summary), "summary"), ownerUid: s.uid, complete: false };
  });
  const seriesIds = new Set(series.map((s) => s.seriesid));
  const storyIds = new Set(archive.stories.map((s) => s.sid));
  const placesOf = new Map<number, { seriesid: number; order: number }[]>();
  for (const entry of archive.seriesEntries) {
    if (!seriesIds.has(entry.seriesid)) {
      lose(at("inseries", entry.line, `series entry`), `series ${entry.seriesid} does not exist; skipped.`);
      continue;
    }
    if (entry.subseriesid > 0 && entry.sid === 0) {
      lose(at("inseries", entry.line, `series ${entry.seriesid}`), `holds series ${entry.subseriesid} as a sub-series; Fanfold has no series of series, so that link is not kept.`);
      continue;
    }
    if (!storyIds.has(entry.sid)) {
      lose(at("inseries", entry.line, `series ${entry.seriesid}`), `names story ${entry.sid}, which the dump does not have; skipped.`);
      continue;
    }
    placesOf.set(entry.sid, [...(placesOf.get(entry.sid) ?? []), { seriesid: entry.seriesid, order: entry.order }]);
  }
  const partOf = new Map<string, number>();
  for (const s of series) {
    const members = archive.seriesEntries.filter((e) => e.seriesid === s.seriesid && e.sid > 0 && storyIds.has(e.sid)).sort((a, b) => a.order - b.order || a.sid - b.sid);
    members.forEach((m, i) => partOf.set(`${s.seriesid}:${m.sid}`, i + 1));
  }

  // Chapters by story, in eFiction's order.
  const chaptersOf = new Map<number, typeof archive.chapters>();
  for (const chapter of archive.chapters) {
    if (!storyIds.has(chapter.sid)) {
      lose(at("chapters", chapter.line, `chapter ${chapter.chapid}`), `belongs to story ${chapter.sid}, which the dump does not have; skipped.`);
      continue;
    }
    chaptersOf.set(chapter.sid, [...(chaptersOf.get(chapter.sid) ?? []), chapter]);
  }
  const ratingsById = new Map(archive.ratings.map((r) => [r.rid, r]));
  const language = findLanguage(archive.settings.language)?.code ?? null;

  const stories: PlannedStory[] = [];
  for (const story of orderForSeries(archive.stories, placesOf)) {
    const where = at("stories", story.line, `story ${story.sid}`);
    if (!authorsByUid.has(story.uid)) {
      lose(where, `its author (uid ${story.uid}) is not in the dump; the story is not imported.`);
      continue;
    }
    const chapters = (chaptersOf.get(story.sid) ?? []).sort((a, b) => a.order - b.order || a.chapid - b.chapid);
    if (chapters.length === 0) {
      lose(where, "has no chapters; the story is not imported.");
      continue;
    }
    let draft = !story.validated;
    if (draft) lose(where, "was not validated on eFiction; imported as a draft.");
    const missing: number[] = [];
    const rawTexts: string[] = [];
    const chapterContent = (raw: string | null) =>
      raw === null ? `<p>${escapeText(`[The text of this chapter was missing when ${archive.settings.siteUrl || "the eFiction archive"} was imported.]`)}</p>` : efictionTextToHtml(raw);
    const importedChapters: ImportedChapter[] = chapters.map((chapter, i): ImportedChapter => {
      const raw = chapterText(archive, options.storiesDir, chapter, story, (message) => lose(at("chapters", chapter.line, `story ${story.sid} chapter ${i + 1} (chapid ${chapter.chapid})`), message));
      if (raw === null) missing.push(i + 1);
      else rawTexts.push(raw);
      if (!chapter.validated && story.validated) lose(at("chapters", chapter.line, `story ${story.sid} chapter ${i + 1}`), "was not validated on eFiction; imported with the story.");
      return {
        title: chapter.title,
        summary: "",
        notes: chapter.notes.trim() ? efictionTextToHtml(chapter.notes, "notes") : "",
        endnotes: chapter.endnotes.trim() ? efictionTextToHtml(chapter.endnotes, "endnotes") : "",
        content: chapterContent(raw),
        // eFiction keeps no chapter dates: the first chapter has the story's date, the last its "updated" date.
        publishedOn: i === 0 ? day(story.published) : i === chapters.length - 1 ? day(story.updated) : null,
      };
    });
    let notes = story.notes.trim() ? efictionTextToHtml(story.notes, "notes") : "";
    if (missing.length) {
      draft = true;
      const notice = `Imported from ${archive.settings.siteUrl || "an eFiction archive"}: the text of chapter${missing.length > 1 ? "s" : ""} ${missing.join(", ")} was missing from the archive's files, so this work was saved as a draft. Paste the text in and post the work.`;
      notes = `<p><strong>${escapeText(notice)}</strong></p>${notes}`;
      lose(where, `text missing for chapter${missing.length > 1 ? "s" : ""} ${missing.join(", ")}; imported as a draft with a notice to its author.`);
    }

    // Emoji the database lost: put back from the chapter text when it holds the same words.
    const repairLost = (value: string, what: string) => {
      if (!hasLostCharacters(value)) return value;
      const { text, restored } = restoreLostCharacters(value, rawTexts);
      if (restored) lose(where, `${what}: ${restored} character(s) eFiction's database had lost ("????") put back from the chapter text.`);
      else lose(where, `${what} "${value}": "????" where eFiction's database connection lost an emoji or other 4-byte character; kept as "????".`);
      return text;
    };
    const title = repairLost(story.title, "title").trim() || "Untitled";
    const summary = repairLost(story.summary, "summary");
    importedChapters.forEach((c, i) => (c.title = repairLost(c.title, `chapter ${i + 1} title`)));

    const tags = tagsOfStory(story, mappingIndex);
    for (const unknown of tags.unknown) lose(where, `names ${unknown}, which the archive does not define; left out.`);
    const rating = story.rid !== null ? ratingsById.get(story.rid) : undefined;
    const flags = rating?.flags ?? 0;
    const storySeries = (placesOf.get(story.sid) ?? []).map((p) => ({ seriesid: p.seriesid, part: partOf.get(`${p.seriesid}:${story.sid}`)! }));
    const work: ImportedWork = {
      title,
      rating: tags.rating ?? (RATINGS[0]!.name),
      warnings: tags.warnings,
      categories: tags.categories,
      fandoms: tags.fandoms,
      relationships: tags.relationships,
      characters: tags.characters,
      freeforms: tags.freeforms,
      language,
      summary: summary.trim() ? efictionTextToHtml(summary, "summary") : "",
      notes,
      endnotes: "",
      publishedOn: day(story.published),
      revisedOn: day(story.updated),
      expectedChapters: story.completed ? chapters.length : null,
      restricted: (flags & MEMBERS_ONLY_FLAG) !== 0,
      // Guests could review on eFiction: guests may comment here too; otherwise the form's default (registered users).
      commentPermission: archive.settings.anonymousReviews ? "all" : null,
      creators: [],
      series: storySeries.map((p) => ({ title: series.find((s) => s.seriesid === p.seriesid)!.title, part: p.part })),
      giftsFor: [],
      originalUrl: archive.settings.siteUrl ? `${archive.settings.siteUrl}/viewstory.php?sid=${story.sid}` : null,
      chapters: importedChapters,
    };
    const check = checkImportedWork(work, { pseudIds: [1] });
    if (!check.ok) {
      refusals.push({ where, message: `${check.field}: ${check.message}` });
      continue;
    }
    for (const coauthor of story.coauthorUids) {
      if (!authorsByUid.has(coauthor)) lose(where, `co-author uid ${coauthor} is not in the dump; not credited.`);
    }
    // The text is read again when the work is saved (its losses were reported just now).
    const withoutText: ImportedWork = { ...work, chapters: work.chapters.map((c) => ({ ...c, content: "" })) };
    const chapterContents = () => chapters.map((chapter) => chapterContent(chapterText(archive, options.storiesDir, chapter, story, () => {})));
    stories.push({ story, work: withoutText, chapterContents, chapterIds: chapters.map((c) => c.chapid), series: storySeries, draft });
  }

  // Reviews: on stories (type ST); eFiction's series reviews have no place here.
  const imported = new Map(stories.map((s) => [s.story.sid, s]));
  const reviews: PlannedReview[] = [];
  for (const review of archive.reviews) {
    const where = at("reviews", review.line, `review ${review.reviewid}`);
    if (review.type !== "ST") {
      lose(where, `a review of ${review.type === "SE" ? `series ${review.item}` : `a ${review.type || "?"} item`}; Fanfold has no comments there, so it is not imported.`);
      continue;
    }
    const target = imported.get(review.item);
    if (!target) {
      lose(where, `on story ${review.item}, which is not imported; skipped.`);
      continue;
    }
    let chapid: number | null = review.chapid > 0 ? review.chapid : null;
    if (chapid !== null && !target.chapterIds.includes(chapid)) {
      lose(where, `names chapter ${chapid}, which is not a chapter of story ${review.item}; left on the work as a whole.`);
      chapid = null;
    }
    let uid: number | null = review.uid > 0 ? review.uid : null;
    if (uid !== null && !authorsByUid.has(uid)) {
      lose(where, `by uid ${uid}, who is not in the dump; kept as a guest comment by "${review.reviewer}".`);
      uid = null;
    }
    const text = review.text.trim() ? efictionTextToHtml(review.text, "comment") : "";
    const stars = review.rating > 0 ? `<p><em>${escapeText(`Rating: ${review.rating} of 10 stars`)}</em></p>` : "";
    if (!text && !stars) {
      lose(where, "has neither text nor a rating; skipped.");
      continue;
    }
    reviews.push({ reviewid: review.reviewid, sid: review.item, chapid, uid, guestName: review.reviewer.trim() || "Anonymous", content: text + stars, date: review.date ?? target.story.published ?? new Date().toISOString() });
  }

  // Favorites: stories → bookmarks (the comment as the notes), authors → subscriptions, series → series bookmarks.
  const favorites: PlannedFavorite[] = [];
  for (const favorite of archive.favorites) {
    const where = at("favorites", favorite.line, `favorite of uid ${favorite.uid}`);
    if (!authorsByUid.has(favorite.uid)) {
      lose(where, "by a user not in the dump; skipped.");
      continue;
    }
    const kind = favorite.type === "ST" ? "story" : favorite.type === "AU" ? "author" : favorite.type === "SE" ? "series" : null;
    if (!kind) {
      lose(where, `of type "${favorite.type}", which Fanfold has no use for; skipped.`);
      continue;
    }
    const exists = kind === "story" ? imported.has(favorite.item) : kind === "author" ? authorsByUid.has(favorite.item) : seriesIds.has(favorite.item);
    if (!exists) {
      lose(where, `of ${kind} ${favorite.item}, which is not imported; skipped.`);
      continue;
    }
    if (kind === "author" && favorite.comments.trim()) lose(where, `the note on a favorite author ("${favorite.comments.trim().slice(0, 60)}") has no place on a subscription; not kept.`);
    favorites.push({ uid: favorite.uid, kind, item: favorite.item, notes: favorite.comments.trim() && kind !== "author" ? efictionTextToHtml(favorite.comments, "notes") : "" });
  }

  return { archive, mapping, accounts, stories, series, reviews, favorites, losses, refusals };
}

/**
 * Stories in the order they are saved: the members of each series in their series order first
 * (a series part can only follow the parts before it), then the rest by id.
 */
function orderForSeries(stories: EfictionStory[], placesOf: Map<number, { seriesid: number; order: number }[]>): EfictionStory[] {
  const keyed = stories.map((story) => {
    const places = placesOf.get(story.sid) ?? [];
    const first = places.sort((a, b) => a.seriesid - b.seriesid)[0];
    return { story, key: first ? [0, first.seriesid, first.order, story.sid] : [1, 0, 0, story.sid] };
  });
  keyed.sort((a, b) => a.key[0]! - b.key[0]! || a.key[1]! - b.key[1]! || a.key[2]! - b.key[2]! || a.key[3]! - b.key[3]!);
  return keyed.map((k) => k.story);
}

/** A planned story's work with its chapters' text: what is saved. */
export function plannedWorkWithText(planned: PlannedStory): ImportedWork {
  const contents = planned.chapterContents();
  return { ...planned.work, chapters: planned.work.chapters.map((c, i) => ({ ...c, content: contents[i]! })) };
}

/** A chapter's text as eFiction stored it: the file `<stories>/<uid>/<chapid>.txt`, or the database column; null when neither has it. */
function chapterText(archive: EfictionArchive, storiesDir: string, chapter: EfictionArchive["chapters"][number], story: EfictionStory, lose: (message: string) => void): string | null {
  if (archive.settings.store === "mysql") {
    if (chapter.storytext !== null && chapter.storytext.trim()) return chapter.storytext;
    lose("the archive keeps text in the database (store = mysql) but this chapter's storytext is empty.");
    return null;
  }
  // The file is under the uid of whoever posted the chapter; a chapter moved between co-authors may be under the story's owner.
  for (const uid of [...new Set([chapter.uid, story.uid])]) {
    const path = join(storiesDir, String(uid), `${chapter.chapid}.txt`);
    if (!existsSync(path)) continue;
    const bytes = readFileSync(path);
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      lose(`${uid}/${chapter.chapid}.txt is not UTF-8; read as Windows-1252 (latin1).`);
      return new TextDecoder("windows-1252").decode(bytes);
    }
  }
  if (chapter.storytext !== null && chapter.storytext.trim()) {
    lose(`${chapter.uid}/${chapter.chapid}.txt is missing; the text kept in the database is used.`);
    return chapter.storytext;
  }
  return null;
}

/** An ISO timestamp's day (YYYY-MM-DD). */
function day(iso: string | null): string | null {
  return iso ? iso.slice(0, 10) : null;
}

/**
 * A penname as a login here: eFiction allows spaces and dashes, Fanfold logins are letters,
 * digits and underscores (3 to 40, starting and ending with a letter or digit).
 */
export function loginFromPenname(penname: string, uid: number): string {
  let login = penname
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9_]+/g, "_")
    .replace(/_+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 40)
    .replace(/_+$/, "");
  if (login.length < 3) login = `${login || "author"}_${uid}`;
  return login;
}
