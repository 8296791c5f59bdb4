import { formatNumber, t } from "../../platform/i18n/index.js";
import { tagPath, tagTypeLabel } from "../../model/vocabulary.js";
import { byLetter, type CloudTag, CLOUD_SIZES, type FandomCount, fandomWorksPath, type Medium, mediumFandomsPath, mostUsedFirst } from "../fandom-index.js";

/** Finding fandoms: `/media`, `/media/NAME/fandoms`, `/fandoms`, the `/tags` cloud, and the 404 that offers search. */

/** How many fandoms each medium shows on `/media` (AO3 shows five). */
export const TOP_FANDOMS_SHOWN = 5;

function worksCount(works: number): string {
  return t(works === 1 ? "fandoms.works_count.one" : "fandoms.works_count.other", { count: formatNumber(works) });
}

/** A fandom linked to its works listing, with its works count as text. */
function FandomItem({ fandom }: { fandom: FandomCount }): JSX.Element {
  return (
    <li>
      <a class={fandom.canonical ? "tag canonical" : "tag"} href={fandomWorksPath(fandom.name)} safe>
        {fandom.name}
      </a>{" "}
      <span class="count" safe>{`(${worksCount(fandom.works)})`}</span>
    </li>
  );
}

/** The links between the fandom pages, the current one marked. */
function FandomNavigation({ current }: { current: "media" | "fandoms" | "tags" | null }): JSX.Element {
  const link = (key: typeof current, href: string, text: string) => (
    <li>{key === current ? <span aria-current="page" safe>{text}</span> : <a href={href} safe>{text}</a>}</li>
  );
  return (
    <nav aria-label={t("fandoms.finding_fandoms")}>
      <ul class="navigation actions">
        {link("media", "/media", t("fandoms.fandoms_by_media"))}
        {link("fandoms", "/fandoms", t("fandoms.all_fandoms"))}
        {link("tags", "/tags", t("fandoms.popular_tags"))}
        <li>
          <a href="/works/search" safe>{t("search.search_works")}</a>
        </li>
      </ul>
    </nav>
  );
}

/** `/media`: every medium with its most-used fandoms, as AO3's media page. */
export function MediaPage({ media }: { media: Medium[] }): JSX.Element {
  return (
    <>
      <h2 class="heading" safe>{t("fandoms.fandoms")}</h2>
      <FandomNavigation current="media" />
      <ul class="media fandom index group">
        {media.map((medium, i) => {
          const top = [...medium.fandoms].sort(mostUsedFirst).slice(0, TOP_FANDOMS_SHOWN);
          return (
            <li class="medium listbox group">
              <h3 class="heading" id={`medium-${i + 1}`}>
                <a href={mediumFandomsPath(medium.name)} safe>
                  {medium.name}
                </a>
              </h3>
              {top.length ? (
                <ol class="index group" aria-labelledby={`medium-${i + 1}`}>
                  {top.map((fandom) => (
                    <FandomItem fandom={fandom} />
                  ))}
                </ol>
              ) : (
                <p class="empty" safe>{t("fandoms.no_fandoms_yet")}</p>
              )}
              <p class="actions">
                <a href={mediumFandomsPath(medium.name)} safe>
                  {t("fandoms.all_medium_fandoms", { medium: medium.name, count: formatNumber(medium.fandoms.length) })}
                </a>
              </p>
            </li>
          );
        })}
      </ul>
    </>
  );
}

