import { escapeHtml } from "@kitajs/html";
import { CsrfField, ErrorSummary, type FieldErrors, FlashNotices, Pagination, TextArea } from "../../platform/http/components.js";
import { t } from "../../platform/i18n/index.js";
import { workPath } from "../../model/paths.js";
import type { WorkTag } from "../../model/tags.js";
import { Byline, WorkMeta } from "../../model/views/meta.js";
import type { Work } from "../../model/works.js";
import { WorkTagFields, type WorkTagFormValues } from "../../works/index.js";
import type { AuditRecord } from "../audit.js";
import { adminDeleteWorkPath, adminWorkPath, adminWorkTagsPath, adminWorksPath, hideWorkPath, unhideWorkPath, withReturnTo } from "../paths.js";
import type { HiddenWork } from "../queries.js";
import { HIDDEN_PER_PAGE } from "../queries.js";
import { AuditLog } from "./audit-log.js";

/** The most a reason may be: what the creator reads in their mail and on the work. */
export const REASON_MAX = 2000;

/** The hidden `return_to` field other pages' forms carry, passed on. */
function ReturnTo({ value }: { value: string }): JSX.Element {
  return value ? <input type="hidden" name="return_to" value={escapeHtml(value)} /> : "";
}

/** "Posted, registered users only, hidden by an admin": the work's state in words. */
function WorkStatus({ work }: { work: Work }): JSX.Element {
  const parts = [work.posted ? t("moderation.status.posted") : t("moderation.status.draft"), work.restricted ? t("moderation.status.restricted") : t("moderation.status.public")];
  return (
    <>
      <dt safe>{t("moderation.status")}</dt>
      <dd safe>{parts.join(", ")}</dd>
      <dt safe>{t("moderation.visibility")}</dt>
      <dd>{work.hidden_by_admin ? <strong safe>{t("moderation.status.hidden", { reason: work.hidden_reason })}</strong> : escapeHtml(t("moderation.status.not_hidden"))}</dd>
    </>
  );
}

export interface AdminWorkPageProps {
  work: Work;
  tags: WorkTag[];
  postedChapters: number;
  audit: AuditRecord[];
  csrf: string;
  notices: string[];
  /** The hide (or unhide) form as typed, with its problems, after a refused submission. */
  reason: string;
  errors: FieldErrors;
  returnTo: string;
}

/** `/admin/works/ID`: a work as a policy admin sees it, its audit log, and what they can do to it. */
export function AdminWorkPage(props: AdminWorkPageProps): JSX.Element {
  const { work, tags, postedChapters, audit, csrf, notices, reason, errors, returnTo } = props;
  return (
    <div class="admin work">
      <h2 class="heading">
        <a href={workPath(work.id)} safe>{work.title}</a>
      </h2>
      <FlashNotices lines={notices} />
      <ErrorSummary errors={errors} />
      <dl class="admin-work meta">
        <dt safe>{t("moderation.creators")}</dt>
        <dd>
          <Byline creators={work.creators} />
        </dd>
        <WorkStatus work={work} />
      </dl>
      <WorkMeta work={work} tags={tags} postedChapters={postedChapters} />
      <section aria-labelledby="admin-actions-heading">
        <h3 safe class="heading" id="admin-actions-heading">{t("moderation.actions")}</h3>
        {work.hidden_by_admin ? (
          <form method="post" action={unhideWorkPath(work.id)}>
            <CsrfField csrf={csrf} />
            <ReturnTo value={returnTo} />
            <TextArea name="reason" label={t("moderation.unhide_reason")} value={reason} errors={errors.reason} hint={t("moderation.unhide_reason_hint")} rows={3} />
            <p class="actions">
              <button safe type="submit">{t("moderation.unhide")}</button>
            </p>
          </form>
        ) : (
          <form method="post" action={hideWorkPath(work.id)}>
            <CsrfField csrf={csrf} />
            <ReturnTo value={returnTo} />
            <TextArea name="reason" label={t("moderation.hide_reason")} value={reason} errors={errors.reason} hint={t("moderation.hide_reason_hint", { max: REASON_MAX })} rows={3} required />
            <p class="actions">
              <button safe type="submit">{t("moderation.hide")}</button>
            </p>
          </form>
        )}
        <ul class="actions">
          <li>
            <a safe href={withReturnTo(adminWorkTagsPath(work.id), returnTo)}>{t("moderation.edit_tags")}</a>
          </li>
          <li>
            <a safe href={withReturnTo(adminDeleteWorkPath(work.id), returnTo)}>{t("moderation.delete")}</a>
          </li>
          {returnTo ? (
            <li>
              <a safe href={returnTo}>{t("moderation.go_back")}</a>
            </li>
          ) : (
            ""
          )}
        </ul>
      </section>
      <section aria-labelledby="audit-heading">
        <h3 safe class="heading" id="audit-heading">{t("moderation.audit.heading")}</h3>
        <AuditLog entries={audit} caption={t("moderation.audit.caption_work", { title: work.title })} />
      </section>
    </div>
  );
}

