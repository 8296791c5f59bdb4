import type { FieldErrors } from "../platform/http/components.js";
import { field } from "../platform/http/forms-parser.js";
import { cleanHtml } from "../platform/html/clean.js";
import { stripToPlainText } from "../platform/html/sanitize.js";
import { t } from "../platform/i18n/index.js";
import { tagKey } from "../model/vocabulary.js";
import { NEWS_COMMENT_PERMISSIONS, type NewsCommentPermission } from "./policy.js";

// AO3's limits for an admin post's title (1–255), a tag name (150) and, for the body, a chapter's (510,000 characters).
export const NEWS_LIMITS = { title: 255, content: 510_000, tag: 150, tags: 20, banner: 2_000 };

/** The post form as typed, so a failed save shows it again unchanged. */
export interface PostFormValues {
  title: string;
  content: string;
  tags: string;
  commentPermission: string;
}

/** A valid post: plain-text title, sanitized body, tag names (each once), who may comment. */
export interface PostInput {
  title: string;
  content: string;
  tags: string[];
  commentPermission: NewsCommentPermission;
}

export const EMPTY_POST_FORM: PostFormValues = { title: "", content: "", tags: "", commentPermission: "users" };

export function readPostForm(body: unknown): PostFormValues {
  return {
    title: field(body, "admin_post[title]"),
    content: field(body, "admin_post[content]"),
    tags: field(body, "admin_post[tag_list]"),
    commentPermission: field(body, "admin_post[comment_permission]"),
  };
}

function add(errors: FieldErrors, name: string, message: string) {
  (errors[name] ??= []).push(message);
}

/** Tag names from the comma-separated list, cleaned, each once (case and Unicode form do not make a new tag). */
export function tagNames(list: string): string[] {
  const seen = new Set<string>();
  const names: string[] = [];
  for (const raw of list.split(/[,，、]/)) {
    const name = stripToPlainText(raw).replace(/\s+/g, " ");
    if (name && !seen.has(tagKey(name))) {
      seen.add(tagKey(name));
      names.push(name);
    }
  }
  return names;
}

export function parsePost(values: PostFormValues): { ok: true; value: PostInput } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const title = stripToPlainText(values.title).replace(/\s+/g, " ");
  if (!title) add(errors, "admin_post[title]", t("form.required", { field: t("news.form.title") }));
  else if (title.length > NEWS_LIMITS.title) add(errors, "admin_post[title]", t("form.too_long", { field: t("news.form.title"), max: NEWS_LIMITS.title, length: title.length }));
  const content = cleanHtml(values.content, "content");
  if (values.content.length > NEWS_LIMITS.content) add(errors, "admin_post[content]", t("form.too_long", { field: t("news.form.content"), max: NEWS_LIMITS.content.toLocaleString("en-US"), length: values.content.length.toLocaleString("en-US") }));
  // Markup that sanitizes to nothing (a lone <script>) is as empty as no text at all.
  else if (!stripToPlainText(content.replace(/<[^>]*>/g, "").replace(/&nbsp;/g, " ")) && !/<img\s/i.test(content)) add(errors, "admin_post[content]", t("form.required", { field: t("news.form.content") }));
  const tags = tagNames(values.tags);
  const long = tags.find((name) => name.length > NEWS_LIMITS.tag);
  if (long) add(errors, "admin_post[tag_list]", t("news.form.tag_too_long", { max: NEWS_LIMITS.tag, name: long.slice(0, 40) }));
  if (tags.length > NEWS_LIMITS.tags) add(errors, "admin_post[tag_list]", t("news.form.too_many_tags", { max: NEWS_LIMITS.tags, count: tags.length }));
  const permission = values.commentPermission as NewsCommentPermission;
  if (!NEWS_COMMENT_PERMISSIONS.includes(permission)) add(errors, "admin_post[comment_permission]", t("news.form.choose_comment_permission"));
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { title, content, tags, commentPermission: permission } };
}

/** The banner form as typed. */
export interface BannerFormValues {
  content: string;
  active: boolean;
  /** A correction of the current text: readers who dismissed it are not shown it again. */
  minor: boolean;
}

export interface BannerInput {
  content: string;
  active: boolean;
  minor: boolean;
}

export function readBannerForm(body: unknown): BannerFormValues {
  return {
    content: field(body, "admin_banner[content]"),
    active: field(body, "admin_banner[active]") === "1",
    minor: field(body, "admin_banner[minor]") === "1",
  };
}

export function parseBanner(values: BannerFormValues): { ok: true; value: BannerInput } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const content = cleanHtml(values.content, "comment");
  const empty = !stripToPlainText(content.replace(/<[^>]*>/g, "").replace(/&nbsp;/g, " "));
  if (values.content.length > NEWS_LIMITS.banner) add(errors, "admin_banner[content]", t("form.too_long", { field: t("news.banner.content"), max: NEWS_LIMITS.banner, length: values.content.length }));
  else if (values.active && empty) add(errors, "admin_banner[content]", t("news.banner.content_required"));
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { content: empty ? "" : content, active: values.active, minor: values.minor } };
}
