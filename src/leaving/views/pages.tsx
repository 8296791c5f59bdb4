import { ChoiceGroup, CsrfField, ErrorSummary, type FieldErrors, FlashNotices, rawHtml, TextField } from "../../platform/http/components.js";
import { escapeText, html, type TrustedHtml } from "../../platform/html/trusted-html.js";
import { formatNumber, t, tHtml } from "../../platform/i18n/index.js";
import { ORPHAN_ACCOUNT_LOGIN } from "../../model/users.js";
import { workPath } from "../../model/paths.js";
import type { OrphanTarget } from "../commands.js";
import type { OwnWork } from "../queries.js";
import type { DeleteFormValues, OrphanFormValues } from "../schema.js";
import { type TakeoutStatus, TAKEOUT_DAYS, takeoutDownloadPath } from "../takeout.js";

/** The orphan account's name as the pages show it: a user name, set as code. */
function orphanName(): TrustedHtml {
  return html`<code>${escapeText(ORPHAN_ACCOUNT_LOGIN)}</code>`;
}

/** A list of works, each linked. */
function WorkList({ works }: { works: OwnWork[] }): JSX.Element {
  return (
    <ul class="leaving-works">
      {works.map((work) => (
        <li>
          <a href={workPath(work.id)} safe>{work.title}</a>
          {work.shared ? <span safe>{` ${t("leaving.shared_work")}`}</span> : ""}
        </li>
      ))}
    </ul>
  );
}

/** `GET /orphans/new` with nothing named: the user's posted works to choose from, and "orphan all". */
export function OrphanChoosePage({ works, seriesCount }: { works: OwnWork[]; seriesCount: number }): JSX.Element {
  return (
    <>
      <h2 class="heading" safe>{t("leaving.orphan.choose_heading")}</h2>
      <p>{rawHtml(tHtml("leaving.orphan.what_it_is", { account: orphanName() }))}</p>
      {works.length === 0 ? (
        <p safe>{t("leaving.orphan.no_works")}</p>
      ) : (
        <>
          <form method="get" action="/orphans/new">
            <ChoiceGroup name="work_id" legend={t("leaving.orphan.choose_legend")} choices={works.map((w) => ({ value: String(w.id), label: w.title }))} selected={[]} />
            <p class="actions">
              <button type="submit" safe>{t("leaving.orphan.choose_submit")}</button>
            </p>
          </form>
          <p>
            <a href="/orphans/new?all=true" safe>{seriesCount > 0 ? t("leaving.orphan.all_link_series") : t("leaving.orphan.all_link")}</a>
          </p>
        </>
      )}
    </>
  );
}

/** The confirmation before orphaning: what goes, that it cannot be undone, and the pseud choice. */
export function OrphanConfirmPage(props: { target: OrphanTarget; works: OwnWork[]; seriesCount: number; values: OrphanFormValues; errors: FieldErrors; csrf: string }): JSX.Element {
  const { target, works } = props;
  const all = target.kind === "all";
  return (
    <div class="confirm">
      <h2 class="heading" safe>{all ? t("leaving.orphan.all_heading") : t("leaving.orphan.heading")}</h2>
      <ErrorSummary errors={props.errors} />
      <p>{rawHtml(tHtml("leaving.orphan.what_it_is", { account: orphanName() }))}</p>
      <p class="important" safe>{t("leaving.orphan.cannot_undo")}</p>
      <p safe>{t("leaving.orphan.what_stays")}</p>
      {all ? (
        <p safe>{t("leaving.orphan.all_counts", { works: formatNumber(works.length), series: formatNumber(props.seriesCount) })}</p>
      ) : (
        <p safe>{t("leaving.orphan.these_works")}</p>
      )}
      <WorkList works={works} />
      {works.some((w) => w.shared) ? <p safe>{t("leaving.orphan.shared_explained")}</p> : ""}
      <form method="post" action="/orphans">
        <CsrfField csrf={props.csrf} />
        {all ? <input type="hidden" name="orphan[all]" value="1" /> : works.map((w) => <input type="hidden" name="orphan[work_ids][]" value={String(w.id)} />)}
        <ChoiceGroup
          type="radio"
          name="orphan[keep_pseud]"
          legend={t("leaving.orphan.pseud_legend")}
          choices={[
            { value: "0", label: t("leaving.orphan.remove_pseud") },
            { value: "1", label: t("leaving.orphan.keep_pseud") },
          ]}
          selected={[props.values.keepPseud]}
          errors={props.errors["orphan[keep_pseud]"]}
        />
        <p class="actions">
          <button type="submit" safe>{t("leaving.orphan.submit")}</button> <a href="/orphans/new" safe>{t("works.cancel")}</a>
        </p>
      </form>
    </div>
  );
}

export interface AccountWorks {
  posted: OwnWork[];
  drafts: OwnWork[];
  seriesCount: number;
}

