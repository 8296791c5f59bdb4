import { t } from "../i18n/index.js";
import type { Sanction, Viewer } from "./viewer.js";

// What a suspended or banned user is told: on the page that refuses them a contribution, and in a
// line at the top of every page while the sanction lasts. Their account's notices page
// (src/moderation) says the rest: the whole reason, and the admins' warnings.

/** A stored ISO time as a person reads it: "2026-12-10 at 14:05 UTC". */
export function utcTime(iso: string): string {
  return t("sanctions.time", { date: iso.slice(0, 10), time: iso.slice(11, 16) });
}

/** Where a user reads the admins' notices about their account. */
export function noticesPath(login: string): string {
  return `/users/${encodeURIComponent(login)}/notices`;
}

/** One sentence: suspended until when, or banned. */
export function sanctionSentence(sanction: Sanction): string {
  return sanction.kind === "banned" || !sanction.until ? t("sanctions.you_are_banned") : t("sanctions.you_are_suspended_until", { until: utcTime(sanction.until) });
}

/** The catalogue's code for a sanction: the JSON API answers it too. */
export function sanctionErrorCode(sanction: Sanction): "ACCOUNT_SUSPENDED" | "ACCOUNT_BANNED" {
  return sanction.kind === "banned" || !sanction.until ? "ACCOUNT_BANNED" : "ACCOUNT_SUSPENDED";
}

/** The parameters of a sanction's message: when a suspension ends, and the admins' reason. */
export function sanctionErrorParams(sanction: Sanction): Record<string, string> {
  return { until: sanction.until ? utcTime(sanction.until) : "", reason: sanction.reason };
}

/** The page a sanctioned user gets instead of a form or a contribution (403). */
export function SanctionRefusal({ sanction, login }: { sanction: Sanction; login: string }): JSX.Element {
  return (
    <div class="sanction-refusal">
      <h2 class="heading" safe>{sanction.kind === "banned" ? t("sanctions.refusal_heading_banned") : t("sanctions.refusal_heading_suspended")}</h2>
      <p safe>{sanctionSentence(sanction)}</p>
      <p safe>{t("sanctions.cannot_contribute")}</p>
      {sanction.reason ? (
        <>
          <h3 class="heading" safe>{t("sanctions.reason_heading")}</h3>
          <blockquote class="sanction-reason">
            <p safe>{sanction.reason}</p>
          </blockquote>
        </>
      ) : (
        ""
      )}
      <p safe>{t("sanctions.still_can")}</p>
      <p>
        <a href={noticesPath(login)} safe>{t("sanctions.read_notices")}</a>
      </p>
    </div>
  );
}

/** The line at the top of every page of a sanctioned user, or of one with unread warnings; "" otherwise. */
export function StandingBanner({ viewer }: { viewer: Viewer }): JSX.Element {
  const user = viewer.user;
  if (!user) return "";
  if (user.sanction) {
    return (
      <p class="notice standing" role="status">
        <span safe>{sanctionSentence(user.sanction)}</span> <a href={noticesPath(user.login)} safe>{t("sanctions.see_why")}</a>
      </p>
    );
  }
  if (user.warnings) {
    return (
      <p class="notice standing" role="status">
        <span safe>{t(user.warnings === 1 ? "sanctions.you_have_warnings.one" : "sanctions.you_have_warnings.other", { count: user.warnings })}</span> <a href={noticesPath(user.login)} safe>{t("sanctions.read_them")}</a>
      </p>
    );
  }
  return "";
}
