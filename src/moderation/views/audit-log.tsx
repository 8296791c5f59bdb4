import { escapeHtml } from "@kitajs/html";
import { type MessageKey, t } from "../../platform/i18n/index.js";
import { TAG_TYPES } from "../../model/vocabulary.js";
import type { AuditRecord } from "../audit.js";

/** What each recorded action is called in the log; an action this table does not know shows its code. */
const ACTION_LABELS: Record<string, MessageKey> = {
  hide_work: "moderation.action.hide_work",
  unhide_work: "moderation.action.unhide_work",
  delete_work: "moderation.action.delete_work",
  edit_work_tags: "moderation.action.edit_work_tags",
  warn_user: "moderation.action.warn_user",
  suspend_user: "moderation.action.suspend_user",
  ban_user: "moderation.action.ban_user",
  lift_suspension: "moderation.action.lift_suspension",
  mark_spam: "moderation.action.mark_spam",
  approve_held: "moderation.action.approve_held",
  resolve_report: "moderation.action.resolve_report",
};

const TYPE_LABELS: Record<(typeof TAG_TYPES)[number], MessageKey> = {
  Rating: "moderation.tags.rating",
  ArchiveWarning: "moderation.tags.warnings",
  Category: "moderation.tags.categories",
  Fandom: "search.fandoms",
  Relationship: "search.relationships",
  Character: "search.characters",
  Freeform: "search.additional_tags",
};

/** The name of a recorded action, as the log shows it. */
export function actionLabel(action: string): string {
  const key = ACTION_LABELS[action];
  return key ? t(key) : action;
}

const names = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);

/** A tag edit's particulars: per type, the tags added and removed. */
function TagChanges({ before, after }: { before: Record<string, unknown>; after: Record<string, unknown> }): JSX.Element {
  const lines = TAG_TYPES.flatMap((type) => {
    const was = names(before[type]);
    const now = names(after[type]);
    const added = now.filter((n) => !was.includes(n));
    const removed = was.filter((n) => !now.includes(n));
    if (!added.length && !removed.length) return [];
    return [
      <li>
        <span safe>{t(TYPE_LABELS[type])}</span>
        {": "}
        {added.length ? <ins safe>{t("moderation.audit.added", { tags: added.join(", ") })}</ins> : ""}
        {added.length && removed.length ? "; " : ""}
        {removed.length ? <del safe>{t("moderation.audit.removed", { tags: removed.join(", ") })}</del> : ""}
      </li>,
    ];
  });
  if (lines.length === 0) return <span safe>{t("moderation.audit.tags_unchanged")}</span>;
  return <ul class="tag-changes">{lines}</ul>;
}

/** An entry's particulars in words: a tag edit's changes, a deleted work's title and creators, else each stored value. */
function Detail({ entry }: { entry: AuditRecord }): JSX.Element {
  const detail = entry.detail;
  if (entry.action === "edit_work_tags" && detail.before && detail.after) {
    return <TagChanges before={detail.before as Record<string, unknown>} after={detail.after as Record<string, unknown>} />;
  }
  if (entry.action === "delete_work" && typeof detail.title === "string") {
    return <span safe>{t("moderation.audit.deleted_work", { title: detail.title, creators: names(detail.creators).join(", ") || t("subscriptions.mail.anonymous") })}</span>;
  }
  const pairs = Object.entries(detail);
  if (pairs.length === 0) return "";
  return <span safe>{pairs.map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`).join("; ")}</span>;
}

/** An audit log as a table (who, what, when, why), newest first; used on the admin pages of works and of users. */
export function AuditLog({ entries, caption }: { entries: AuditRecord[]; caption: string }): JSX.Element {
  if (entries.length === 0) return <p safe class="audit-log empty">{t("moderation.audit.none")}</p>;
  return (
    <table class="audit-log">
      <caption safe>{caption}</caption>
      <thead>
        <tr>
          <th safe scope="col">{t("moderation.audit.when")}</th>
          <th safe scope="col">{t("moderation.audit.who")}</th>
          <th safe scope="col">{t("moderation.audit.what")}</th>
          <th safe scope="col">{t("moderation.audit.why")}</th>
          <th safe scope="col">{t("moderation.audit.detail")}</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => (
          <tr>
            <td>
              <time datetime={escapeHtml(entry.createdAt)} safe>{`${entry.createdAt.slice(0, 10)} ${entry.createdAt.slice(11, 16)}`}</time>
            </td>
            <td safe>{entry.actorLogin ?? t("moderation.audit.no_actor")}</td>
            <td safe>{actionLabel(entry.action)}</td>
            <td safe>{entry.reason}</td>
            <td>
              <Detail entry={entry} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
