import { escapeHtml } from "@kitajs/html";
import { CsrfField, ErrorSummary, type FieldErrors, FlashNotices, Pagination, rawHtml, TextArea, TextField } from "../../platform/http/components.js";
import type { TrustedHtml } from "../../platform/html/trusted-html.js";
import { formatNumber, t } from "../../platform/i18n/index.js";
import { findLanguage } from "../../model/languages.js";
import { bookmarkPath, chapterPath, seriesPath, userPath, workPath } from "../../model/paths.js";
import { TAG_TYPES, tagTypeLabel } from "../../model/vocabulary.js";
import type { QueueEntry, QueueFilter, ReportDetail } from "../queries.js";
import { FIELDS, LIMITS, type ReportForm } from "../schema.js";
import type { Snapshot } from "../snapshot.js";
import { adminReportPath, adminReportsPath, REPORTS_PATH } from "./paths.js";

/** A stored time as pages show it: "2026-12-07 14:05 UTC". */
function utcMinute(iso: string): string {
  return iso ? t("reports.at", { date: iso.slice(0, 10), time: iso.slice(11, 16) }) : "";
}

/** Plain text with its line breaks kept, one paragraph per blank-line-separated block. */
function PlainText({ text }: { text: string }): JSX.Element {
  return (
    <>
      {text
        .split(/\n{2,}/)
        .filter((p) => p.trim())
        .map((p) => (
          <p>
            {p.split("\n").map((line, i) => (
              <>
                {i > 0 ? <br /> : ""}
                {escapeHtml(line)}
              </>
            ))}
          </p>
        ))}
    </>
  );
}

export interface ReportFormProps {
  values: ReportForm;
  errors: FieldErrors;
  /** A refusal that is not about one field's content (a cap): said at the top, the form kept. */
  refusal?: string;
  loggedIn: boolean;
  csrf: string;
}

/** `/abuse_reports/new`: the report form, for guests and users alike. */
export function ReportFormPage({ values, errors, refusal, loggedIn, csrf }: ReportFormProps): JSX.Element {
  return (
    <div class="abuse-report">
      <h2 class="heading" safe>{t("reports.form.title")}</h2>
      <p safe>{t("reports.form.intro", { site: t("site.name") })}</p>
      <p safe>{t("reports.form.what_we_do")}</p>
      {refusal ? (
        <div class="flash error" role="alert" id="error-summary" tabindex="-1">
          <p safe>{refusal}</p>
          <p safe>{t("reports.kept")}</p>
        </div>
      ) : (
        <ErrorSummary errors={errors} labels={{ [FIELDS.url]: t("reports.field.url"), [FIELDS.summary]: t("reports.field.summary"), [FIELDS.details]: t("reports.field.details"), [FIELDS.email]: t("reports.field.email") }} />
      )}
      <form method="post" action={REPORTS_PATH}>
        <CsrfField csrf={csrf} />
        <TextField name={FIELDS.url} label={t("reports.field.url")} value={values.url} errors={errors[FIELDS.url]} hint={t("reports.field.url_hint")} inputmode="url" maxlength={LIMITS.url} required />
        <TextField name={FIELDS.summary} label={t("reports.field.summary")} value={values.summary} errors={errors[FIELDS.summary]} hint={t("reports.field.summary_hint", { max: formatNumber(LIMITS.summary) })} maxlength={LIMITS.summary} required />
        <TextArea name={FIELDS.details} label={t("reports.field.details")} value={values.details} errors={errors[FIELDS.details]} hint={t("reports.field.details_hint", { max: formatNumber(LIMITS.details) })} rows={10} required />
        <TextField
          name={FIELDS.email}
          label={t("reports.field.email")}
          type="email"
          value={values.email}
          errors={errors[FIELDS.email]}
          hint={loggedIn ? t("reports.field.email_hint_user") : t("reports.field.email_hint_guest")}
          autocomplete="email"
          maxlength={LIMITS.email}
          required={!loggedIn}
        />
        <p class="actions">
          <button type="submit" safe>{t("reports.submit")}</button>
        </p>
      </form>
    </div>
  );
}

/** After sending: what happens now. */
export function ReportSentPage({ notices }: { notices: string[] }): JSX.Element {
  return (
    <div class="abuse-report sent">
      <h2 class="heading" safe>{t("reports.sent.title")}</h2>
      <FlashNotices lines={notices} />
      <p safe>{t("reports.sent.body")}</p>
      <p safe>{t("reports.sent.copy")}</p>
      <p>
        <a href="/" safe>{t("reports.sent.home")}</a>
      </p>
    </div>
  );
}

