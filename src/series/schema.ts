import type { FieldErrors } from "../platform/http/components.js";
import { field, fieldList } from "../platform/http/forms-parser.js";
import { stripToPlainText } from "../platform/html/sanitize.js";
import { t } from "../platform/i18n/index.js";
import { cleanHtml } from "../platform/html/clean.js";

// AO3's limits for a series: title 1–255, summary ≤1250, notes ≤5000.
export const SERIES_LIMITS = { title: 255, summary: 1250, notes: 5000 };

/** The series form as typed, so a failed save shows it again unchanged. */
export interface SeriesFormValues {
  title: string;
  summary: string;
  notes: string;
  complete: boolean;
  /** Positions as typed, by work id (the works list on the edit page). */
  positions: Record<number, string>;
  /** Works ticked to leave the series. */
  remove: string[];
}

/** A valid series: plain-text title, sanitized HTML summary and notes. */
export interface SeriesInput {
  title: string;
  summary: string;
  notes: string;
  complete: boolean;
  /** The works in their new order (the kept ones). */
  order: number[];
  removed: number[];
}

export function readSeriesForm(body: unknown, workIds: number[]): SeriesFormValues {
  const positions: Record<number, string> = {};
  for (const id of workIds) positions[id] = field(body, `series[positions][${id}]`).trim();
  return {
    title: field(body, "series[title]"),
    summary: field(body, "series[summary]"),
    notes: field(body, "series[series_notes]"),
    complete: field(body, "series[complete]") === "1",
    positions,
    remove: fieldList(body, "series[remove_work_ids][]"),
  };
}

function tooLong(errors: FieldErrors, name: string, label: string, value: string, max: number) {
  if (value.length > max) (errors[name] ??= []).push(t("form.too_long", { field: label, max, length: value.length }));
}

/**
 * Validates the series form. `works` are the series' works in their current order, as the edit
 * page listed them: positions are read only for those ids (any other id in the form is ignored,
 * so a changed id cannot reach another series' works), and must be whole numbers; ties keep the
 * current order.
 */
export function parseSeries(values: SeriesFormValues, works: number[]): { ok: true; value: SeriesInput } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const title = stripToPlainText(values.title);
  if (!title) (errors["series[title]"] ??= []).push(t("form.required", { field: t("series.series_title") }));
  tooLong(errors, "series[title]", t("series.series_title"), title, SERIES_LIMITS.title);
  tooLong(errors, "series[summary]", t("series.series_summary"), values.summary, SERIES_LIMITS.summary);
  tooLong(errors, "series[series_notes]", t("series.series_notes"), values.notes, SERIES_LIMITS.notes);
  const removed = works.filter((id) => values.remove.includes(String(id)));
  const kept = works.filter((id) => !removed.includes(id));
  const wanted = new Map<number, number>();
  for (const [i, id] of kept.entries()) {
    const raw = values.positions[id] ?? "";
    if (raw === "") wanted.set(id, i + 1);
    else if (/^\d{1,6}$/.test(raw) && Number(raw) >= 1) wanted.set(id, Number(raw));
    else (errors.positions ??= []).push(t("series.position_invalid"));
  }
  if (errors.positions) errors.positions = [errors.positions[0]!];
  if (Object.keys(errors).length) return { ok: false, errors };
  const order = [...kept].sort((a, b) => wanted.get(a)! - wanted.get(b)! || kept.indexOf(a) - kept.indexOf(b));
  return {
    ok: true,
    value: { title, summary: cleanHtml(values.summary, "summary"), notes: cleanHtml(values.notes, "notes"), complete: values.complete, order, removed },
  };
}

// ---- "Add to series" on the work form --------------------------------------------------------

/** The work form's series part as typed. */
export interface SeriesChoiceValues {
  seriesId: string;
  title: string;
  position: string;
}

/** Where a work is to go: one of the user's series, or a new one; at a position or at the end. */
export type SeriesChoice = { kind: "existing"; seriesId: number; position: number | null } | { kind: "new"; title: string };

export const SERIES_FIELDS = {
  id: "work[series_attributes][id]",
  title: "work[series_attributes][title]",
  position: "work[series_attributes][position]",
} as const;

export const EMPTY_SERIES_CHOICE: SeriesChoiceValues = { seriesId: "", title: "", position: "" };

export function readSeriesChoice(body: unknown): SeriesChoiceValues {
  return { seriesId: field(body, SERIES_FIELDS.id).trim(), title: field(body, SERIES_FIELDS.title), position: field(body, SERIES_FIELDS.position).trim() };
}

/**
 * Validates "Add to series": null when nothing was chosen. `ownSeriesIds` are the viewer's own
 * series: any other id (someone else's series, typed into the form) is refused.
 */
export function parseSeriesChoice(values: SeriesChoiceValues, ownSeriesIds: number[]): { ok: true; value: SeriesChoice | null } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const title = stripToPlainText(values.title);
  let position: number | null = null;
  if (values.position !== "") {
    if (/^\d{1,6}$/.test(values.position) && Number(values.position) >= 1) position = Number(values.position);
    else errors[SERIES_FIELDS.position] = [t("series.position_invalid")];
  }
  if (values.seriesId && title) errors[SERIES_FIELDS.title] = [t("series.choose_one")];
  else if (values.seriesId && !ownSeriesIds.includes(Number(values.seriesId))) errors[SERIES_FIELDS.id] = [t("series.not_yours")];
  tooLong(errors, SERIES_FIELDS.title, t("series.series_title"), title, SERIES_LIMITS.title);
  if (Object.keys(errors).length) return { ok: false, errors };
  if (values.seriesId) return { ok: true, value: { kind: "existing", seriesId: Number(values.seriesId), position } };
  if (title) return { ok: true, value: { kind: "new", title } };
  return { ok: true, value: null };
}
