import { CsrfField, ErrorSummary, type FieldErrors, FlashNotices, rawHtml } from "../../platform/http/components.js";
import { utcTime } from "../../platform/http/sanction-page.js";
import { formatNumber, t } from "../../platform/i18n/index.js";
import type { SpamVerdict } from "../../model/spam.js";
import { workPath } from "../../model/paths.js";
import type { HeldComment, HeldWork } from "../spam.js";
import { FormField, key } from "./form-fields.js";
import { adminUserPath } from "./sanctions.js";

export const SPAM_QUEUE_PATH = "/admin/spam";
export const SPAM_SETTINGS_PATH = "/admin/spam/settings";

/** Why the rules hold an item, as they stand now. */
function Reasons({ verdict }: { verdict: SpamVerdict }): JSX.Element {
  const lines: string[] = [];
  if (verdict.newAccount) lines.push(t("spam.queue.new_account_links", { links: formatNumber(verdict.links) }));
  if (verdict.matches.length) lines.push(t("spam.queue.matches", { entries: verdict.matches.join(", ") }));
  if (lines.length === 0) lines.push(t("spam.queue.no_longer_matches"));
  return (
    <ul class="spam-reasons">
      {lines.map((line) => (
        <li safe>{line}</li>
      ))}
    </ul>
  );
}

function Decision({ approve, spam, csrf }: { approve: string; spam: string; csrf: string }): JSX.Element {
  return (
    <ul class="actions">
      <li>
        <form method="post" action={approve}>
          <CsrfField csrf={csrf} />
          <button type="submit" safe>{t("spam.queue.approve")}</button>
        </form>
      </li>
      <li>
        <a href={spam} safe>{t("spam.queue.mark_spam")}</a>
      </li>
    </ul>
  );
}

/** GET /admin/spam: the works and comments held for review. */
export function SpamQueuePage({ works, comments, notices, csrf }: { works: HeldWork[]; comments: HeldComment[]; notices: string[]; csrf: string }): JSX.Element {
  return (
    <>
      <FlashNotices lines={notices} />
      <h2 class="heading" safe>{t("spam.queue.heading")}</h2>
      <p>
        <a href={SPAM_SETTINGS_PATH} safe>{t("spam.queue.settings_link")}</a>
      </p>
      <section aria-labelledby="held-works">
        <h3 class="heading" id="held-works" safe>{t("spam.queue.works_heading", { count: formatNumber(works.length) })}</h3>
        {works.length === 0 ? <p safe>{t("spam.queue.no_works")}</p> : ""}
        <ol class="held index group">
          {works.map((work) => (
            <li class="held-work" id={`held-work-${work.id}`}>
              <h4 class="heading" safe>{work.title}</h4>
              <p>
                <span safe>{t("spam.queue.by")}</span>{" "}
                {work.creators.map((c, i) => (
                  <>
                    {i > 0 ? ", " : ""}
                    <a href={adminUserPath(c.login)} safe>{c.pseud === c.login ? c.login : `${c.pseud} (${c.login})`}</a>
                  </>
                ))}{" "}
                <span safe>{t("spam.queue.held_at", { when: utcTime(work.createdAt) })}</span>
              </p>
              <Reasons verdict={work.verdict} />
              {work.summary ? <blockquote class="userstuff summary">{rawHtml(work.summary)}</blockquote> : ""}
              <details>
                <summary safe>{t("spam.queue.read_text")}</summary>
                <div class="userstuff">{rawHtml(work.text)}</div>
              </details>
              <Decision approve={`${SPAM_QUEUE_PATH}/works/${work.id}/approve`} spam={`${SPAM_QUEUE_PATH}/works/${work.id}/confirm_spam`} csrf={csrf} />
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="held-comments">
        <h3 class="heading" id="held-comments" safe>{t("spam.queue.comments_heading", { count: formatNumber(comments.length) })}</h3>
        {comments.length === 0 ? <p safe>{t("spam.queue.no_comments")}</p> : ""}
        <ol class="held index group">
          {comments.map((comment) => (
            <li class="held-comment" id={`held-comment-${comment.id}`}>
              <p>
                <span safe>{t("spam.queue.by")}</span>{" "}
                {comment.login ? <a href={adminUserPath(comment.login)} safe>{comment.login}</a> : <span safe>{t("spam.queue.guest", { name: comment.guestName ?? "" })}</span>}{" "}
                <span safe>{t("spam.queue.on")}</span> <a href={workPath(comment.workId)} safe>{comment.workTitle}</a>{" "}
                <span safe>{t("spam.queue.held_at", { when: utcTime(comment.createdAt) })}</span>
              </p>
              <Reasons verdict={comment.verdict} />
              <blockquote class="userstuff">{rawHtml(comment.content)}</blockquote>
              <Decision approve={`${SPAM_QUEUE_PATH}/comments/${comment.id}/approve`} spam={`${SPAM_QUEUE_PATH}/comments/${comment.id}/confirm_spam`} csrf={csrf} />
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

/** The confirmation before marking spam: what will happen, and the reason to record. */
export function ConfirmSpamPage({ what, consequence, action, reason, errors, csrf }: { what: string; consequence: string; action: string; reason: string; errors: FieldErrors; csrf: string }): JSX.Element {
  return (
    <div class="confirm">
      <h2 class="heading" safe>{t("spam.confirm.heading")}</h2>
      <ErrorSummary errors={errors} />
      <p safe>{t("spam.confirm.about", { what })}</p>
      <p safe>{consequence}</p>
      <form method="post" action={action}>
        <CsrfField csrf={csrf} />
        <FormField form="spam" name="reason" label={t("spam.confirm.reason")} hint={t("spam.confirm.reason_hint")} value={reason} errors={errors} rows={3} required />
        <p class="actions">
          <button type="submit" safe>{t("spam.confirm.button")}</button> <a href={SPAM_QUEUE_PATH} safe>{t("works.cancel")}</a>
        </p>
      </form>
    </div>
  );
}

export interface SpamSettingsValues {
  new_account_days: string;
  max_links: string;
  block_list: string;
}

/** GET /admin/spam/settings */
export function SpamSettingsPage({ values, errors, notices, csrf }: { values: SpamSettingsValues; errors: FieldErrors; notices: string[]; csrf: string }): JSX.Element {
  return (
    <>
      <FlashNotices lines={notices} />
      <h2 class="heading" safe>{t("spam.settings.heading")}</h2>
      <p safe>{t("spam.settings.intro")}</p>
      <ErrorSummary errors={errors} />
      <form method="post" action={SPAM_SETTINGS_PATH}>
        <CsrfField csrf={csrf} />
        <FormField form="spam" name="new_account_days" label={t("spam.settings.days")} hint={t("spam.settings.days_hint")} value={values.new_account_days} errors={errors} inputmode="numeric" required />
        <FormField form="spam" name="max_links" label={t("spam.settings.links")} hint={t("spam.settings.links_hint")} value={values.max_links} errors={errors} inputmode="numeric" required />
        <FormField form="spam" name="block_list" label={t("spam.settings.list")} hint={t("spam.settings.list_hint")} value={values.block_list} errors={errors} rows={10} />
        <p class="actions">
          <button type="submit" safe>{t("spam.settings.save")}</button>
        </p>
      </form>
      <p>
        <a href={SPAM_QUEUE_PATH} safe>{t("spam.settings.queue_link")}</a>
      </p>
    </>
  );
}

/** Key of a spam form's field errors. */
export const spamKey = (name: string) => key("spam", name);