/** Fandoms alphabetically, grouped by letter with a list of letters to jump to, as AO3's fandoms page. */
function FandomsByLetter({ fandoms }: { fandoms: FandomCount[] }): JSX.Element {
  if (fandoms.length === 0) return <p class="empty" safe>{t("fandoms.no_fandoms_yet")}</p>;
  const groups = byLetter(fandoms);
  const anchor = (letter: string, i: number) => `letter-${letter === "#" ? "other" : i + 1}`;
  return (
    <>
      <nav aria-label={t("fandoms.letters")}>
        <ol class="alphabet fandom index group">
          {groups.map(([letter], i) => (
            <li>
              <a href={`#${anchor(letter, i)}`} safe>
                {letter}
              </a>
            </li>
          ))}
        </ol>
      </nav>
      <ol class="alphabet fandom index group">
        {groups.map(([letter, list], i) => (
          <li class="letter listbox group" id={anchor(letter, i)}>
            <h3 class="heading" safe>
              {letter}
            </h3>
            <ul class="tags index group">
              {list.map((fandom) => (
                <FandomItem fandom={fandom} />
              ))}
            </ul>
          </li>
        ))}
      </ol>
    </>
  );
}

/** `/media/NAME/fandoms`: a medium's fandoms, alphabetically, with works counts. */
export function MediumFandomsPage({ medium }: { medium: Medium }): JSX.Element {
  return (
    <>
      <h2 class="heading" safe>{t("fandoms.medium_fandoms_heading", { medium: medium.name })}</h2>
      <FandomNavigation current={null} />
      <p class="summary" safe>{t(medium.fandoms.length === 1 ? "fandoms.fandoms_count.one" : "fandoms.fandoms_count.other", { count: formatNumber(medium.fandoms.length) })}</p>
      <FandomsByLetter fandoms={medium.fandoms} />
    </>
  );
}

/** `/fandoms`: every fandom in use, alphabetically. */
export function AllFandomsPage({ fandoms }: { fandoms: FandomCount[] }): JSX.Element {
  return (
    <>
      <h2 class="heading" safe>{t("fandoms.all_fandoms")}</h2>
      <FandomNavigation current="fandoms" />
      <p class="summary" safe>{t(fandoms.length === 1 ? "fandoms.fandoms_count.one" : "fandoms.fandoms_count.other", { count: formatNumber(fandoms.length) })}</p>
      <FandomsByLetter fandoms={fandoms} />
    </>
  );
}

/** `/tags`: the most used canonical tags, sized by use; the size is also said in words and in the count. */
export function TagCloudPage({ tags }: { tags: CloudTag[] }): JSX.Element {
  return (
    <>
      <h2 class="heading" safe>{t("fandoms.popular_tags")}</h2>
      <FandomNavigation current="tags" />
      <p class="note" safe>{t("fandoms.cloud_explained", { count: formatNumber(tags.length), sizes: CLOUD_SIZES })}</p>
      {tags.length ? (
        <ul class="tags cloud index group">
          {tags.map((tag) => (
            <li class={`cloud${tag.size}`} data-size={tag.size}>
              <a class="tag" href={tagPath(tag.name)} safe>
                {tag.name}
              </a>{" "}
              <span class="count" safe>{`(${worksCount(tag.works)})`}</span>{" "}
              <span class="landmark" safe>{t("fandoms.cloud_size", { type: tagTypeLabel(tag.type), size: tag.size, sizes: CLOUD_SIZES })}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p class="empty" safe>{t("fandoms.no_tags_yet")}</p>
      )}
    </>
  );
}

/** The 404 for a medium or tag name nobody uses: what was asked for, and a search for it. */
export function NotFoundWithSearch({ typed }: { typed: string }): JSX.Element {
  return (
    <div class="error-page">
      <h2 class="heading" safe>{t("fandoms.not_found_heading")}</h2>
      <p safe>{t("fandoms.not_found_text", { name: typed })}</p>
      <form class="search" method="get" action="/works/search" role="search" aria-label={t("fandoms.search_for_it")}>
        <label for="not-found-search" safe>{t("nav.search.label")}</label>
        <input type="search" id="not-found-search" name="work_search[query]" value={typed} />
        <button type="submit" safe>{t("nav.search")}</button>
      </form>
      <FandomNavigation current={null} />
    </div>
  );
}
