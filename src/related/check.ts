import type { DbOrTrx } from "../platform/db/index.js";
import type { FieldErrors } from "../platform/http/components.js";
import { stripToPlainText } from "../platform/html/sanitize.js";
import type { Viewer } from "../platform/http/viewer.js";
import { MAX_ID } from "../platform/http/routes.js";
import { t } from "../platform/i18n/index.js";
import { blockedByAny } from "../blocking/index.js";
import { workVisibility } from "../model/visibility.js";
import { findWork } from "../model/works.js";
import { type ParentFormValues, type ParentLink, parentKey, parseParentReference, RELATED_FIELDS, RELATED_LIMITS } from "./schema.js";

export interface ParentContext {
  /** The work being edited; null for a new one. */
  childId: number | null;
  /** The archive's own address: a URL on it names a work here. */
  publicUrl: string;
}

export type ParentCheck = { ok: true; value: ParentLink[] } | { ok: false; errors: FieldErrors };

/**
 * Checks the related works typed (entries whose URL is blank are skipped). A work here must be one
 * the writer can read, not this work itself, and not by someone who has blocked the writer; an
 * outside work needs an http(s) URL, a title and an author. Problems are reported per field.
 */
export async function resolveParents(db: DbOrTrx, viewer: Viewer, entries: ParentFormValues[], context: ParentContext): Promise<ParentCheck> {
  const errors: FieldErrors = {};
  const add = (name: string, message: string) => (errors[name] ??= []).push(message);
  const links: ParentLink[] = [];
  const typed = entries.filter((e) => e.url.trim() !== "");
  if (typed.length > RELATED_LIMITS.parents) add(RELATED_FIELDS.url, t("related.too_many", { max: RELATED_LIMITS.parents }));
  for (const entry of typed.slice(0, RELATED_LIMITS.parents)) {
    if (entry.url.length > RELATED_LIMITS.url) {
      add(RELATED_FIELDS.url, t("related.url_too_long", { max: RELATED_LIMITS.url }));
      continue;
    }
    const reference = parseParentReference(entry.url, context.publicUrl);
    if (reference.kind === "invalid") {
      add(RELATED_FIELDS.url, t("related.url_invalid", { url: entry.url.trim() }));
      continue;
    }
    if (reference.kind === "work") {
      if (reference.workId === context.childId) {
        add(RELATED_FIELDS.url, t("related.self"));
        continue;
      }
      const parent = reference.workId <= MAX_ID ? await findWork(db, reference.workId) : undefined;
      if (!parent || workVisibility(viewer, parent) !== "yes") add(RELATED_FIELDS.url, t("related.no_such_work", { id: reference.workId }));
      else if (await blockedByAny(db, parent.creatorUserIds, viewer)) add(RELATED_FIELDS.url, t("related.blocked"));
      else links.push({ kind: "work", workId: parent.id, translation: entry.translation });
      continue;
    }
    const title = stripToPlainText(entry.title).replace(/\s+/g, " ");
    const author = stripToPlainText(entry.author).replace(/\s+/g, " ");
    if (!title) add(RELATED_FIELDS.title, t("related.title_required"));
    else if (title.length > RELATED_LIMITS.title) add(RELATED_FIELDS.title, t("form.too_long", { field: t("related.title_label"), max: RELATED_LIMITS.title, length: title.length }));
    if (!author) add(RELATED_FIELDS.author, t("related.author_required"));
    else if (author.length > RELATED_LIMITS.author) add(RELATED_FIELDS.author, t("form.too_long", { field: t("related.author_label"), max: RELATED_LIMITS.author, length: author.length }));
    if (title && author && title.length <= RELATED_LIMITS.title && author.length <= RELATED_LIMITS.author) links.push({ kind: "url", url: reference.url, title, author, translation: entry.translation });
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  const unique = new Map(links.map((link) => [parentKey(link), link]));
  return { ok: true, value: [...unique.values()] };
}
