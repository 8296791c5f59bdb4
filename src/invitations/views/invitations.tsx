import { escapeHtml } from "@kitajs/html";
import { ChoiceGroup, CsrfField, ErrorSummary, type FieldErrors, FlashNotices, isoDate, Pagination, SelectField, TextArea, TextField } from "../../platform/http/components.js";
import { t } from "../../platform/i18n/index.js";
import { invitationState } from "../codes.js";
import type { InvitationListed, SearchState } from "../queries.js";
import { PER_PAGE, SEARCH_STATES } from "../queries.js";
import type { QueueSettings } from "../settings.js";

export const SEND_EMAIL = "invitation[invitee_email]";

/** An invitation's state in words, with who used it. */
function stateText(inv: InvitationListed): string {
  const state = invitationState({ used_at: inv.usedAt, expires_at: inv.expiresAt, invitee_email: inv.inviteeEmail, sent_at: inv.sentAt });
  if (state === "used") return inv.usedBy ? t("invitations.state.used_by", { login: inv.usedBy }) : t("invitations.state.used_deleted");
  if (state === "expired") return t("invitations.state.expired");
  if (state === "sent") return inv.expiresAt ? t("invitations.state.sent_until", { date: isoDate(inv.expiresAt) }) : t("invitations.state.sent");
  return t("invitations.state.unsent");
}

/** Where an invitation came from, for admins. */
function originText(inv: InvitationListed): string {
  if (inv.fromQueue) return t("invitations.origin.queue");
  if (inv.owner) return t("invitations.origin.granted", { login: inv.owner });
  return inv.createdBy ? t("invitations.origin.admin", { login: inv.createdBy }) : t("invitations.origin.archive");
}

/** The address an invitation went to, and when; a dash when it was not sent. */
function sentTo(inv: InvitationListed): string {
  return inv.inviteeEmail ? `${inv.inviteeEmail} (${isoDate(inv.sentAt ?? inv.createdAt)})` : "—";
}

