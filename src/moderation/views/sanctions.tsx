import { escapeHtml } from "@kitajs/html";
import { CsrfField, ErrorSummary, type FieldErrors, FlashNotices, fieldId, isoDate } from "../../platform/http/components.js";
import { utcTime } from "../../platform/http/sanction-page.js";
import type { Sanction } from "../../platform/http/viewer.js";
import { formatNumber, type MessageKey, t } from "../../platform/i18n/index.js";
import { workPath } from "../../model/paths.js";
import type { AuditRecord } from "../audit.js";
import type { FoundUser, StoredSanction, UserAccount, WarningRecord } from "../sanction-queries.js";
import { FormField, ReturnTo, YesNo, key } from "./form-fields.js";

/** Where a form's own error (not one field's: "you cannot suspend yourself") is keyed, with key(form, FORM_ERROR). */
export const FORM_ERROR = "form";

/** The admin page of an account. */
export function adminUserPath(login: string): string {
  return `/admin/users/${encodeURIComponent(login)}`;
}

/** GET /admin/users: find an account by login or email. */
export function UserSearchPage({ query, results, searched }: { query: string; results: FoundUser[]; searched: boolean }): JSX.Element {
  return (
    <>
      <h2 class="heading" safe>{t("sanctions.admin.users_heading")}</h2>
      <form method="get" action="/admin/users" class="search" role="search" aria-label={t("sanctions.admin.find_user")}>
        <div class="field">
          <label for="field-user-query" safe>{t("sanctions.admin.find_user_label")}</label>
          <input type="search" id="field-user-query" name="query" value={escapeHtml(query)} />
        </div>
        <p class="actions">
          <button type="submit" safe>{t("sanctions.admin.find")}</button>
        </p>
      </form>
      {searched ? (
        results.length === 0 ? (
          <p safe>{t("sanctions.admin.no_users_found")}</p>
        ) : (
          <table class="admin-users">
            <caption safe>{t("sanctions.admin.users_found", { count: formatNumber(results.length) })}</caption>
            <thead>
              <tr>
                <th scope="col" safe>{t("sanctions.admin.login")}</th>
                <th scope="col" safe>{t("sanctions.admin.email")}</th>
                <th scope="col" safe>{t("sanctions.admin.created")}</th>
              </tr>
            </thead>
            <tbody>
              {results.map((user) => (
                <tr>
                  <td>
                    <a href={adminUserPath(user.login)} safe>{user.login}</a>
                  </td>
                  <td>
                    <code class="wrap" safe>{user.email}</code>
                  </td>
                  <td safe>{isoDate(user.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : (
        ""
      )}
    </>
  );
}

/** The four forms' values and errors (the one submitted keeps what was typed). */
export interface SanctionForms {
  warn: { reason: string };
  suspend: { days: string; reason: string; hide_works: string };
  ban: { reason: string; hide_works: string };
  lift: { reason: string; unhide_works: string };
}

export function emptyForms(): SanctionForms {
  return { warn: { reason: "" }, suspend: { days: "", reason: "", hide_works: "no" }, ban: { reason: "", hide_works: "no" }, lift: { reason: "", unhide_works: "yes" } };
}

export interface AdminUserPageProps {
  account: UserAccount;
  audit: AuditRecord[];
  /** Whether the viewer may act (policy & abuse); support admins only look. */
  canAct: boolean;
  forms: SanctionForms;
  errors: FieldErrors;
  returnTo: string;
  notices: string[];
  csrf: string;
}

const ROLE_LABELS: Record<string, MessageKey> = {
  admin: "sanctions.role.admin",
  policy_and_abuse: "sanctions.role.policy_and_abuse",
  support: "sanctions.role.support",
  tag_wrangling: "sanctions.role.tag_wrangling",
  communications: "sanctions.role.communications",
  translation: "sanctions.role.translation",
  wrangler: "sanctions.role.wrangler",
};

const ACTION_LABELS: Record<string, MessageKey> = {
  hide_work: "sanctions.audit.hide_work",
  unhide_work: "sanctions.audit.unhide_work",
  delete_work: "sanctions.audit.delete_work",
  edit_work_tags: "sanctions.audit.edit_work_tags",
  warn_user: "sanctions.audit.warn_user",
  suspend_user: "sanctions.audit.suspend_user",
  ban_user: "sanctions.audit.ban_user",
  lift_suspension: "sanctions.audit.lift_suspension",
  mark_spam: "sanctions.audit.mark_spam",
  approve_held: "sanctions.audit.approve_held",
  resolve_report: "sanctions.audit.resolve_report",
};

/** An audit action in words; one this page does not know (another capability's) by its code. */
function ActionLabel({ action }: { action: string }): JSX.Element {
  const label = ACTION_LABELS[action];
  return label ? <span safe>{t(label)}</span> : <code safe>{action}</code>;
}

/** The particulars of an audit entry an admin reads: a suspension's days and end, works hidden, a comment. */
function auditDetail(record: AuditRecord): string {
  const d = record.detail;
  const parts: string[] = [];
  if (typeof d.days === "number") parts.push(t("sanctions.audit.days", { days: formatNumber(d.days) }));
  if (typeof d.until === "string") parts.push(t("sanctions.audit.until", { until: utcTime(d.until) }));
  if (typeof d.works_hidden === "number" && d.works_hidden > 0) parts.push(t("sanctions.audit.works_hidden", { count: formatNumber(d.works_hidden) }));
  if (typeof d.works_shown === "number" && d.works_shown > 0) parts.push(t("sanctions.audit.works_shown", { count: formatNumber(d.works_shown) }));
  if (typeof d.comment_id === "number") parts.push(t("sanctions.audit.comment", { id: d.comment_id }));
  return parts.join(" · ");
}

export function AuditTable({ records }: { records: AuditRecord[] }): JSX.Element {
  if (records.length === 0) return <p safe>{t("sanctions.audit.none")}</p>;
  return (
    <table class="audit-log">
      <caption safe>{t("sanctions.audit.caption")}</caption>
      <thead>
        <tr>
          <th scope="col" safe>{t("sanctions.audit.when")}</th>
          <th scope="col" safe>{t("sanctions.audit.who")}</th>
          <th scope="col" safe>{t("sanctions.audit.what")}</th>
          <th scope="col" safe>{t("sanctions.audit.why")}</th>
        </tr>
      </thead>
      <tbody>
        {records.map((record) => {
          const detail = auditDetail(record);
          return (
            <tr>
              <td>
                <time datetime={record.createdAt} safe>{utcTime(record.createdAt)}</time>
              </td>
              <td safe>{record.actorLogin ?? t("sanctions.audit.nobody")}</td>
              <td>
                <ActionLabel action={record.action} />
                {record.workId !== null ? (
                  <>
                    {" "}
                    <a href={workPath(record.workId)} safe>{t("sanctions.audit.work", { id: record.workId })}</a>
                  </>
                ) : (
                  ""
                )}
                {detail ? <span class="detail" safe>{` (${detail})`}</span> : ""}
              </td>
              <td class="wrap" safe>{record.reason}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function StandingSection({ sanction }: { sanction: StoredSanction | null }): JSX.Element {
  return (
    <section aria-labelledby="standing">
      <h3 class="heading" id="standing" safe>{t("sanctions.admin.standing")}</h3>
      {!sanction ? (
        <p safe>{t("sanctions.admin.good_standing")}</p>
      ) : (
        <>
          <p safe>
            {sanction.inForce
              ? sanction.inForce.kind === "banned"
                ? t("sanctions.admin.banned_since", { since: utcTime(sanction.createdAt), by: sanction.actorLogin ?? t("sanctions.audit.nobody") })
                : t("sanctions.admin.suspended_until", { until: utcTime(sanction.endsAt ?? ""), since: utcTime(sanction.createdAt), by: sanction.actorLogin ?? t("sanctions.audit.nobody") })
              : t("sanctions.admin.suspension_ended", { until: utcTime(sanction.endsAt ?? "") })}
          </p>
          <blockquote class="sanction-reason">
            <p safe>{sanction.reason}</p>
          </blockquote>
          <p safe>{sanction.hiddenWorks > 0 ? t("sanctions.admin.works_hidden_by_it", { count: formatNumber(sanction.hiddenWorks) }) : t("sanctions.admin.works_left_visible")}</p>
        </>
      )}
    </section>
  );
}

function ActionForm({ form, action, legend, button, errors, returnTo, csrf, children }: { form: string; action: string; legend: string; button: string; errors: FieldErrors; returnTo: string; csrf: string; children: JSX.Element }): JSX.Element {
  const own = Object.fromEntries(Object.entries(errors).filter(([name]) => name.startsWith(`${form}-`)));
  return (
    <form method="post" action={action} class={`moderation ${form}`}>
      <CsrfField csrf={csrf} />
      <ReturnTo path={returnTo} />
      <fieldset id={fieldId(key(form, FORM_ERROR))}>
        <legend safe>{legend}</legend>
        <ErrorSummary errors={own} />
        {children}
        <p class="actions">
          <button type="submit" safe>{button}</button>
        </p>
      </fieldset>
    </form>
  );
}

/** GET /admin/users/:login: the account, its standing, the actions (policy & abuse) and its audit log. */
export function AdminUserPage(props: AdminUserPageProps): JSX.Element {
  const { account, forms, errors, csrf, returnTo } = props;
  const { user, works } = account;
  const base = adminUserPath(user.login);
  return (
    <>
      <FlashNotices lines={props.notices} />
      <h2 class="heading" safe>{t("sanctions.admin.account_heading", { login: user.login })}</h2>
      <dl class="meta admin-account">
        <dt safe>{t("sanctions.admin.login")}</dt>
        <dd>
          <a href={`/users/${encodeURIComponent(user.login)}`} safe>{user.login}</a>
        </dd>
        <dt safe>{t("sanctions.admin.email")}</dt>
        <dd>
          <code class="wrap" safe>{user.email}</code>
        </dd>
        <dt safe>{t("sanctions.admin.created")}</dt>
        <dd safe>{utcTime(user.created_at)}</dd>
        <dt safe>{t("sanctions.admin.roles")}</dt>
        <dd safe>{account.roles.length ? account.roles.map((role) => (ROLE_LABELS[role] ? t(ROLE_LABELS[role]) : role)).join(", ") : t("sanctions.admin.no_roles")}</dd>
        <dt safe>{t("sanctions.admin.pseuds")}</dt>
        <dd safe>{account.pseuds.map((p) => p.name).join(", ")}</dd>
        <dt safe>{t("sanctions.admin.works")}</dt>
        <dd safe>
          {t("sanctions.admin.works_counts", {
            total: formatNumber(works.total),
            posted: formatNumber(works.posted),
            drafts: formatNumber(works.drafts),
            hidden: formatNumber(works.hidden),
            held: formatNumber(works.held),
          })}
        </dd>
      </dl>
      <StandingSection sanction={account.sanction} />
      {props.canAct ? (
        <section aria-labelledby="actions" class="moderation-actions">
          <h3 class="heading" id="actions" safe>{t("sanctions.admin.actions")}</h3>
          <ActionForm form="warn" action={`${base}/warn`} legend={t("sanctions.admin.warn_legend")} button={t("sanctions.admin.warn_button")} errors={errors} returnTo={returnTo} csrf={csrf}>
            <>
            <FormField form="warn" name="reason" label={t("sanctions.admin.warning_text")} hint={t("sanctions.admin.warning_hint")} value={forms.warn.reason} errors={errors} rows={4} required />
            </>
          </ActionForm>
          <ActionForm form="suspend" action={`${base}/suspend`} legend={t("sanctions.admin.suspend_legend")} button={t("sanctions.admin.suspend_button")} errors={errors} returnTo={returnTo} csrf={csrf}>
            <>
            <FormField form="suspend" name="days" label={t("sanctions.admin.days")} hint={t("sanctions.admin.days_hint")} value={forms.suspend.days} errors={errors} inputmode="numeric" required />
            <FormField form="suspend" name="reason" label={t("sanctions.admin.reason")} hint={t("sanctions.admin.reason_hint")} value={forms.suspend.reason} errors={errors} rows={4} required />
            <YesNo form="suspend" name="hide_works" label={t("sanctions.admin.hide_works")} yes={t("sanctions.admin.hide_works_yes")} no={t("sanctions.admin.hide_works_no")} value={forms.suspend.hide_works} errors={errors} />
            </>
          </ActionForm>
          <ActionForm form="ban" action={`${base}/ban`} legend={t("sanctions.admin.ban_legend")} button={t("sanctions.admin.ban_button")} errors={errors} returnTo={returnTo} csrf={csrf}>
            <>
            <FormField form="ban" name="reason" label={t("sanctions.admin.reason")} hint={t("sanctions.admin.reason_hint")} value={forms.ban.reason} errors={errors} rows={4} required />
            <YesNo form="ban" name="hide_works" label={t("sanctions.admin.hide_works")} yes={t("sanctions.admin.hide_works_yes")} no={t("sanctions.admin.hide_works_no")} value={forms.ban.hide_works} errors={errors} />
            </>
          </ActionForm>
          {account.sanction || errors[key("lift", FORM_ERROR)] ? (
            <ActionForm form="lift" action={`${base}/lift`} legend={t("sanctions.admin.lift_legend")} button={t("sanctions.admin.lift_button")} errors={errors} returnTo={returnTo} csrf={csrf}>
              <>
                <FormField form="lift" name="reason" label={t("sanctions.admin.lift_reason")} value={forms.lift.reason} errors={errors} rows={3} />
                <YesNo form="lift" name="unhide_works" label={t("sanctions.admin.unhide_works")} yes={t("sanctions.admin.unhide_works_yes")} no={t("sanctions.admin.unhide_works_no")} value={forms.lift.unhide_works} errors={errors} />
              </>
            </ActionForm>
          ) : (
            ""
          )}
        </section>
      ) : (
        ""
      )}
      <WarningsSection warnings={account.warnings} />
      <section aria-labelledby="audit">
        <h3 class="heading" id="audit" safe>{t("sanctions.admin.audit_heading")}</h3>
        <AuditTable records={props.audit} />
      </section>
    </>
  );
}

function WarningsSection({ warnings }: { warnings: WarningRecord[] }): JSX.Element {
  return (
    <section aria-labelledby="warnings">
      <h3 class="heading" id="warnings" safe>{t("sanctions.admin.warnings_heading")}</h3>
      {warnings.length === 0 ? (
        <p safe>{t("sanctions.admin.no_warnings")}</p>
      ) : (
        <ul class="warnings">
          {warnings.map((w) => (
            <li>
              <p safe>{t(w.dismissedAt ? "sanctions.admin.warning_read" : "sanctions.admin.warning_unread", { when: utcTime(w.createdAt), by: w.actorLogin ?? t("sanctions.audit.nobody") })}</p>
              <blockquote>
                <p safe>{w.reason}</p>
              </blockquote>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** GET /users/:login/notices: a user's own standing, and the admins' warnings to dismiss. */
export function NoticesPage({ login, sanction, warnings, notices, csrf }: { login: string; sanction: Sanction | null; warnings: WarningRecord[]; notices: string[]; csrf: string }): JSX.Element {
  const open = warnings.filter((w) => !w.dismissedAt);
  const read = warnings.filter((w) => w.dismissedAt);
  return (
    <>
      <FlashNotices lines={notices} />
      <h2 class="heading" safe>{t("sanctions.notices.heading")}</h2>
      <section aria-labelledby="your-standing">
        <h3 class="heading" id="your-standing" safe>{t("sanctions.notices.standing")}</h3>
        {sanction ? (
          <>
            <p safe>{sanction.kind === "banned" || !sanction.until ? t("sanctions.you_are_banned") : t("sanctions.you_are_suspended_until", { until: utcTime(sanction.until) })}</p>
            <h4 class="heading" safe>{t("sanctions.reason_heading")}</h4>
            <blockquote class="sanction-reason">
              <p safe>{sanction.reason}</p>
            </blockquote>
            <p safe>{t("sanctions.cannot_contribute")}</p>
            <p safe>{t("sanctions.still_can")}</p>
          </>
        ) : (
          <p safe>{t("sanctions.notices.good_standing")}</p>
        )}
      </section>
      <section aria-labelledby="your-warnings">
        <h3 class="heading" id="your-warnings" safe>{t("sanctions.notices.warnings")}</h3>
        {open.length === 0 ? <p safe>{t("sanctions.notices.no_warnings")}</p> : ""}
        <ul class="warnings">
          {open.map((w) => (
            <li>
              <p safe>{t("sanctions.notices.warning_from", { when: utcTime(w.createdAt) })}</p>
              <blockquote>
                <p safe>{w.reason}</p>
              </blockquote>
              <form method="post" action={`/users/${encodeURIComponent(login)}/notices/${w.id}/dismiss`}>
                <CsrfField csrf={csrf} />
                <button type="submit" safe>{t("sanctions.notices.dismiss")}</button>
              </form>
            </li>
          ))}
        </ul>
        {read.length ? (
          <details>
            <summary safe>{t("sanctions.notices.read_warnings", { count: formatNumber(read.length) })}</summary>
            <ul class="warnings">
              {read.map((w) => (
                <li>
                  <p safe>{t("sanctions.notices.warning_from", { when: utcTime(w.createdAt) })}</p>
                  <blockquote>
                    <p safe>{w.reason}</p>
                  </blockquote>
                </li>
              ))}
            </ul>
          </details>
        ) : (
          ""
        )}
      </section>
    </>
  );
}
