import { escapeHtml } from "@kitajs/html";
import { CsrfField, FlashNotices, isoDate } from "../../platform/http/components.js";
import { formatNumber, t } from "../../platform/i18n/index.js";
import { Byline } from "../../model/views/meta.js";
import { workPath } from "../../model/paths.js";
import type { Invitation } from "../cocreators.js";

/** `/users/LOGIN/creatorships`: the co-creator invitations waiting for the user, each with Accept and Decline. */
export function CreatorshipsPage({ login, invitations, notices, csrf }: { login: string; invitations: Invitation[]; notices: string[]; csrf: string }): JSX.Element {
  const base = `/users/${encodeURIComponent(login)}/creatorships`;
  return (
    <div class="creatorships-index">
      <h2 class="heading" safe>
        {t("cocreators.page_heading")}
      </h2>
      <FlashNotices lines={notices} />
      <p safe>{t("cocreators.page_explain")}</p>
      {invitations.length ? (
        <ul class="creatorships index group">
          {invitations.map((inv) => (
            <li class="creatorship">
              <h3 class="heading">
                {inv.posted ? (
                  <a href={workPath(inv.workId)} safe>
                    {inv.title}
                  </a>
                ) : (
                  <span safe>{inv.title}</span>
                )}
                {inv.creators.length ? (
                  <>
                    {escapeHtml(t("model.by"))}
                    <Byline creators={inv.creators} />
                  </>
                ) : (
                  ""
                )}
              </h3>
              <p safe>{t("cocreators.invited_as", { pseud: inv.pseudName, inviter: inv.inviter ?? t("cocreators.someone"), date: isoDate(inv.createdAt) })}</p>
              {inv.posted ? "" : <p safe class="hint">{t("cocreators.draft_hint")}</p>}
              <ul class="actions">
                <li>
                  <form method="post" action={`${base}/${inv.id}/accept`}>
                    <CsrfField csrf={csrf} />
                    <button type="submit" aria-label={`${t("cocreators.accept")}: ${inv.title}`} safe>
                      {t("cocreators.accept")}
                    </button>
                  </form>
                </li>
                <li>
                  <form method="post" action={`${base}/${inv.id}/decline`}>
                    <CsrfField csrf={csrf} />
                    <button type="submit" aria-label={`${t("cocreators.decline")}: ${inv.title}`} safe>
                      {t("cocreators.decline")}
                    </button>
                  </form>
                </li>
              </ul>
            </li>
          ))}
        </ul>
      ) : (
        <p class="empty" safe>
          {t("cocreators.none")}
        </p>
      )}
    </div>
  );
}

/** The line on a user's own profile when invitations wait: a link to answer them. */
export function InvitationNotice({ login, count }: { login: string; count: number }): JSX.Element {
  if (count === 0) return "";
  return (
    <p class="notice">
      <a href={`/users/${encodeURIComponent(login)}/creatorships`} safe>
        {t("cocreators.waiting", { count: formatNumber(count) })}
      </a>
    </p>
  );
}

/** Confirms leaving a work's byline; the work stays with its other creators. */
export function LeaveWorkPage({ title, action, cancelHref, last, csrf }: { title: string; action: string; cancelHref: string; last: boolean; csrf: string }): JSX.Element {
  return (
    <div class="confirm">
      <h2 safe class="heading">{t("cocreators.leave_heading")}</h2>
      {last ? (
        <p safe class="notice">{t("cocreators.leave_last")}</p>
      ) : (
        <>
          <p safe>{t("cocreators.leave_explain", { title })}</p>
          <form method="post" action={action}>
            <CsrfField csrf={csrf} />
            <p class="actions">
              <button safe type="submit">{t("cocreators.leave_confirm")}</button> <a safe href={cancelHref}>{t("works.cancel")}</a>
            </p>
          </form>
        </>
      )}
    </div>
  );
}
