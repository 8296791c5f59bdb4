import type { FastifyReply, FastifyRequest } from "fastify";
import type { PseudRow } from "../platform/db/tables.js";
import { formatNumber, t } from "../platform/i18n/index.js";
import { pseudPath, userBookmarksPath, userPath } from "../model/paths.js";
import { pseudsOf, pseudWorkCounts } from "../model/users.js";
import { listBookmarks } from "../responses/index.js";
import { userFromUrl } from "../users/index.js";

/*
 * `/users/LOGIN/pseuds`: a user's pseuds with their works and bookmarks counts, as AO3 lists them.
 * The pseuds come from users, the bookmarks count from responses (its one visibility rule for
 * bookmarks), so the page is assembled here.
 */

interface PseudLine {
  pseud: PseudRow;
  works: number;
  /** Bookmarks belong to the account, not to a pseud: they are counted on the default pseud only. */
  bookmarks: number | null;
}

function PseudsPage({ login, lines }: { login: string; lines: PseudLine[] }): JSX.Element {
  const plural = (key: "fandoms.pseud_works" | "fandoms.pseud_bookmarks", n: number) => t(n === 1 ? `${key}.one` : `${key}.other`, { count: formatNumber(n) });
  return (
    <>
      <h2 class="heading">
        <a href={userPath(login)} safe>
          {t("fandoms.pseuds_heading", { login })}
        </a>
      </h2>
      <ul class="pseud index group">
        {lines.map(({ pseud, works, bookmarks }, i) => (
          <li class="pseud blurb group">
            <h3 class="heading" id={`pseud-${i + 1}`}>
              <a href={pseudPath(login, pseud.name)} safe>
                {pseud.name}
              </a>
              {pseud.is_default ? <span safe>{` ${t("fandoms.default_pseud")}`}</span> : ""}
            </h3>
            <dl class="stats">
              <dt class="landmark" safe>{t("nav.works")}</dt>
              <dd class="works">
                <a href={`${pseudPath(login, pseud.name)}/works`} safe>
                  {plural("fandoms.pseud_works", works)}
                </a>
              </dd>
              {bookmarks === null ? (
                ""
              ) : (
                <>
                  <dt class="landmark" safe>{t("series.bookmarks")}</dt>
                  <dd class="bookmarks">
                    <a href={userBookmarksPath(login)} safe>
                      {plural("fandoms.pseud_bookmarks", bookmarks)}
                    </a>
                  </dd>
                </>
              )}
            </dl>
          </li>
        ))}
      </ul>
    </>
  );
}

export async function showPseudsPage(req: FastifyRequest, reply: FastifyReply) {
  const user = await userFromUrl(req, reply);
  if (!user) return;
  const [pseuds, works, bookmarks] = await Promise.all([pseudsOf(req.db, user.id), pseudWorkCounts(req.db, req.viewer, user.id), listBookmarks(req.db, req.viewer, { userId: user.id }, 1)]);
  const lines = pseuds.map((pseud) => ({ pseud, works: works.get(pseud.id) ?? 0, bookmarks: pseud.is_default ? bookmarks.total : null }));
  return reply.page(t("fandoms.pseuds_heading", { login: user.login }), <PseudsPage login={user.login} lines={lines} />, { mainClass: "pseuds-index" });
}
