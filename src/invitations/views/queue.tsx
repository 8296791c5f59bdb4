import { escapeHtml } from "@kitajs/html";
import { CsrfField, ErrorSummary, type FieldErrors, FlashNotices, isoDate, TextField } from "../../platform/http/components.js";
import { t } from "../../platform/i18n/index.js";
import type { QueueStatus } from "../queue.js";
import type { QueueSettings } from "../settings.js";

/** What the queue page says about the archive's way in. */
export type QueueDoor = "queue" | "open" | "closed";

export const QUEUE_EMAIL = "invite_request[email]";

function StatusLink(): JSX.Element {
  return (
    <p>
      <a safe href="/invite_requests/status">{t("invitations.queue.check_status")}</a>
    </p>
  );
}

/** /invite_requests: join the waiting list (or why there is none). */
export function QueuePage(props: { door: QueueDoor; settings: QueueSettings; waiting: number; email: string; errors: FieldErrors; csrf: string }): JSX.Element {
  const { door, settings } = props;
  return (
    <>
      <h2 safe class="heading">{t("invitations.queue.heading")}</h2>
      {door === "open" ? (
        <p>
          {escapeHtml(t("invitations.queue.signup_open"))} <a safe href="/signup">{t("nav.signup")}</a>
        </p>
      ) : door === "closed" ? (
        <>
          <p safe>{t("invitations.queue.closed")}</p>
          <StatusLink />
        </>
      ) : (
        <>
          <p safe>{t("invitations.queue.intro", { site: t("site.name") })}</p>
          <p safe>{t("invitations.queue.rate", { count: settings.batchSize, hours: settings.batchHours })}</p>
          <p safe>{t("invitations.queue.waiting", { count: props.waiting })}</p>
          <ErrorSummary errors={props.errors} />
          <form method="post" action="/invite_requests">
            <CsrfField csrf={props.csrf} />
            <TextField name={QUEUE_EMAIL} label={t("admin.email")} type="email" value={props.email} errors={props.errors[QUEUE_EMAIL]} hint={t("invitations.queue.email_hint")} autocomplete="email" required />
            <p class="actions">
              <button safe type="submit">{t("invitations.queue.join")}</button>
            </p>
          </form>
          <StatusLink />
        </>
      )}
    </>
  );
}

/** /invite_requests/status: look an address up on the waiting list. */
export function QueueStatusPage(props: { email: string; status: QueueStatus | null; errors: FieldErrors; notices: string[] }): JSX.Element {
  const { status } = props;
  return (
    <>
      <h2 safe class="heading">{t("invitations.status.heading")}</h2>
      <FlashNotices lines={props.notices} />
      <form method="get" action="/invite_requests/status">
        <TextField name={QUEUE_EMAIL} label={t("admin.email")} type="email" value={props.email} errors={props.errors[QUEUE_EMAIL]} autocomplete="email" required />
        <p class="actions">
          <button safe type="submit">{t("invitations.status.look_up")}</button>
        </p>
      </form>
      {status ? (
        <section class="queue-status" aria-labelledby="queue-status-heading">
          <h3 safe class="heading" id="queue-status-heading">{t("invitations.status.result")}</h3>
          {status.state === "waiting" ? (
            <>
              <p safe>{t("invitations.status.position", { position: status.position })}</p>
              <p safe>{status.expectedAt ? t("invitations.status.expected", { date: isoDate(status.expectedAt) }) : t("invitations.status.paused")}</p>
            </>
          ) : status.state === "invited" ? (
            <p safe>{status.expired ? t("invitations.status.invited_expired", { date: isoDate(status.invitedAt) }) : t("invitations.status.invited", { date: isoDate(status.invitedAt) })}</p>
          ) : (
            <p>
              {escapeHtml(t("invitations.status.unknown"))} <a safe href="/invite_requests">{t("invitations.queue.heading")}</a>
            </p>
          )}
        </section>
      ) : (
        ""
      )}
    </>
  );
}