/** `GET /users/LOGIN/delete`: what deleting the account does, the choice for its works, and the password. */
export function DeleteAccountPage(props: { login: string; works: AccountWorks; lastAdmin: boolean; values: DeleteFormValues; errors: FieldErrors; csrf: string }): JSX.Element {
  const { works, errors } = props;
  const settings = `/users/${encodeURIComponent(props.login)}/edit`;
  if (props.lastAdmin) {
    return (
      <>
        <h2 class="heading" safe>{t("leaving.delete.heading")}</h2>
        <p safe>{t("leaving.delete.last_admin")}</p>
        <p>
          <a href={settings} safe>{t("works.cancel")}</a>
        </p>
      </>
    );
  }
  const hasWorks = works.posted.length + works.drafts.length > 0;
  const shared = [...works.posted, ...works.drafts].filter((w) => w.shared).length;
  return (
    <div class="confirm">
      <h2 class="heading" safe>{t("leaving.delete.heading")}</h2>
      <ErrorSummary errors={errors} />
      <p class="important" safe>{t("leaving.delete.cannot_undo")}</p>
      <p safe>{t("leaving.delete.what_goes")}</p>
      <p safe>{t("leaving.delete.comments_stay")}</p>
      <p>
        <a href={`/users/${encodeURIComponent(props.login)}/takeout`} safe>{t("leaving.delete.takeout_first")}</a>
      </p>
      <form method="post" action={`/users/${encodeURIComponent(props.login)}/delete`}>
        <CsrfField csrf={props.csrf} />
        {hasWorks ? (
          <>
            <p safe>
              {t("leaving.delete.works_counts", { posted: formatNumber(works.posted.length), drafts: formatNumber(works.drafts.length), series: formatNumber(works.seriesCount) })}
            </p>
            {shared ? <p safe>{t("leaving.delete.shared_explained", { count: formatNumber(shared) })}</p> : ""}
            <ChoiceGroup
              type="radio"
              name="delete[works]"
              legend={t("leaving.delete.works_legend")}
              choices={[
                { value: "orphan_remove", label: t("leaving.delete.orphan_remove") },
                { value: "orphan_keep", label: t("leaving.delete.orphan_keep") },
                { value: "delete", label: t("leaving.delete.delete_works") },
              ]}
              selected={[props.values.works]}
              errors={errors["delete[works]"]}
              hint={t("leaving.delete.drafts_hint")}
            />
          </>
        ) : (
          <p safe>{t("leaving.delete.no_works")}</p>
        )}
        <TextField name="delete[password]" label={t("leaving.delete.password")} type="password" value="" errors={errors["delete[password]"]} autocomplete="current-password" required />
        <p class="actions">
          <button type="submit" safe>{t("leaving.delete.submit")}</button> <a href={settings} safe>{t("works.cancel")}</a>
        </p>
      </form>
    </div>
  );
}

/** After an account was deleted (the visitor is logged out by then). */
export function AccountDeletedPage({ works }: { works: string }): JSX.Element {
  return (
    <>
      <h2 class="heading" safe>{t("leaving.deleted.heading")}</h2>
      <p safe>{t("leaving.deleted.done")}</p>
      {works === "orphaned" ? <p>{rawHtml(tHtml("leaving.deleted.orphaned", { account: orphanName() }))}</p> : ""}
      {works === "deleted" ? <p safe>{t("leaving.deleted.deleted")}</p> : ""}
      <p>
        <a href="/" safe>{t("leaving.deleted.home")}</a>
      </p>
    </>
  );
}

function utc(iso: string): string {
  return t("leaving.takeout.utc", { date: iso.slice(0, 10), time: iso.slice(11, 16) });
}

function megabytes(bytes: number): string {
  return t("leaving.takeout.megabytes", { n: (Math.max(bytes, 1) / 1_048_576).toFixed(1) });
}

/** What the latest takeout is doing, and what the user can do now. */
function TakeoutState({ login, status }: { login: string; status: TakeoutStatus | undefined }): JSX.Element {
  if (!status) return <p safe>{t("leaving.takeout.none_yet")}</p>;
  switch (status.state) {
    case "queued":
      return <p safe>{t("leaving.takeout.queued", { date: utc(status.createdAt) })}</p>;
    case "running":
      return <p safe>{t("leaving.takeout.running", { done: formatNumber(status.done), total: formatNumber(status.total) })}</p>;
    case "ready":
      return (
        <>
          <p safe>{t("leaving.takeout.ready", { date: utc(status.readyAt ?? status.createdAt), size: megabytes(status.size) })}</p>
          <p>
            <a href={takeoutDownloadPath(login, status.id)} safe>{t("leaving.takeout.download")}</a>
          </p>
          <p safe>{t("leaving.takeout.until", { until: utc(status.expiresAt ?? status.createdAt) })}</p>
        </>
      );
    case "failed":
      return <p safe>{t("leaving.takeout.failed")}</p>;
    case "expired":
      return <p safe>{t("leaving.takeout.expired")}</p>;
  }
}

/** `GET /users/LOGIN/takeout`: what a takeout holds, the latest one's state, and the button that asks for one. */
export function TakeoutPage({ login, status, notices, csrf }: { login: string; status: TakeoutStatus | undefined; notices: string[]; csrf: string }): JSX.Element {
  const busy = status?.state === "queued" || status?.state === "running";
  return (
    <>
      <h2 class="heading" safe>{t("leaving.takeout.heading")}</h2>
      <FlashNotices lines={notices} />
      <p safe>{t("leaving.takeout.what_it_is")}</p>
      <p safe>{t("leaving.takeout.how_it_works", { days: TAKEOUT_DAYS })}</p>
      <section aria-labelledby="takeout-state">
        <h3 class="heading" id="takeout-state" safe>{t("leaving.takeout.state_heading")}</h3>
        <TakeoutState login={login} status={status} />
      </section>
      {busy ? (
        ""
      ) : (
        <form method="post" action={`/users/${encodeURIComponent(login)}/takeout`}>
          <CsrfField csrf={csrf} />
          <p class="actions">
            <button type="submit" safe>{t("leaving.takeout.request")}</button>
          </p>
        </form>
      )}
    </>
  );
}
