import { emailErrors } from "../users/index.js";
import type { FieldErrors } from "../platform/http/components.js";
import { field } from "../platform/http/forms-parser.js";
import { stripToPlainText } from "../platform/html/sanitize.js";
import { t } from "../platform/i18n/index.js";

/** The report form's field names (AO3's, so the form reads the same). */
export const FIELDS = {
  url: "abuse_report[url]",
  summary: "abuse_report[summary]",
  details: "abuse_report[comment]",
  email: "abuse_report[email]",
} as const;

/** Lengths: AO3 keeps URLs to 2,080 characters; the summary is a line, the details a long comment. */
export const LIMITS = { url: 2080, summary: 300, details: 10_000, email: 254 } as const;

/**
 * How often one thing may be reported, as AO3 caps it (app/models/abuse_report.rb): a work or a
 * user 5 times in 31 days, a comment, series or bookmark 3 times in 30 days. AO3 leaves other
 * pages uncapped; here any other page gets the work's cap, so no URL can flood the queue.
 */
export const SUBJECT_CAPS = {
  work: { max: 5, days: 31 },
  user: { max: 5, days: 31 },
  comment: { max: 3, days: 30 },
  series: { max: 3, days: 30 },
  bookmark: { max: 3, days: 30 },
  page: { max: 5, days: 31 },
} as const;
export type SubjectKind = keyof typeof SUBJECT_CAPS;

/** AO3: at most 5 reports from one email address a day. */
export const EMAIL_CAP = { max: 5, days: 1 } as const;

/**
 * Per network address (the route's rate limit, shared by every process): AO3 has no limit of its
 * own here beyond its general one, so this is our choice: 10 sendings an hour, enough for a
 * person with a few reports (and a few mistyped forms), not for a script.
 */
export const ADDRESS_LIMIT = { max: 10, timeWindow: 60 * 60_000 } as const;

export interface ReportForm {
  url: string;
  summary: string;
  details: string;
  email: string;
}

/** The form's values as typed, to fill the form again. */
export function readReportForm(body: unknown): ReportForm {
  return {
    url: field(body, FIELDS.url).trim(),
    summary: field(body, FIELDS.summary),
    details: field(body, FIELDS.details),
    email: field(body, FIELDS.email).trim(),
  };
}

/** What a valid report says, cleaned, with the reported page's path inside the archive. */
export interface ReportInput {
  /** The absolute URL of the reported page. */
  url: string;
  /** The same page as a path of this archive ("/works/12/chapters/3"), query and fragment kept. */
  path: string;
  summary: string;
  details: string;
  email: string;
}

export type ParsedReport = { ok: true; value: ReportInput } | { ok: false; errors: FieldErrors };

/**
 * The path inside this archive that a typed URL names, or null when it names another site. A
 * local path ("/works/1"), an absolute URL on the archive's host (either scheme, since readers
 * copy both), or the host and path without a scheme ("archive.example/works/1") are accepted;
 * under a PUBLIC_URL with a path prefix, only URLs below it.
 */
export function archivePathOf(typed: string, publicUrl: string): string | null {
  const raw = typed.trim();
  if (!raw) return null;
  if (raw.startsWith("/")) return raw.startsWith("//") || raw.startsWith("/\\") ? null : raw;
  const base = new URL(publicUrl);
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:/i.test(raw) ? raw : `${base.protocol}//${raw}`);
  } catch {
    return null;
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.host !== base.host || url.username || url.password) return null;
  const prefix = base.pathname.replace(/\/+$/, "");
  if (prefix && url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) return null;
  const path = url.pathname.slice(prefix.length) || "/";
  return `${path}${url.search}${url.hash}`;
}

/** The absolute URL of an archive path. */
export function archiveUrlOf(path: string, publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, "")}${path}`;
}

/**
 * Validates a report form. `accountEmail` is the logged-in reporter's address, used when they
 * clear the field; a guest must give one.
 */
export function validateReport(form: ReportForm, publicUrl: string, accountEmail: string | null): ParsedReport {
  const errors: FieldErrors = {};
  const add = (name: string, message: string) => (errors[name] ??= []).push(message);
  const summary = stripToPlainText(form.summary).replace(/\s+/g, " ");
  const details = stripToPlainText(form.details);
  const email = form.email || accountEmail || "";

  let path: string | null = null;
  if (!form.url) add(FIELDS.url, t("form.required", { field: t("reports.field.url") }));
  else if (form.url.length > LIMITS.url) add(FIELDS.url, t("form.too_long", { field: t("reports.field.url"), max: LIMITS.url, length: form.url.length }));
  else {
    path = archivePathOf(form.url, publicUrl);
    if (path === null) add(FIELDS.url, t("reports.url_outside", { site: t("site.name"), example: archiveUrlOf("/works/1", publicUrl) }));
  }
  if (!summary) add(FIELDS.summary, t("form.required", { field: t("reports.field.summary") }));
  else if (summary.length > LIMITS.summary) add(FIELDS.summary, t("form.too_long", { field: t("reports.field.summary"), max: LIMITS.summary, length: summary.length }));
  if (!details) add(FIELDS.details, t("form.required", { field: t("reports.field.details") }));
  else if (details.length > LIMITS.details) add(FIELDS.details, t("form.too_long", { field: t("reports.field.details"), max: LIMITS.details, length: details.length }));
  if (!email) add(FIELDS.email, t("form.required", { field: t("reports.field.email") }));
  else if (emailErrors(email).length) add(FIELDS.email, t("reports.email_format"));

  if (Object.keys(errors).length || path === null) return { ok: false, errors };
  return { ok: true, value: { url: archiveUrlOf(path, publicUrl), path, summary, details, email } };
}

/** What an archive path is about, as the caps and the snapshot see it. */
export type Subject =
  | { kind: "work"; workId: number; chapterId: number | null }
  | { kind: "comment"; commentId: number }
  | { kind: "series"; seriesId: number }
  | { kind: "bookmark"; bookmarkId: number }
  | { kind: "user"; login: string }
  | { kind: "page"; path: string };

/** Reads what a path names from its shape alone (whether it exists is the snapshot's business). */
export function subjectOfPath(path: string): Subject {
  const pathname = path.replace(/[?#].*$/s, "");
  const id = (text: string) => {
    const n = Number(text);
    return Number.isSafeInteger(n) && n > 0 && n <= 2_147_483_647 ? n : null;
  };
  let m = /^\/works\/(\d{1,10})(?:\/chapters\/(\d{1,10}))?(?:\/|$)/.exec(pathname);
  if (m && id(m[1]!)) return { kind: "work", workId: id(m[1]!)!, chapterId: m[2] ? id(m[2]) : null };
  m = /^\/comments\/(\d{1,10})(?:\/|$)/.exec(pathname);
  if (m && id(m[1]!)) return { kind: "comment", commentId: id(m[1]!)! };
  m = /^\/series\/(\d{1,10})(?:\/|$)/.exec(pathname);
  if (m && id(m[1]!)) return { kind: "series", seriesId: id(m[1]!)! };
  m = /^\/bookmarks\/(\d{1,10})(?:\/|$)/.exec(pathname);
  if (m && id(m[1]!)) return { kind: "bookmark", bookmarkId: id(m[1]!)! };
  m = /^\/users\/([^/]+)(?:\/|$)/.exec(pathname);
  if (m) {
    let login = m[1]!;
    try {
      login = decodeURIComponent(login);
    } catch {
      // kept as typed: it then names nobody
    }
    if (login !== "login" && login !== "logout") return { kind: "user", login };
  }
  return { kind: "page", path: pathname || "/" };
}
