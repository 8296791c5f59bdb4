import { escapeHtml } from "@kitajs/html";
import { CsrfField, FlashNotices } from "../../platform/http/components.js";
import { t } from "../../platform/i18n/index.js";
import type { Blurb } from "../../model/works.js";
import { WorkListing } from "../../model/views/blurb.js";
import { type Gift, giftLabel } from "../queries.js";
import { acceptGiftPath, giftsPath, refusedGiftsPath, refuseGiftPath } from "./paths.js";

/** "For A, B." in a work's notes (`ul.associations > li`, AO3's markup): pseuds link to their gifts page. */
export function GiftLine({ gifts }: { gifts: Gift[] }): JSX.Element {
  if (gifts.length === 0) return "";
  return (
    <li class="gifts">
      {escapeHtml(t("gifts.for"))}{" "}
      {gifts.map((gift, i) => (
        <>
          {i > 0 ? ", " : ""}
          {gift.login !== null ? (
            <a href={giftsPath(gift.login)} safe>
              {giftLabel(gift)}
            </a>
          ) : (
            <span safe>{giftLabel(gift)}</span>
          )}
        </>
      ))}
      .
    </li>
  );
}

/** The Refuse Gift (or Accept Gift, for a refused one) button under a blurb on the recipient's own page. */
function GiftButton({ login, workId, title, refused, csrf }: { login: string; workId: number; title: string; refused: boolean; csrf: string }): JSX.Element {
  const label = refused ? t("gifts.accept") : t("gifts.refuse");
  return (
    <form method="post" action={refused ? acceptGiftPath(login, workId) : refuseGiftPath(login, workId)} class="gift actions">
      <CsrfField csrf={csrf} />
      <button type="submit" aria-label={`${label}: ${title}`} safe>
        {label}
      </button>
    </form>
  );
}

/** `/users/LOGIN/gifts`: the works given to a user; on their own page, a button to refuse each (and the refused ones, to take back). */
export function GiftsPage(props: { login: string; own: boolean; refused: boolean; total: number; page: number; blurbs: Blurb[]; notices: string[]; csrf: string }): JSX.Element {
  const { login, own, refused } = props;
  const extras = own ? new Map(props.blurbs.map((b) => [b.work.id, <GiftButton login={login} workId={b.work.id} title={b.work.title} refused={refused} csrf={props.csrf} />])) : undefined;
  const path = refused ? refusedGiftsPath(login) : giftsPath(login);
  return (
    <div class="gifts-index">
      <FlashNotices lines={props.notices} />
      <WorkListing
        heading={refused ? t("gifts.refused_heading", { login }) : t("gifts.heading", { login })}
        total={props.total}
        page={props.page}
        blurbs={props.blurbs}
        href={(n) => `${path}${refused ? "&" : "?"}page=${n}`}
        empty={refused ? t("gifts.none_refused") : t("gifts.none")}
        extras={extras}
      />
      {own ? (
        <ul class="navigation actions">
          <li>{refused ? <a href={giftsPath(login)} safe>{t("gifts.accepted_link")}</a> : <a href={refusedGiftsPath(login)} safe>{t("gifts.refused_link")}</a>}</li>
        </ul>
      ) : (
        ""
      )}
    </div>
  );
}
