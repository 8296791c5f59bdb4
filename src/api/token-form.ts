import type { FieldErrors } from "../platform/http/components.js";
import { field } from "../platform/http/forms-parser.js";
import { stripToPlainText } from "../platform/html/sanitize.js";
import { t } from "../platform/i18n/index.js";
import { TOKEN_SCOPES, type TokenScope } from "./policy.js";
import type { TokenFormValues } from "./views/tokens.js";

export const MAX_TOKEN_NAME = 100;

export function readTokenForm(body: unknown): TokenFormValues {
  return { name: field(body, "token[name]"), scope: field(body, "token[scope]") };
}

/** A token's name (plain text, 1–100 characters) and scope (read or write). */
export function parseTokenForm(values: TokenFormValues): { ok: true; value: { name: string; scope: TokenScope } } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const name = stripToPlainText(values.name).replace(/\s+/g, " ").trim();
  if (!name) errors["token[name]"] = [t("form.required", { field: t("users.name") })];
  else if (name.length > MAX_TOKEN_NAME) errors["token[name]"] = [t("form.too_long", { field: t("users.name"), max: MAX_TOKEN_NAME, length: name.length })];
  if (!(TOKEN_SCOPES as readonly string[]).includes(values.scope)) errors["token[scope]"] = [t("api.token_scope_required")];
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { name, scope: values.scope as TokenScope } };
}