function InvitationTable({ caption, rows, admin }: { caption: string; rows: InvitationListed[]; admin: boolean }): JSX.Element {
  return (
    <table class="invitations">
      <caption safe>{caption}</caption>
      <thead>
        <tr>
          <th safe scope="col">{t("admin.code")}</th>
          {admin ? <th safe scope="col">{t("invitations.column.origin")}</th> : ""}
          <th safe scope="col">{t("invitations.column.sent_to")}</th>
          <th safe scope="col">{t("admin.created")}</th>
          <th safe scope="col">{t("invitations.column.state")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((inv) => (
          <tr>
            <td>
              <code safe>{inv.code}</code>
            </td>
            {admin ? <td safe>{originText(inv)}</td> : ""}
            <td safe>{sentTo(inv)}</td>
            <td safe>{isoDate(inv.createdAt)}</td>
            <td safe>{stateText(inv)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** /users/:login/invitations: the invitations an admin granted this user, and a form to send one. */
export function UserInvitationsPage(props: { login: string; unsent: number; invitations: InvitationListed[]; email: string; errors: FieldErrors; notices: string[]; csrf: string }): JSX.Element {
  return (
    <>
      <h2 safe class="heading">{t("invitations.user.heading")}</h2>
      <FlashNotices lines={props.notices} />
      <p safe>{props.unsent ? t("invitations.user.unsent", { count: props.unsent }) : t("invitations.user.none")}</p>
      {props.unsent || Object.keys(props.errors).length ? (
        <>
          <ErrorSummary errors={props.errors} />
          <form method="post" action={`/users/${encodeURIComponent(props.login)}/invitations`}>
            <CsrfField csrf={props.csrf} />
            <TextField name={SEND_EMAIL} label={t("invitations.send.email")} type="email" value={props.email} errors={props.errors[SEND_EMAIL]} hint={t("invitations.send.hint")} autocomplete="off" required />
            <p class="actions">
              <button safe type="submit">{t("invitations.send.button")}</button>
            </p>
          </form>
        </>
      ) : (
        ""
      )}
      {props.invitations.length ? <InvitationTable caption={t("invitations.user.caption")} rows={props.invitations} admin={false} /> : ""}
    </>
  );
}

/** The values typed into the admin page's forms, and each form's mistakes. */
export interface AdminForms {
  settings: { enabled: boolean; batchSize: string; batchHours: string; expiryDays: string };
  queueCount: string;
  grant: { logins: string; everyone: boolean; count: string };
  codes: { count: string };
  send: { email: string };
}

export interface AdminInvitationsProps {
  forms: AdminForms;
  errors: FieldErrors;
  notices: string[];
  queue: { settings: QueueSettings; waiting: number; nextBatchAt: string | null; oldest: { id: number; email: string; created_at: string }[] };
  search: { query: string; state: SearchState; page: number; total: number; rows: InvitationListed[] };
  csrf: string;
}

const stateLabels = (): Record<SearchState, string> => ({
  any: t("invitations.search.state_any"),
  unsent: t("invitations.state.unsent"),
  sent: t("invitations.state.sent"),
  used: t("invitations.search.state_used"),
  expired: t("invitations.state.expired"),
});

/** /admin/invitations: the waiting list and its settings, bulk tools, and a search of every invitation. */
export function AdminInvitationsPage(props: AdminInvitationsProps): JSX.Element {
  const { forms, errors, queue, search, csrf } = props;
  const pages = Math.max(1, Math.ceil(search.total / PER_PAGE));
  const searchHref = (n: number) => `/admin/invitations?${new URLSearchParams({ "invitation_search[query]": search.query, "invitation_search[state]": search.state, page: String(n) }).toString()}`;
  return (
    <>
      <h2 safe class="heading">{t("invitations.admin.heading")}</h2>
      <FlashNotices lines={props.notices} />
      <ErrorSummary errors={errors} />

      <section aria-labelledby="queue-heading">
        <h3 safe class="heading" id="queue-heading">{t("invitations.admin.queue_heading")}</h3>
        <p safe>{t("invitations.admin.waiting", { count: queue.waiting })}</p>
        <p safe>{queue.nextBatchAt ? t("invitations.admin.next_batch", { date: queue.nextBatchAt.slice(0, 16).replace("T", " ") }) : t("invitations.admin.no_batch")}</p>
        <form method="post" action="/admin/invitations/settings">
          <CsrfField csrf={csrf} />
          <ChoiceGroup name="queue[enabled]" legend={t("invitations.admin.queue_legend")} choices={[{ value: "1", label: t("invitations.admin.queue_enabled") }]} selected={forms.settings.enabled ? ["1"] : []} hint={t("invitations.admin.queue_enabled_hint")} />
          <TextField name="queue[batch_size]" label={t("invitations.admin.batch_size")} inputmode="numeric" value={forms.settings.batchSize} errors={errors["queue[batch_size]"]} hint={t("invitations.admin.batch_size_hint")} required />
          <TextField name="queue[batch_hours]" label={t("invitations.admin.batch_hours")} inputmode="numeric" value={forms.settings.batchHours} errors={errors["queue[batch_hours]"]} hint={t("invitations.admin.batch_hours_hint")} required />
          <TextField name="queue[expiry_days]" label={t("invitations.admin.expiry_days")} inputmode="numeric" value={forms.settings.expiryDays} errors={errors["queue[expiry_days]"]} hint={t("invitations.admin.expiry_days_hint")} />
          <p class="actions">
            <button safe type="submit">{t("invitations.admin.save_settings")}</button>
          </p>
        </form>
        <form method="post" action="/admin/invitations/queue">
          <CsrfField csrf={csrf} />
          <TextField name="queue[count]" label={t("invitations.admin.send_now_count")} inputmode="numeric" value={forms.queueCount} errors={errors["queue[count]"]} hint={t("invitations.admin.send_now_hint")} required />
          <p class="actions">
            <button safe type="submit">{t("invitations.admin.send_now")}</button>
          </p>
        </form>
        {queue.oldest.length ? (
          <table>
            <caption safe>{t("invitations.admin.oldest_caption")}</caption>
            <thead>
              <tr>
                <th safe scope="col">{t("invitations.admin.position")}</th>
                <th safe scope="col">{t("admin.email")}</th>
                <th safe scope="col">{t("invitations.admin.since")}</th>
              </tr>
            </thead>
            <tbody>
              {queue.oldest.map((request, i) => (
                <tr>
                  <td>{i + 1}</td>
                  <td safe>{request.email}</td>
                  <td safe>{isoDate(request.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          ""
        )}
      </section>

      <section aria-labelledby="grant-heading">
        <h3 safe class="heading" id="grant-heading">{t("invitations.admin.grant_heading")}</h3>
        <form method="post" action="/admin/invitations/grant">
          <CsrfField csrf={csrf} />
          <TextArea name="grant[logins]" label={t("invitations.admin.grant_logins")} value={forms.grant.logins} errors={errors["grant[logins]"]} hint={t("invitations.admin.grant_logins_hint")} rows={3} />
          <ChoiceGroup name="grant[everyone]" legend={t("invitations.admin.grant_everyone_legend")} choices={[{ value: "1", label: t("invitations.admin.grant_everyone") }]} selected={forms.grant.everyone ? ["1"] : []} />
          <TextField name="grant[count]" label={t("invitations.admin.grant_count")} inputmode="numeric" value={forms.grant.count} errors={errors["grant[count]"]} required />
          <p class="actions">
            <button safe type="submit">{t("invitations.admin.grant")}</button>
          </p>
        </form>
      </section>

      <section aria-labelledby="codes-heading">
        <h3 safe class="heading" id="codes-heading">{t("invitations.admin.codes_heading")}</h3>
        <form method="post" action="/admin/invitations">
          <CsrfField csrf={csrf} />
          <TextField name="invitation[count]" label={t("invitations.admin.codes_count")} inputmode="numeric" value={forms.codes.count} errors={errors["invitation[count]"]} hint={t("invitations.admin.codes_hint")} required />
          <p class="actions">
            <button safe type="submit">{t("admin.create_an_invitation_code")}</button>
          </p>
        </form>
        <form method="post" action="/admin/invitations/send">
          <CsrfField csrf={csrf} />
          <TextField name={SEND_EMAIL} label={t("invitations.send.email")} type="email" value={forms.send.email} errors={errors[SEND_EMAIL]} hint={t("invitations.send.hint")} autocomplete="off" required />
          <p class="actions">
            <button safe type="submit">{t("invitations.send.button")}</button>
          </p>
        </form>
      </section>

      <section aria-labelledby="search-heading">
        <h3 safe class="heading" id="search-heading">{t("invitations.search.heading")}</h3>
        <form method="get" action="/admin/invitations" role="search" aria-label={t("invitations.search.heading")}>
          <TextField name="invitation_search[query]" label={t("invitations.search.query")} type="search" value={search.query} hint={t("invitations.search.query_hint")} />
          <SelectField name="invitation_search[state]" label={t("invitations.column.state")} value={search.state} choices={SEARCH_STATES.map((value) => ({ value, label: stateLabels()[value] }))} />
          <p class="actions">
            <button safe type="submit">{t("invitations.search.submit")}</button>
          </p>
        </form>
        <p safe>{t("invitations.search.found", { total: search.total })}</p>
        {search.rows.length ? <InvitationTable caption={t("admin.invitation_codes")} rows={search.rows} admin /> : ""}
        <Pagination page={search.page} pages={pages} href={searchHref} />
      </section>
      <p>
        {escapeHtml(t("invitations.admin.terms_link_intro"))} <a safe href="/admin/terms">{t("terms.admin.heading")}</a>
      </p>
    </>
  );
}
