import type { SecurityTxt } from "../model/archive-settings.js";
import type { FieldErrors } from "../platform/http/components.js";
import { field } from "../platform/http/forms-parser.js";
import { stripToPlainText } from "../platform/html/sanitize.js";
import { t } from "../platform/i18n/index.js";

/** The security.txt form as typed (kept as it was when it is sent back with an error). */
export interface SecurityTxtForm {
  contacts: string;
  /** YYYY-MM-DD, what a date input sends. */
  expires: string;
}

const MAX_CONTACTS = 10;
const MAX_CONTACT_LENGTH = 500;
/** RFC 9116 recommends an Expires less than a year ahead, so a forgotten file goes stale rather than misleading. */
const MAX_DAYS_AHEAD = 366;
const DAY_MS = 24 * 60 * 60 * 1000;

export function securityTxtFormOf(value: SecurityTxt | null): SecurityTxtForm {
  return value ? { contacts: value.contacts.join("\n"), expires: value.expires.slice(0, 10) } : { contacts: "", expires: "" };
}

// RFC 9116 2.5.3: a contact is a URI; web addresses must be https. A bare address is taken as mail.
function contactUri(line: string): string | null {
  if (/^[^\s@:/]+@[^\s@:/]+\.[^\s@:/]+$/.test(line)) return `mailto:${line}`;
  let url: URL;
  try {
    url = new URL(line);
  } catch {
    return null;
  }
  if (/\s/.test(line)) return null;
  if (url.protocol === "mailto:" && /^[^@]+@[^@]+$/.test(url.pathname)) return line;
  if (url.protocol === "https:" && url.hostname) return line;
  if (url.protocol === "tel:" && /^\+?[\d\-.() ]+$/.test(decodeURIComponent(url.pathname))) return line;
  return null;
}

/** Reads and checks the form: the fields to store, null to remove them, or errors beside the fields. */
export function readSecurityTxtForm(body: unknown, now: Date): { ok: true; value: SecurityTxt | null } | { ok: false; form: SecurityTxtForm; errors: FieldErrors } {
  const form = { contacts: field(body, "security_txt[contacts]"), expires: field(body, "security_txt[expires]") };
  const lines = stripToPlainText(form.contacts)
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  const expiresText = stripToPlainText(form.expires);
  if (lines.length === 0 && expiresText === "") return { ok: true, value: null };

  const errors: FieldErrors = {};
  const contacts: string[] = [];
  if (lines.length === 0) errors["security_txt[contacts]"] = [t("admin.security_txt.contacts_missing")];
  else if (lines.length > MAX_CONTACTS) errors["security_txt[contacts]"] = [t("admin.security_txt.too_many_contacts", { max: MAX_CONTACTS })];
  else {
    for (const line of lines) {
      const uri = line.length <= MAX_CONTACT_LENGTH ? contactUri(line) : null;
      if (uri) contacts.push(uri);
      else (errors["security_txt[contacts]"] ??= []).push(t("admin.security_txt.contact_invalid", { value: line.slice(0, 100) }));
    }
  }

  let expires = "";
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(expiresText);
  const at = date ? new Date(Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]))) : null;
  if (expiresText === "") errors["security_txt[expires]"] = [t("admin.security_txt.expires_missing")];
  else if (!at || Number.isNaN(at.getTime()) || at.toISOString().slice(0, 10) !== expiresText) errors["security_txt[expires]"] = [t("admin.security_txt.expires_invalid")];
  else if (at.getTime() <= now.getTime()) errors["security_txt[expires]"] = [t("admin.security_txt.expires_past")];
  else if (at.getTime() - now.getTime() > MAX_DAYS_AHEAD * DAY_MS) errors["security_txt[expires]"] = [t("admin.security_txt.expires_too_far")];
  else expires = at.toISOString();

  if (Object.keys(errors).length) return { ok: false, form, errors };
  return { ok: true, value: { contacts, expires } };
}

/** The file itself (RFC 9116 field syntax: one "Name: value" a line, CRLF or LF). */
export function securityTxtText(value: SecurityTxt, publicUrl: string): string {
  const lines = [
    ...value.contacts.map((contact) => `Contact: ${contact}`),
    `Expires: ${value.expires}`,
    `Canonical: ${publicUrl}/.well-known/security.txt`,
  ];
  return `${lines.join("\n")}\n`;
}