/** A work id that names no work (deleted, perhaps by another admin): said plainly, with what the log still holds. */
export function WorkGonePage({ workId, audit, returnTo }: { workId: number; audit: AuditRecord[]; returnTo: string }): JSX.Element {
  return (
    <div class="admin work gone">
      <h2 safe class="heading">{t("moderation.gone.heading", { id: workId })}</h2>
      <p safe class="notice">{t("moderation.gone.text")}</p>
      <p>
        <a safe href={returnTo || adminWorksPath()}>{returnTo ? t("moderation.go_back") : t("moderation.hidden_works")}</a>
      </p>
      {audit.length ? <AuditLog entries={audit} caption={t("moderation.audit.caption_gone", { id: workId })} /> : ""}
    </div>
  );
}

/** `/admin/works/ID/delete`: are you sure, and why. */
export function ConfirmAdminDeletePage({ work, csrf, reason, errors, returnTo }: { work: Work; csrf: string; reason: string; errors: FieldErrors; returnTo: string }): JSX.Element {
  return (
    <div class="confirm">
      <h2 safe class="heading">{t("works.are_you_sure")}</h2>
      <ErrorSummary errors={errors} />
      <p safe>{t("moderation.delete_confirm", { title: work.title })}</p>
      <form method="post" action={adminDeleteWorkPath(work.id)}>
        <CsrfField csrf={csrf} />
        <ReturnTo value={returnTo} />
        <TextArea name="reason" label={t("moderation.delete_reason")} value={reason} errors={errors.reason} hint={t("moderation.delete_reason_hint")} rows={3} />
        <p class="actions">
          <button safe type="submit">{t("works.yes_delete")}</button> <a safe href={withReturnTo(adminWorkPath(work.id), returnTo)}>{t("works.cancel")}</a>
        </p>
      </form>
    </div>
  );
}

/** `/admin/works/ID/tags`: the work's tags, editable as a policy admin may. */
export function AdminTagsPage({ work, values, reason, errors, csrf, returnTo }: { work: Work; values: WorkTagFormValues; reason: string; errors: FieldErrors; csrf: string; returnTo: string }): JSX.Element {
  return (
    <div class="admin work tags">
      <h2 class="heading">
        <span safe>{t("moderation.tags.heading")}</span> <a href={workPath(work.id)} safe>{work.title}</a>
      </h2>
      <p safe>{t("moderation.tags.about")}</p>
      <ErrorSummary errors={errors} />
      <form method="post" action={adminWorkTagsPath(work.id)}>
        <CsrfField csrf={csrf} />
        <ReturnTo value={returnTo} />
        <WorkTagFields values={values} errors={errors} />
        <TextArea name="reason" label={t("moderation.tags.reason")} value={reason} errors={errors.reason} rows={2} />
        <p class="actions">
          <button safe type="submit">{t("moderation.tags.save")}</button> <a safe href={withReturnTo(adminWorkPath(work.id), returnTo)}>{t("works.cancel")}</a>
        </p>
      </form>
    </div>
  );
}

/** `/admin/works`: the hidden works, and a way to reach any work's admin page by its id. */
export function HiddenWorksPage({ total, works, page, idValue, idError, notices }: { total: number; works: HiddenWork[]; page: number; idValue: string; idError?: string; notices: string[] }): JSX.Element {
  const pages = Math.max(1, Math.ceil(total / HIDDEN_PER_PAGE));
  return (
    <div class="admin works">
      <h2 safe class="heading">{t("moderation.works.heading")}</h2>
      <FlashNotices lines={notices} />
      <form method="get" action={adminWorksPath()} class="find-work">
        <div class={idError ? "field has-error" : "field"}>
          <label for="find-work-id" safe>{t("moderation.works.find_label")}</label>
          {idError ? (
            <p class="field-error" id="find-work-id-error">
              <strong safe>{t("ui.error")}</strong> <span safe>{idError}</span>
            </p>
          ) : (
            ""
          )}
          <input type="text" inputmode="numeric" id="find-work-id" name="id" value={escapeHtml(idValue)} aria-invalid={idError ? "true" : undefined} aria-describedby={idError ? "find-work-id-error" : undefined} />
        </div>
        <p class="actions">
          <button safe type="submit">{t("moderation.works.find")}</button>
        </p>
      </form>
      <h3 safe class="heading">{t("moderation.works.hidden_count", { count: total })}</h3>
      {works.length ? (
        <table class="hidden-works">
          <caption safe>{t("moderation.hidden_works")}</caption>
          <thead>
            <tr>
              <th safe scope="col">{t("moderation.works.work")}</th>
              <th safe scope="col">{t("moderation.creators")}</th>
              <th safe scope="col">{t("moderation.works.reason")}</th>
            </tr>
          </thead>
          <tbody>
            {works.map((w) => (
              <tr>
                <td>
                  <a href={adminWorkPath(w.id)} safe>{w.title}</a>
                </td>
                <td>
                  <Byline creators={w.creators} />
                </td>
                <td safe>{w.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p safe>{t("moderation.works.none_hidden")}</p>
      )}
      <Pagination page={page} pages={pages} href={(n) => `${adminWorksPath()}?page=${n}`} />
    </div>
  );
}