const FILTERS: QueueFilter[] = ["all", "open", "closed"];

/** `/admin/abuse_reports`: the queue, open reports first. */
export function QueuePage({ filter, entries, total, page, pages }: { filter: QueueFilter; entries: QueueEntry[]; total: number; page: number; pages: number }): JSX.Element {
  return (
    <div class="abuse-reports admin">
      <nav aria-label={t("reports.queue.filter")}>
        <ul class="actions">
          {FILTERS.map((f) => (
            <li>{f === filter ? <span aria-current="page" safe>{t(`reports.queue.filter_${f}`)}</span> : <a href={adminReportsPath(f)} safe>{t(`reports.queue.filter_${f}`)}</a>}</li>
          ))}
        </ul>
      </nav>
      <p safe>{t(`reports.queue.count_${filter}`, { total })}</p>
      {entries.length === 0 ? (
        <p safe>{t("reports.queue.none")}</p>
      ) : (
        <table class="abuse-reports">
          <caption safe>{t("reports.queue.caption")}</caption>
          <thead>
            <tr>
              <th scope="col" safe>{t("reports.queue.report")}</th>
              <th scope="col" safe>{t("reports.queue.status")}</th>
              <th scope="col" safe>{t("reports.queue.received")}</th>
              <th scope="col" safe>{t("reports.admin.url")}</th>
              <th scope="col" safe>{t("reports.queue.reporter")}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr class={entry.resolved ? "resolved" : "open"}>
                <td>
                  <a href={adminReportPath(entry.id)} safe>{entry.summary}</a>
                </td>
                <td safe>{entry.resolved ? t("reports.status.resolved") : t("reports.status.open")}</td>
                <td safe>{utcMinute(entry.createdAt)}</td>
                <td class="url" safe>{entry.url}</td>
                <td safe>{entry.reporterLogin ?? t("reports.guest_reporter", { email: entry.email })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pagination page={page} pages={pages} href={(n) => adminReportsPath(filter, n)} />
    </div>
  );
}

/** A person a report is about, as they are now: null login when the account is gone. */
export interface PersonNow {
  userId: number;
  /** The name the snapshot recorded. */
  then: string;
  pseud?: string;
  /** The login now, or null when the account no longer exists. */
  login: string | null;
}

export interface ReportPageProps {
  report: ReportDetail;
  snapshot: Snapshot;
  /** The reported work as it is now: null when deleted since, undefined when the report names none. */
  work: { id: number; title: string; hidden: boolean } | null | undefined;
  people: PersonNow[];
  notices: string[];
  noteValue: string;
  noteErrors?: string[];
  csrf: string;
}

/** `/admin/abuse_reports/:id`: the report, the page as it was, and what an admin can do about it. */
export function ReportPage(props: ReportPageProps): JSX.Element {
  const { report, snapshot } = props;
  const path = adminReportPath(report.id);
  return (
    <div class="abuse-report admin">
      <FlashNotices lines={props.notices} />
      <p>
        <a href={adminReportsPath("open")} safe>{t("reports.back_to_queue")}</a>
      </p>
      <h2 class="heading" safe>{report.summary}</h2>
      <dl class="meta">
        <dt safe>{t("reports.queue.status")}</dt>
        <dd safe>
          {report.resolved
            ? t("reports.resolved_by", { login: report.resolverLogin ?? t("reports.someone"), at: utcMinute(report.resolved_at ?? "") })
            : t("reports.status.open")}
        </dd>
        <dt safe>{t("reports.queue.received")}</dt>
        <dd safe>{utcMinute(report.created_at)}</dd>
        <dt safe>{t("reports.admin.url")}</dt>
        <dd class="url">
          <a href={report.url} safe>{report.url}</a>
        </dd>
        <dt safe>{t("reports.queue.reporter")}</dt>
        <dd>
          {report.reporterLogin ? <a href={userPath(report.reporterLogin)} safe>{report.reporterLogin}</a> : escapeHtml(t("reports.guest"))}
        </dd>
        <dt safe>{t("reports.admin.email")}</dt>
        <dd>
          <a href={`mailto:${report.email}`} safe>{report.email}</a>
        </dd>
        <dt safe>{t("reports.ip")}</dt>
        <dd safe>{report.reporter_ip || t("reports.unknown")}</dd>
      </dl>
      <h3 class="heading" safe>{t("reports.field.details")}</h3>
      <blockquote class="report-details">
        <PlainText text={report.details} />
      </blockquote>
      {report.resolved && report.resolution_note ? (
        <>
          <h3 class="heading" safe>{t("reports.note")}</h3>
          <blockquote class="resolution-note">
            <PlainText text={report.resolution_note} />
          </blockquote>
        </>
      ) : (
        ""
      )}
      <SnapshotSection snapshot={snapshot} summaryHtml={report.snapshot_summary} textHtml={report.snapshot_text} />
      <Actions {...props} returnTo={path} />
    </div>
  );
}

function TagList({ snapshot }: { snapshot: Snapshot }): JSX.Element {
  const tags = snapshot.tags ?? [];
  if (tags.length === 0) return "";
  const types = [...TAG_TYPES, "Bookmark"].filter((type) => tags.some((tag) => tag.type === type));
  return (
    <>
      {types.map((type) => {
        const names = tags.filter((tag) => tag.type === type).map((tag) => tag.name);
        return (
          <>
            <dt safe>{type === "Bookmark" ? t("reports.snapshot.bookmark_tags") : tagTypeLabel(type, names.length > 1)}</dt>
            <dd>
              <ul class="commas">
                {names.map((name) => (
                  <li safe>{name}</li>
                ))}
              </ul>
            </dd>
          </>
        );
      })}
    </>
  );
}

function SnapshotSection({ snapshot, summaryHtml, textHtml }: { snapshot: Snapshot; summaryHtml: TrustedHtml; textHtml: TrustedHtml }): JSX.Element {
  const state = snapshot.state;
  return (
    <section class="snapshot" aria-labelledby="snapshot-heading">
      <h3 class="heading" id="snapshot-heading" safe>{t("reports.snapshot.heading")}</h3>
      <p class="hint" safe>{snapshot.takenAt ? t("reports.snapshot.taken", { at: utcMinute(snapshot.takenAt) }) : t("reports.snapshot.none")}</p>
      {snapshot.kind === "missing" ? <p safe>{t("reports.snapshot.missing")}</p> : ""}
      {snapshot.kind === "page" ? <p safe>{t("reports.snapshot.page")}</p> : ""}
      <dl class="meta">
        <dt safe>{t("reports.snapshot.kind")}</dt>
        <dd safe>{t(`reports.kind.${snapshot.kind}`)}</dd>
        {snapshot.title !== undefined ? (
          <>
            <dt safe>{t("reports.snapshot.title")}</dt>
            <dd>
              {snapshot.workId ? <a href={workPath(snapshot.workId)} safe>{snapshot.title}</a> : snapshot.seriesId ? <a href={seriesPath(snapshot.seriesId)} safe>{snapshot.title}</a> : escapeHtml(snapshot.title)}
            </dd>
          </>
        ) : (
          ""
        )}
        {snapshot.chapter && snapshot.workId ? (
          <>
            <dt safe>{t("reports.snapshot.chapter")}</dt>
            <dd>
              <a href={chapterPath(snapshot.workId, snapshot.chapter.id)} safe>
                {snapshot.chapter.title ? t("model.chapter_position_title", { position: snapshot.chapter.position, title: snapshot.chapter.title }) : t("model.chapter_position", { position: snapshot.chapter.position })}
              </a>
            </dd>
          </>
        ) : (
          ""
        )}
        {snapshot.people.length ? (
          <>
            <dt safe>{t(snapshot.kind === "work" || snapshot.kind === "series" ? "reports.snapshot.creators" : "reports.snapshot.user")}</dt>
            <dd>
              <ul class="commas">
                {snapshot.people.map((p) => (
                  <li safe>{p.pseud ? `${p.pseud} (${p.login})` : p.login}</li>
                ))}
              </ul>
            </dd>
          </>
        ) : (
          ""
        )}
        {snapshot.guestName !== undefined ? (
          <>
            <dt safe>{t("reports.snapshot.guest_author")}</dt>
            <dd safe>{snapshot.guestName}</dd>
          </>
        ) : (
          ""
        )}
        {snapshot.on ? (
          <>
            <dt safe>{t("reports.snapshot.on")}</dt>
            <dd>
              {snapshot.on.workId ? <a href={workPath(snapshot.on.workId)} safe>{snapshot.on.title}</a> : snapshot.on.seriesId ? <a href={seriesPath(snapshot.on.seriesId)} safe>{snapshot.on.title}</a> : escapeHtml(snapshot.on.title)}
            </dd>
          </>
        ) : (
          ""
        )}
        {snapshot.commentId ? (
          <>
            <dt safe>{t("reports.kind.comment")}</dt>
            <dd>
              <a href={`/comments/${snapshot.commentId}`} safe>{`#${snapshot.commentId}`}</a>
            </dd>
          </>
        ) : (
          ""
        )}
        {snapshot.bookmarkId ? (
          <>
            <dt safe>{t("reports.kind.bookmark")}</dt>
            <dd>
              <a href={bookmarkPath(snapshot.bookmarkId)} safe>{`#${snapshot.bookmarkId}`}</a>
            </dd>
          </>
        ) : (
          ""
        )}
        <TagList snapshot={snapshot} />
        {snapshot.language ? (
          <>
            <dt safe>{t("works.language")}</dt>
            <dd lang={snapshot.language} safe>{findLanguage(snapshot.language)?.name ?? snapshot.language}</dd>
          </>
        ) : (
          ""
        )}
        {snapshot.words !== undefined ? (
          <>
            <dt safe>{t("series.words")}</dt>
            <dd safe>{String(snapshot.words)}</dd>
          </>
        ) : (
          ""
        )}
        {state ? (
          <>
            <dt safe>{t("reports.snapshot.state")}</dt>
            <dd safe>
              {[state.posted ? t("reports.state.posted") : t("reports.state.draft"), state.restricted ? t("reports.state.restricted") : "", state.hidden ? t("reports.state.hidden") : ""].filter(Boolean).join(", ")}
            </dd>
          </>
        ) : (
          ""
        )}
        {snapshot.joinedAt ? (
          <>
            <dt safe>{t("reports.snapshot.joined")}</dt>
            <dd safe>{snapshot.joinedAt.slice(0, 10)}</dd>
          </>
        ) : (
          ""
        )}
        {snapshot.pseuds?.length ? (
          <>
            <dt safe>{t("reports.snapshot.pseuds")}</dt>
            <dd>
              <ul class="commas">
                {snapshot.pseuds.map((name) => (
                  <li safe>{name}</li>
                ))}
              </ul>
            </dd>
          </>
        ) : (
          ""
        )}
      </dl>
      {summaryHtml ? (
        <>
          <h4 class="heading" safe>{t(snapshot.kind === "user" ? "reports.snapshot.profile" : snapshot.kind === "bookmark" ? "reports.snapshot.notes" : "reports.snapshot.summary")}</h4>
          <blockquote class="userstuff summary">{rawHtml(summaryHtml)}</blockquote>
        </>
      ) : (
        ""
      )}
      {textHtml ? (
        <>
          <h4 class="heading" safe>{t(snapshot.kind === "comment" ? "reports.snapshot.comment" : "reports.snapshot.text")}</h4>
          <div class="userstuff" lang={snapshot.language}>{rawHtml(textHtml)}</div>
        </>
      ) : (
        ""
      )}
    </section>
  );
}

/** A reason box with its own id (several forms on the page have one). */
function ReasonField({ id, required = true }: { id: string; required?: boolean }): JSX.Element {
  return (
    <p class="field">
      <label for={id} safe>{t("reports.action.reason")}</label>
      <textarea id={id} name="reason" rows="3" required={required}>{"\n"}</textarea>
    </p>
  );
}

function HideWorksChoice({ id }: { id: string }): JSX.Element {
  return (
    <fieldset class="choices">
      <legend safe>{t("reports.action.hide_works")}</legend>
      <ul>
        <li>
          <input type="radio" id={`${id}-no`} name="hide_works" value="no" checked />{" "}
          <label for={`${id}-no`} safe>{t("reports.action.hide_works_no")}</label>
        </li>
        <li>
          <input type="radio" id={`${id}-yes`} name="hide_works" value="yes" />{" "}
          <label for={`${id}-yes`} safe>{t("reports.action.hide_works_yes")}</label>
        </li>
      </ul>
    </fieldset>
  );
}

/**
 * The admin's tools: resolve or reopen this report, and act on the work and the people it names.
 * The moderation forms post to the moderation pages, each with `return_to` so the admin comes
 * back here.
 */
function Actions(props: ReportPageProps & { returnTo: string }): JSX.Element {
  const { report, work, people, csrf, returnTo } = props;
  const hidden = (
    <>
      <CsrfField csrf={csrf} />
      <input type="hidden" name="return_to" value={returnTo} />
    </>
  );
  return (
    <section class="report-actions" aria-labelledby="report-actions-heading">
      <h3 class="heading" id="report-actions-heading" safe>{t("reports.actions.heading")}</h3>
      {report.resolved ? (
        <form method="post" action={`${adminReportPath(report.id)}/reopen`}>
          <CsrfField csrf={csrf} />
          <p class="actions">
            <button type="submit" safe>{t("reports.reopen")}</button>
          </p>
        </form>
      ) : (
        <form method="post" action={`${adminReportPath(report.id)}/resolve`}>
          <CsrfField csrf={csrf} />
          <TextArea name="note" label={t("reports.note")} value={props.noteValue} errors={props.noteErrors} hint={t("reports.note_hint")} rows={3} />
          <p class="actions">
            <button type="submit" safe>{t("reports.resolve")}</button>
          </p>
        </form>
      )}
      {work === null ? <p safe>{t("reports.work_gone")}</p> : ""}
      {work ? (
        <section class="work-actions" aria-labelledby="work-actions-heading">
          <h4 class="heading" id="work-actions-heading">
            {escapeHtml(t("reports.actions.work"))} <a href={workPath(work.id)} safe>{work.title}</a>
          </h4>
          <p safe>{work.hidden ? t("reports.work_hidden_now") : t("reports.work_visible_now")}</p>
          {work.hidden ? (
            <form method="post" action={`/admin/works/${work.id}/unhide`}>
              {hidden}
              <p class="actions">
                <button type="submit" safe>{t("reports.action.unhide")}</button>
              </p>
            </form>
          ) : (
            <form method="post" action={`/admin/works/${work.id}/hide`}>
              {hidden}
              <ReasonField id={`hide-${work.id}-reason`} />
              <p class="actions">
                <button type="submit" safe>{t("reports.action.hide")}</button>
              </p>
            </form>
          )}
          <ul class="actions">
            <li>
              <a href={`/admin/works/${work.id}/tags?return_to=${encodeURIComponent(returnTo)}`} safe>{t("reports.action.edit_tags")}</a>
            </li>
            <li>
              <a href={`/admin/works/${work.id}/delete?return_to=${encodeURIComponent(returnTo)}`} safe>{t("reports.action.delete")}</a>
            </li>
          </ul>
        </section>
      ) : (
        ""
      )}
      {people.map((person) => (
        <section class="user-actions" aria-labelledby={`user-${person.userId}-heading`}>
          <h4 class="heading" id={`user-${person.userId}-heading`}>
            {escapeHtml(t("reports.actions.user"))} {person.login ? <a href={userPath(person.login)} safe>{person.login}</a> : escapeHtml(person.then)}
          </h4>
          {person.login === null ? (
            <p safe>{t("reports.user_gone")}</p>
          ) : (
            <>
              <form method="post" action={`/admin/users/${encodeURIComponent(person.login)}/warn`}>
                {hidden}
                <ReasonField id={`warn-${person.userId}-reason`} />
                <p class="actions">
                  <button type="submit" safe>{t("reports.action.warn")}</button>
                </p>
              </form>
              <form method="post" action={`/admin/users/${encodeURIComponent(person.login)}/suspend`}>
                {hidden}
                <p class="field">
                  <label for={`suspend-${person.userId}-days`} safe>{t("reports.action.days")}</label>
                  <input type="number" id={`suspend-${person.userId}-days`} name="days" min="1" max="3650" value="7" required />
                </p>
                <ReasonField id={`suspend-${person.userId}-reason`} />
                <HideWorksChoice id={`suspend-${person.userId}-hide`} />
                <p class="actions">
                  <button type="submit" safe>{t("reports.action.suspend")}</button>
                </p>
              </form>
              <form method="post" action={`/admin/users/${encodeURIComponent(person.login)}/ban`}>
                {hidden}
                <ReasonField id={`ban-${person.userId}-reason`} />
                <HideWorksChoice id={`ban-${person.userId}-hide`} />
                <p class="actions">
                  <button type="submit" safe>{t("reports.action.ban")}</button>
                </p>
              </form>
            </>
          )}
        </section>
      ))}
    </section>
  );
}
