import type { FastifyReply } from "fastify";
import { ERRORS, type ErrorCode } from "../platform/errors.js";
import type { FieldErrors } from "../platform/http/components.js";
import { t } from "../platform/i18n/index.js";
import { API_DOCS_PATH } from "./views/paths.js";

export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * Sends an RFC 9457 problem (application/problem+json) for a code of the error catalogue: the
 * JSON API's only error shape. `errors` names each field that was wrong.
 */
export function sendProblem(reply: FastifyReply, code: ErrorCode, params: Record<string, string | number> = {}, errors?: FieldProblem[]): FastifyReply {
  const entry = ERRORS[code];
  const detail = t(entry.message, { detail: errors?.length ? errors.map((e) => `${e.field}: ${e.message}`).join("; ") : "", ...params });
  if (entry.status === 401) reply.header("www-authenticate", code === "TOKEN_INVALID" ? 'Bearer realm="Fanfold API", error="invalid_token"' : 'Bearer realm="Fanfold API"');
  return reply
    .code(entry.status)
    .type("application/problem+json")
    .header("cache-control", "no-store")
    .send({
      type: `${API_DOCS_PATH}#problem-${code.toLowerCase()}`,
      title: titleOf(code),
      status: entry.status,
      code,
      detail,
      instance: reply.request.url,
      ...(errors?.length ? { errors } : {}),
    });
}

function titleOf(code: ErrorCode): string {
  return code
    .toLowerCase()
    .split("_")
    .map((word, i) => (i === 0 ? word[0]!.toUpperCase() + word.slice(1) : word))
    .join(" ");
}

/**
 * The forms' per-field errors (src/works/schema.ts and src/responses/schema.ts name fields as the
 * HTML form does: `work[title]`, `chapter[content]`, `bookmark[tag_string]`) named as the JSON
 * body names them: `prefixes` puts a form's fields under a key (`chapter` → `chapter.content`),
 * `renames` where the JSON name differs.
 */
export function fieldProblems(errors: FieldErrors, prefixes: Record<string, string> = {}, renames: Record<string, string> = {}): FieldProblem[] {
  return Object.entries(errors).flatMap(([name, messages]) => {
    const match = /^([a-z]+)\[([a-z_]+)\](?:\[\])?$/.exec(name);
    const bare = renames[match?.[2] ?? name] ?? match?.[2] ?? name;
    const field = `${match ? (prefixes[match[1]!] ?? "") : ""}${bare}`;
    return messages.map((message) => ({ field, message }));
  });
}
