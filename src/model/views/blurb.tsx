import { escapeHtml } from "@kitajs/html";
import { isoDate, Pagination, rawHtml } from "../../platform/http/components.js";
import { formatNumber, t } from "../../platform/i18n/index.js";
import { CATEGORIES, type FixedTag, RATINGS, WARNINGS } from "../vocabulary.js";
import { findLanguage } from "../languages.js";
import { PER_PAGE, type Blurb } from "../works.js";
import { Byline, TagLink, WorkSizeAndResponses } from "./meta.js";
import { workPath } from "../paths.js";

/** One of the four squares of a blurb: a mark inside, its text for everyone who can't see it. */
function RequiredTag({ symbol, mark, text }: { symbol: string; mark: string; text: string }): JSX.Element {
  const kind = symbol.split("-")[0];
  return (
    <li>
      <span class={`${symbol} ${kind} symbol`} title={text}>
        <span aria-hidden="true" safe>
          {mark}
        </span>
        <span class="text" safe>
          {text}
        </span>
      </span>
    </li>
  );
}

function symbolFor(list: FixedTag[], names: string[]): FixedTag | undefined {
  return list.find((entry) => names.includes(entry.name));
}

/** What the viewer has done with a work, shown on its blurb (loaded per page by src/responses). */
export interface ViewerMarks {
  kudos: boolean;
  bookmarked: boolean;
  markedForLater: boolean;
}

/** The viewer's marks as words (never only a colour or an icon). */
function ViewerMarkList({ marks }: { marks: ViewerMarks }): JSX.Element {
  const words = [marks.kudos ? t("model.you_left_kudos") : "", marks.bookmarked ? t("model.bookmarked") : "", marks.markedForLater ? t("users.marked_for_later") : ""].filter(Boolean);
  return (
    <ul class="viewer-marks commas" aria-label={t("works.your_responses")}>
      {words.map((word) => (
        <li safe>{word}</li>
      ))}
    </ul>
  );
}

/** A work's blurb in a listing: AO3's `li.work.blurb.group` markup. */
export function WorkBlurb({ blurb, extra = "", marks }: { blurb: Blurb; extra?: JSX.Element; marks?: ViewerMarks }): JSX.Element {
  const { work, tags, creators, postedChapters } = blurb;
  const names = (type: string) => tags.filter((t) => t.type === type);
  const rating = symbolFor(RATINGS, names("Rating").map((t) => t.name)) ?? RATINGS[0]!;
  const warningNames = names("ArchiveWarning").map((t) => t.name);
  const warning = WARNINGS.slice(2).some((w) => warningNames.includes(w.name)) ? WARNINGS[2]! : (symbolFor(WARNINGS, warningNames) ?? WARNINGS[0]!);
  const categoryNames = names("Category").map((t) => t.name);
  const category = categoryNames.length > 1 ? CATEGORIES[4]! : symbolFor(CATEGORIES, categoryNames);
  const language = findLanguage(work.language);
  const userClass = creators[0] ? ` user-${creators[0].userId}` : "";
  return (
    <li id={`work_${work.id}`} class={`work blurb group work-${work.id}${userClass}`}>
      <div class="header module">
        <h4 class="heading">
          <a href={workPath(work.id)} safe>
            {work.title}
          </a>
          {escapeHtml(t("model.by"))}
          <Byline creators={creators} />
        </h4>
        <h5 class="fandoms heading">
          <span safe class="landmark">{t("works.fandoms")}</span>{" "}
          {names("Fandom").map((tag, i) => (
            <>
              {i > 0 ? ", " : ""}
              <TagLink tag={tag} />
            </>
          ))}
        </h5>
        <ul class="required-tags">
          <RequiredTag symbol={rating.symbol} mark={rating.mark} text={rating.name} />
          <RequiredTag symbol={warning.symbol} mark={warning.mark} text={warningNames.join(", ") || warning.name} />
          <RequiredTag symbol={category?.symbol ?? "category-none"} mark={category?.mark ?? "–"} text={categoryNames.join(", ") || t("model.no_category")} />
          <RequiredTag symbol={work.complete ? "complete-yes" : "complete-no iswip"} mark={work.complete ? "✓" : "…"} text={work.complete ? t("model.complete_work") : t("model.work_in_progress")} />
        </ul>
        <p class="datetime" safe>{isoDate(work.revised_at)}</p>
      </div>
      <h6 safe class="landmark heading">{t("works.tags")}</h6>
      <ul class="tags commas">
        {names("ArchiveWarning").map((tag) => (
          <li class="warnings">
            <strong>
              <TagLink tag={tag} />
            </strong>
          </li>
        ))}
        {names("Relationship").map((tag) => (
          <li class="relationships">
            <TagLink tag={tag} />
          </li>
        ))}
        {names("Character").map((tag) => (
          <li class="characters">
            <TagLink tag={tag} />
          </li>
        ))}
        {names("Freeform").map((tag) => (
          <li class="freeforms">
            <TagLink tag={tag} />
          </li>
        ))}
      </ul>
      {work.summary ? (
        <>
          <h6 safe class="landmark heading">{t("works.summary")}</h6>
          <blockquote class="userstuff summary">{rawHtml(work.summary)}</blockquote>
        </>
      ) : (
        ""
      )}
      <dl class="stats">
        <dt safe class="language">{t("works.language")}</dt>
        <dd class="language" lang={work.language} safe>
          {language?.name ?? work.language}
        </dd>
        <WorkSizeAndResponses work={work} postedChapters={postedChapters} />
      </dl>
      {marks ? <ViewerMarkList marks={marks} /> : ""}
      {extra}
    </li>
  );
}

/** A page of blurbs with its heading ("1 - 20 of 345 Works in X") and pagination. */
export function WorkListing(props: {
  heading: string;
  total: number;
  page: number;
  blurbs: Blurb[];
  href: (page: number) => string;
  empty?: string;
  /** Shown at the end of a work's blurb (search shows where the words were found). */
  extras?: Map<number, JSX.Element>;
  /** Shown between the heading and the list (the search-within-results form). */
  tools?: JSX.Element;
  /** The viewer's kudos, bookmarks and Marked for Later among these works. */
  marks?: Map<number, ViewerMarks>;
}): JSX.Element {
  const { tools = "" } = props;
  const from = (props.page - 1) * PER_PAGE + 1;
  const to = from + props.blurbs.length - 1;
  const count = props.blurbs.length ? t("model.from_to_of_total_works", { from: formatNumber(from), to: formatNumber(to), total: formatNumber(props.total) }) : t("model.total_works", { total: formatNumber(props.total) });
  return (
    <>
      <h2 class="heading">
        <span safe>{count}</span>
        {props.heading ? <span safe>{` ${props.heading}`}</span> : ""}
      </h2>
      {tools}
      <h3 safe class="landmark heading">{t("works.listing_works")}</h3>
      {props.blurbs.length ? (
        <ol class="work index group">
          {props.blurbs.map((blurb) => (
            <WorkBlurb blurb={blurb} extra={props.extras?.get(blurb.work.id)} marks={props.marks?.get(blurb.work.id)} />
          ))}
        </ol>
      ) : (
        <p class="empty" safe>
          {props.empty ?? t("model.no_works_here_yet")}
        </p>
      )}
      <Pagination page={props.page} pages={Math.max(1, Math.ceil(props.total / PER_PAGE))} href={props.href} />
    </>
  );
}
