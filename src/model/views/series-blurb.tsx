import { escapeHtml } from "@kitajs/html";
import { isoDate, rawHtml } from "../../platform/http/components.js";
import { formatNumber, t } from "../../platform/i18n/index.js";
import type { SeriesBlurb } from "../series.js";
import { seriesPath } from "../paths.js";
import { Byline } from "./meta.js";

/** A series in a listing (a user's series, bookmarks of series): AO3's `li.series.blurb.group`. */
export function SeriesBlurbItem({ blurb, extra = "" }: { blurb: SeriesBlurb; extra?: JSX.Element }): JSX.Element {
  const { series } = blurb;
  return (
    <li class="series blurb group" id={`series_${series.id}`}>
      <div class="header module">
        <h4 class="heading">
          <a href={seriesPath(series.id)} safe>
            {series.title}
          </a>
          {escapeHtml(t("model.by"))}
          <Byline creators={series.creators} />
        </h4>
        <p class="datetime" safe>{isoDate(series.updated_at)}</p>
      </div>
      {series.summary ? (
        <>
          <h5 safe class="landmark heading">{t("series.series_description")}</h5>
          <blockquote class="userstuff summary">{rawHtml(series.summary)}</blockquote>
        </>
      ) : (
        ""
      )}
      <dl class="stats">
        <dt safe class="words">{t("series.words")}</dt>
        <dd class="words" safe>{formatNumber(blurb.words)}</dd>
        <dt safe class="works">{t("series.works")}</dt>
        <dd class="works" safe>{formatNumber(blurb.works)}</dd>
        <dt safe class="complete">{t("series.complete")}</dt>
        <dd class="complete">{series.complete ? t("series.yes") : escapeHtml(t("series.no"))}</dd>
      </dl>
      {extra}
    </li>
  );
}
