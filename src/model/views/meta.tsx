import { escapeHtml } from "@kitajs/html";
import { creatorName } from "../works.js";
import type { ChapterRow, WorkRow } from "../../platform/db/tables.js";
import { isoDate } from "../../platform/http/components.js";
import { formatNumber, t } from "../../platform/i18n/index.js";
import type { WorkTag } from "../tags.js";
import { TAG_TYPES, TYPE_LABELS, tagPath, tagTypeLabel } from "../vocabulary.js";
import { findLanguage } from "../languages.js";
import type { Creator } from "../works.js";
import { bookmarksOfWorkPath, pseudPath } from "../paths.js";

/** "x/y" or "x/?", as AO3 shows chapter progress. */
export function chapterProgress(posted: number, expected: number | null): string {
  return `${posted}/${expected ?? "?"}`;
}

/** A tag linked to its page; the class `tag` is what readers' tools select. */
/**
 * The readers' figures in a work's stats, in AO3's order and markup: comments, kudos and bookmarks
 * when there are any, hits always (readers' tools read `dd.hits` and the others by class).
 */
export function ResponseStats({ work }: { work: WorkRow }): JSX.Element {
  return (
    <>
      {work.comments_count > 0 ? (
        <>
          <dt safe class="comments">{t("works.comments")}</dt>
          <dd class="comments" safe>{formatNumber(work.comments_count)}</dd>
        </>
      ) : (
        ""
      )}
      {work.kudos_count > 0 ? (
        <>
          <dt safe class="kudos">{t("works.kudos")}</dt>
          <dd class="kudos" safe>{formatNumber(work.kudos_count)}</dd>
        </>
      ) : (
        ""
      )}
      {work.bookmarks_count > 0 ? (
        <>
          <dt safe class="bookmarks">{t("series.bookmarks_2")}</dt>
          <dd class="bookmarks">
            <a href={bookmarksOfWorkPath(work.id)} safe>{formatNumber(work.bookmarks_count)}</a>
          </dd>
        </>
      ) : (
        ""
      )}
      <dt safe class="hits">{t("works.hits")}</dt>
      <dd class="hits" safe>{formatNumber(work.hits_count)}</dd>
    </>
  );
}

export function TagLink({ tag }: { tag: WorkTag }): JSX.Element {
  return (
    <a class="tag" href={`${tagPath(tag.name)}/works`} safe>
      {tag.name}
    </a>
  );
}

/** Creators as "pseud (login)" links to their pseud pages. */
export function Byline({ creators }: { creators: Creator[] }): JSX.Element {
  if (creators.length === 0) return t("subscriptions.mail.anonymous");
  return (
    <>
      {creators.map((c, i) => (
        <>
          {i > 0 ? ", " : ""}
          <a rel="author" href={pseudPath(c.login, c.pseudName)} safe>
            {creatorName(c)}
          </a>
        </>
      ))}
    </>
  );
}

/** The work's metadata block: `dl.work.meta.group` with one `dd.TYPE.tags` per type present. */
export function WorkMeta({ work, tags, postedChapters, series = "" }: { work: WorkRow; tags: WorkTag[]; postedChapters: number; series?: JSX.Element }): JSX.Element {
  const language = findLanguage(work.language);
  const showUpdated = postedChapters > 1 || work.expected_chapters !== 1;
  return (
    <dl class="work meta group">
      {TAG_TYPES.map((type) => {
        const ofType = tags.filter((tag) => tag.type === type);
        if (ofType.length === 0) return "";
        const label = tagTypeLabel(type, ofType.length > 1);
        const css = `${TYPE_LABELS[type].css} tags`;
        return (
          <>
            <dt class={css} safe>{`${label}:`}</dt>
            <dd class={css}>
              <ul class="commas">
                {ofType.map((tag) => (
                  <li>
                    <TagLink tag={tag} />
                  </li>
                ))}
              </ul>
            </dd>
          </>
        );
      })}
      <dt safe class="language">{t("works.language")}</dt>
      <dd class="language" lang={work.language} safe>
        {language?.name ?? work.language}
      </dd>
      {series}
      <dt safe class="stats">{t("series.stats")}</dt>
      <dd class="stats">
        <dl class="stats">
          <dt safe class="published">{t("works.published")}</dt>
          <dd class="published" safe>{isoDate(work.published_on)}</dd>
          {showUpdated && work.posted ? (
            <>
              <dt class="status">{work.complete ? t("model.completed") : escapeHtml(t("model.updated"))}</dt>
              <dd class="status" safe>{isoDate(work.revised_at)}</dd>
            </>
          ) : (
            ""
          )}
          <WorkSizeAndResponses work={work} postedChapters={postedChapters} />
        </dl>
      </dd>
    </dl>
  );
}

/** "Chapter 2: The Title" or "Chapter 2". */
export function chapterHeading(chapter: ChapterRow): string {
  return chapter.title ? t("model.chapter_position_title", { position: chapter.position, title: chapter.title }) : t("model.chapter_position", { position: chapter.position });
}

/** A work's words, chapters and responses as `dt`/`dd` pairs: the same lines in a blurb and on the work page. */
export function WorkSizeAndResponses({ work, postedChapters }: { work: WorkRow; postedChapters: number }): JSX.Element {
  return (
    <>
      <dt safe class="words">{t("series.words")}</dt>
      <dd class="words" safe>{formatNumber(work.word_count)}</dd>
      <dt safe class="chapters">{t("works.chapters")}</dt>
      <dd class="chapters" safe>{chapterProgress(postedChapters, work.expected_chapters)}</dd>
      <ResponseStats work={work} />
    </>
  );
}
