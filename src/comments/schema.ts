import type { FieldErrors } from "../platform/http/components.js";
import { field } from "../platform/http/forms-parser.js";
import { makeParagraphs } from "../platform/html/paragraphs.js";
import { sanitizeUserHtml, stripToPlainText } from "../platform/html/sanitize.js";
import { t } from "../platform/i18n/index.js";
import { emailErrors } from "../users/index.js";

// AO3's limit for a comment: 10,000 characters, counted as typed.
export const MAX_COMMENT = 10_000;
export const MAX_GUEST_NAME = 100;
/** Links a guest's comment may hold: past this it looks like spam, and is refused with the text kept. */
export const MAX_GUEST_LINKS = 2;

/** The comment form as typed, so a failed form is shown again exactly as it was. */
export interface CommentFormValues {
  content: string;
  name: string;
  email: string;
  /** The form's one-time token (double-submit guard). */
  token: string;
}

/** A valid comment, ready to store: content sanitized, guest name and email cleaned. */
export interface CommentInput {
  content: string;
  guest: { name: string; email: string } | null;
  token: string | null;
}

export function readCommentForm(body: unknown): CommentFormValues {
  return {
    content: field(body, "comment[comment_content]"),
    name: field(body, "comment[name]"),
    email: field(body, "comment[email]"),
    token: field(body, "comment[token]"),
  };
}

/** Links in typed text, as HTML anchors or bare addresses (each counted once). */
export function countLinks(text: string): number {
  const anchors = text.match(/<a\s[^>]*href/gi)?.length ?? 0;
  // Bare addresses outside an anchor's href="…" (those are already counted above).
  const bare = text.replace(/<a\s[^>]*>/gi, "").match(/\b(?:https?:\/\/|www\.)[^\s<>"']+/gi)?.length ?? 0;
  return anchors + bare;
}

/** Tokens are ours (base64url, 22 characters); anything else is ignored rather than stored. */
const TOKEN = /^[A-Za-z0-9_-]{16,64}$/;

/** Validates a comment; `guest` when the writer is not logged in (name, email and the link rule apply). */
export function parseComment(values: CommentFormValues, options: { guest: boolean }): { ok: true; value: CommentInput } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const add = (name: string, message: string) => (errors[name] ??= []).push(message);
  const content = values.content.trim() ? sanitizeUserHtml(makeParagraphs(values.content), "comment") : "";
  if (values.content.length > MAX_COMMENT) add("comment[comment_content]", t("comments.too_long", { max: MAX_COMMENT.toLocaleString("en-US"), length: values.content.length.toLocaleString("en-US") }));
  // Markup that sanitizes to nothing (a lone <script>) is as empty as no text at all.
  else if (!stripToPlainText(content.replace(/<[^>]*>/g, "").replace(/&nbsp;/g, " ")) && !/<img\s/i.test(content)) add("comment[comment_content]", t("comments.blank"));
  let guest: CommentInput["guest"] = null;
  if (options.guest) {
    const name = stripToPlainText(values.name).replace(/\s+/g, " ");
    const email = values.email.trim();
    if (!name) add("comment[name]", t("comments.name_required"));
    else if (name.length > MAX_GUEST_NAME) add("comment[name]", t("comments.name_too_long", { max: MAX_GUEST_NAME }));
    if (!email) add("comment[email]", t("comments.email_required"));
    else for (const message of emailErrors(email)) add("comment[email]", message);
    const links = countLinks(values.content);
    if (links > MAX_GUEST_LINKS && !errors["comment[comment_content]"]) add("comment[comment_content]", t("comments.too_many_links", { max: MAX_GUEST_LINKS, count: links }));
    guest = { name, email };
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { content, guest, token: TOKEN.test(values.token) ? values.token : null } };
}
