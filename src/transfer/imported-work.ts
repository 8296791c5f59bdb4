/**
 * A work as an import source describes it, before it is stored: the one shape every importer
 * (work-text files, AO3 downloads in HTML and EPUB, FanFicFare e-books, eFiction stories) produces,
 * and the one function that stores it (`saveImportedWork`, beside this type), so that what an
 * import keeps is decided in one place.
 *
 * Names, not ids: a file names its creators, series and gift recipients as text; saving resolves
 * them (a co-creator or recipient that is a pseud here is linked, otherwise kept as a name).
 * HTML fields are as the source gave them; saving passes them through the one sanitizer.
 */
export interface ImportedWork {
  title: string;
  /** Rating, warnings and categories by their archive names ("Teen And Up Audiences", "F/M"). */
  rating: string | null;
  warnings: string[];
  categories: string[];
  fandoms: string[];
  relationships: string[];
  characters: string[];
  freeforms: string[];
  /** A language name or code as the source wrote it ("English", "en"); null: not given. */
  language: string | null;
  summary: string;
  notes: string;
  endnotes: string;
  /** YYYY-MM-DD; null: not given. */
  publishedOn: string | null;
  /** "Date Updated" / "Completed", YYYY-MM-DD; null: not given. */
  revisedOn: string | null;
  /** Null: "?" (the creator does not know yet). */
  expectedChapters: number | null;
  /** Registered users only (AO3's "restricted"); null: not given (public). */
  restricted: boolean | null;
  /** "all" | "registered" | "none"; null: not given. */
  commentPermission: "all" | "registered" | "none" | null;
  /** Creator names in byline order (pseud names, or "Pseud (login)" as AO3 writes them). */
  creators: string[];
  /** Series this work is part of, with its part number when the source says. */
  series: { title: string; part: number | null }[];
  /** Names the work is a gift for. */
  giftsFor: string[];
  /** Where the work was first published (AO3 work URL, old archive URL); null: not known. */
  originalUrl: string | null;
  chapters: ImportedChapter[];
}

export interface ImportedChapter {
  title: string;
  summary: string;
  notes: string;
  endnotes: string;
  /** The chapter's text as HTML. */
  content: string;
  /** YYYY-MM-DD; null: the work's date. */
  publishedOn: string | null;
}

/** What an import could not carry over, to tell the user (on stderr, in a report). */
export interface ImportLoss {
  /** Where: a file line, a header label, a table and row. */
  where: string;
  message: string;
}
