import type { FastifyRequest } from "fastify";
import type { FieldErrors } from "../platform/http/components.js";
import { field, fieldList } from "../platform/http/forms-parser.js";
import { parseId } from "../platform/http/routes.js";
import { t } from "../platform/i18n/index.js";
import { type OrphanTarget, WORKS_CHOICES, type WorksChoice } from "./commands.js";

/** The orphan form's values as sent, to fill the form again. */
export interface OrphanFormValues {
  /** "1": keep the pseud's name; "0": take it off; "": not chosen. */
  keepPseud: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** Every value of a repeated query parameter (`?work_id=1&work_id=2`). */
function queryList(req: FastifyRequest, name: string): string[] {
  const value = (req.query as Record<string, unknown> | undefined)?.[name];
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** What the orphan pages are about, from the query (`?work_id=…` repeated, or `?all=true`); null when nothing is named. */
export function orphanTargetFromQuery(req: FastifyRequest): OrphanTarget | null | "bad" {
  if (queryList(req, "all")[0] === "true") return { kind: "all" };
  const raw = queryList(req, "work_id");
  if (raw.length === 0) return null;
  const ids = raw.map((value) => parseId(value));
  if (ids.some((id) => id === null)) return "bad";
  return { kind: "works", workIds: [...new Set(ids as number[])] };
}

/** The same from the confirmation form's hidden fields. */
export function orphanTargetFromForm(body: unknown): OrphanTarget | null | "bad" {
  if (field(body, "orphan[all]") === "1") return { kind: "all" };
  const raw = fieldList(body, "orphan[work_ids][]");
  if (raw.length === 0) return null;
  const ids = raw.map((value) => parseId(value));
  if (ids.some((id) => id === null)) return "bad";
  return { kind: "works", workIds: [...new Set(ids as number[])] };
}

/** The pseud choice: keep the name (true) or take it off (false). */
export function parseOrphanChoice(body: unknown): { values: OrphanFormValues; parsed: Parsed<boolean> } {
  const keepPseud = field(body, "orphan[keep_pseud]");
  const values = { keepPseud: keepPseud === "1" || keepPseud === "0" ? keepPseud : "" };
  if (!values.keepPseud) return { values, parsed: { ok: false, errors: { "orphan[keep_pseud]": [t("leaving.orphan.choose_pseud")] } } };
  return { values, parsed: { ok: true, value: values.keepPseud === "1" } };
}

export interface DeleteFormValues {
  works: string;
}

/** The account deletion form: the choice for the works (needed only when there are works) and the password. */
export function parseDeleteForm(body: unknown, hasWorks: boolean): { values: DeleteFormValues; password: string; parsed: Parsed<WorksChoice> } {
  const works = field(body, "delete[works]");
  const password = field(body, "delete[password]");
  const values = { works: (WORKS_CHOICES as readonly string[]).includes(works) ? works : "" };
  const errors: FieldErrors = {};
  if (hasWorks && !values.works) errors["delete[works]"] = [t("leaving.delete.choose_works")];
  if (!password) errors["delete[password]"] = [t("leaving.delete.password_needed")];
  if (Object.keys(errors).length) return { values, password, parsed: { ok: false, errors } };
  return { values, password, parsed: { ok: true, value: (values.works || "delete") as WorksChoice } };
}
