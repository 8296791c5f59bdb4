import { DownloadMenu } from "../../downloads/index.js";
import { CsrfField, rawHtml } from "../../platform/http/components.js";
import type { TrustedHtml } from "../../platform/html/trusted-html.js";
import type { ChapterRow } from "../../platform/db/tables.js";
import type { WorkTag } from "../../model/tags.js";
import { isRtl } from "../../model/languages.js";
import { chaptersShown, type Work } from "../../model/works.js";
import { Byline, chapterHeading, WorkMeta } from "../../model/views/meta.js";
import { chapterPath, editWorkPath, fullWorkPath, navigatePath, workPath } from "../../model/paths.js";
import { t } from "../../platform/i18n/index.js";

export interface WorkPageProps {
  work: Work;
  tags: WorkTag[];
  /** Chapters a reader can move between, in order. */
  chapters: ChapterRow[];
  /** The chapters shown on this page (one, or all for the full view). */
  shown: ChapterRow[];
  full: boolean;
  isCreator: boolean;
  csrf: string;
  /** The feedback block (kudos, bookmark) rendered by the responses capability. */
  feedback?: JSX.Element;
  /** The comments block (threads and form) rendered by the comments capability. */
  comments?: JSX.Element;
  /** "Part N of SERIES" (dt/dd) rendered by the series capability. */
  series?: JSX.Element;
  /** The abuse report form for this page (src/reports). */
  reportHref?: string;
  /** The hidden-by-admin notice and the admin's link, rendered by the moderation capability. */
  moderation?: JSX.Element;
  /** Items of the notes' `ul.associations` ("For X.", "Inspired by …") from the gifts and related capabilities. */
  associations?: JSX.Element;
  /** "Works inspired by this one" (`div#children`) from the related capability. */
  inspired?: JSX.Element;
}

/** A notes or summary box. `label` names its landmark: a page can hold several, and each needs its own name. */
function Notes({ id, heading, label, html, className }: { id?: string; heading: string; label: string; html: TrustedHtml; className: string }): JSX.Element {
  if (!html) return "";
  return (
    <div class={className} id={id} role="complementary" aria-label={label}>
      <h3 class="heading" safe>{heading}</h3>
      <blockquote class="userstuff">{rawHtml(html)}</blockquote>
    </div>
  );
}

/**
 * The work's notes module, as AO3 marks it up: its gifts and related works (`ul.associations`,
 * which readers' tools copy into their notes) above the notes' text; absent when it has neither.
 */
function WorkNotes({ html, associations }: { html: TrustedHtml; associations: JSX.Element }): JSX.Element {
  if (!html && !associations) return "";
  return (
    <div class="notes module" role="complementary" aria-label={t("works.work_notes")}>
      <h3 class="heading" safe>{t("series.notes")}</h3>
      {associations ? <ul class="associations">{associations}</ul> : ""}
      {html ? <blockquote class="userstuff">{rawHtml(html)}</blockquote> : ""}
    </div>
  );
}

function WorkNavigation({ work, chapters, shown, full, isCreator, csrf, reportHref }: WorkPageProps): JSX.Element {
  const multi = chapters.length > 1;
  const current = !full && shown.length === 1 ? chapters.findIndex((c) => c.id === shown[0]!.id) : -1;
  const previous = current > 0 ? chapters[current - 1] : undefined;
  const next = current >= 0 && current < chapters.length - 1 ? chapters[current + 1] : undefined;
  return (
    <>
      <h2 safe class="landmark heading">{t("blocking.actions_2")}</h2>
      <ul class="work navigation actions">
        {multi && !full ? (
          <li class="chapter entire">
            <a safe href={fullWorkPath(work.id)}>{t("works.entire_work")}</a>
          </li>
        ) : (
          ""
        )}
        {previous ? (
          <li class="chapter previous">
            <a safe href={`${chapterPath(work.id, previous.id)}#workskin`}>{t("works.previous_chapter")}</a>
          </li>
        ) : (
          ""
        )}
        {next ? (
          <li class="chapter next">
            <a safe href={`${chapterPath(work.id, next.id)}#workskin`}>{t("works.next_chapter")}</a>
          </li>
        ) : (
          ""
        )}
        {multi && full ? (
          <li class="chapter bychapter">
            <a safe href={`${chapterPath(work.id, chapters[0]!.id)}#workskin`}>{t("works.chapter_by_chapter")}</a>
          </li>
        ) : (
          ""
        )}
        {multi ? (
          <li class="chapter index">
            <a safe href={navigatePath(work.id)}>{t("works.chapter_index")}</a>
          </li>
        ) : (
          ""
        )}
        <DownloadMenu work={work} />
        {reportHref ? (
          <li class="report">
            <a safe href={reportHref}>{t("reports.work_link")}</a>
          </li>
        ) : (
          ""
        )}
        {isCreator ? (
          <>
            <li class="edit">
              <a safe href={editWorkPath(work.id)}>{t("tags.edit")}</a>
            </li>
            <li class="new-chapter">
              <a safe href={`/works/${work.id}/chapters/new`}>{t("works.add_chapter")}</a>
            </li>
            {shown.length === 1 ? (
              <li class="edit-chapter">
                <a safe href={`${chapterPath(work.id, shown[0]!.id)}/edit`}>{t("works.edit_chapter")}</a>
              </li>
            ) : (
              ""
            )}
            {multi ? (
              <li class="manage-chapters">
                <a safe href={`/works/${work.id}/chapters/manage`}>{t("works.manage_chapters")}</a>
              </li>
            ) : (
              ""
            )}
            <li class="delete">
              <a safe href={`/works/${work.id}/confirm_delete`}>{t("works.delete_work")}</a>
            </li>
            {work.creatorUserIds.length > 1 ? (
              <li class="leave">
                <a safe href={`/works/${work.id}/confirm_leave`}>{t("cocreators.leave_link")}</a>
              </li>
            ) : (
              ""
            )}
            {work.posted ? (
              <li class="orphan">
                <a safe href={`/orphans/new?work_id=${work.id}`}>{t("leaving.orphan_work")}</a>
              </li>
            ) : (
              ""
            )}
            {work.posted || work.spam_hold ? (
              ""
            ) : (
              <li class="post-draft">
                <form method="post" action={`/works/${work.id}/post`}>
                  <CsrfField csrf={csrf} />
                  <button safe type="submit">{t("works.post_draft")}</button>
                </form>
              </li>
            )}
          </>
        ) : (
          ""
        )}
      </ul>
    </>
  );
}

/**
 * One chapter, marked up the same whatever the work's length, as AO3 does: readers' tools read a
 * chapter page's text from `div.userstuff.module` inside `div.chapter#chapter-N`, one-shots too.
 * The chapter's own heading, summary and notes come first when there is something to say: always
 * in a work of several chapters, in a one-shot only when the chapter has a title, summary or notes.
 */
function ChapterBlock({ work, chapter, multi, alone }: { work: Work; chapter: ChapterRow; multi: boolean; alone: boolean }): JSX.Element {
  const preface = multi || chapter.title || chapter.summary || chapter.notes;
  return (
    <div class="chapter" id={`chapter-${chapter.position}`}>
      {preface ? (
        <div class="chapter preface group" role="complementary" aria-label={t("pages.chapter_position_preface", { position: chapter.position })}>
          <h3 class="title">
            <a href={chapterPath(work.id, chapter.id)} safe>{t("model.chapter_position", { position: chapter.position })}</a>
            {chapter.title ? <span safe>{`: ${chapter.title}`}</span> : ""}
          </h3>
          <Notes id="summary" className="summary module" heading={t("works.summary_2")} label={t("pages.chapter_position_summary", { position: chapter.position })} html={chapter.summary} />
          <Notes id="notes" className="notes module" heading={t("series.notes")} label={t("pages.chapter_position_notes", { position: chapter.position })} html={chapter.notes} />
        </div>
      ) : (
        ""
      )}
      <div class="userstuff module" role="article" lang={work.language} dir={isRtl(work.language) ? "rtl" : undefined}>
        <h3 safe class="landmark heading" id={alone ? "work" : undefined}>{t("works.chapter_text")}</h3>
        {rawHtml(chapter.content)}
      </div>
      <Notes id={`chapter_${chapter.position}_endnotes`} className="end notes module" heading={t("series.notes")} label={t("pages.chapter_position_end_notes", { position: chapter.position })} html={chapter.endnotes} />
    </div>
  );
}

/**
 * The work's summary. Readers' tools take the first `blockquote.userstuff` after the preface
 * heading as the summary, so a work without one still has its (empty, hidden) place here: else
 * the work's notes, a chapter's summary or a comment would be read as the summary.
 */
function WorkSummary({ html }: { html: TrustedHtml }): JSX.Element {
  if (!html) {
    return (
      <div class="summary module" hidden>
        <blockquote class="userstuff"></blockquote>
      </div>
    );
  }
  return <Notes className="summary module" heading={t("works.summary_2")} label={t("works.work_summary")} html={html} />;
}

/** A work's reading page, in AO3's markup so readers' tools (FanFicFare and others) work unchanged. */
export function WorkPage(props: WorkPageProps): JSX.Element {
  const { work, tags, chapters, shown, full, feedback = "", comments = "", moderation = "", associations = "", inspired = "" } = props;
  const multi = chapters.length > 1;
  const lastShown = shown[shown.length - 1];
  const showWorkEndNotes = full || !multi || lastShown?.id === chapters[chapters.length - 1]?.id;
  return (
    <div class="work">
      {work.posted ? "" : work.spam_hold ? <p safe class="notice held">{t(work.spam_hold === 1 ? "spam.work_held_notice" : "spam.work_judged_notice")}</p> : <p safe class="notice">{t("works.this_is_a_draft_only")}</p>}
      {moderation}
      <WorkNavigation {...props} />
      <div class="wrapper">
        <h3 safe class="landmark heading">{t("works.work_header")}</h3>
        <WorkMeta work={work} tags={tags} postedChapters={chaptersShown(work, chapters).length} series={props.series} />
      </div>
      <div id="workskin">
        <div class="preface group">
          <h2 class="title heading">
            <span safe>{work.title}</span>
            {work.restricted ? (
              <>
                {" "}
                <img src="/static/lock.svg" alt={t("works.restricted")} title={t("works.restricted_2")} width="15" height="15" />
              </>
            ) : (
              ""
            )}
          </h2>
          <h3 class="byline heading">
            <Byline creators={work.creators} />
          </h3>
          <WorkSummary html={work.summary} />
          <WorkNotes html={work.notes} associations={associations} />
        </div>
        <div id="chapters" role="article">
          {shown.map((chapter) => (
            <ChapterBlock work={work} chapter={chapter} multi={multi} alone={shown.length === 1} />
          ))}
        </div>
        {showWorkEndNotes ? (
          <div class="afterword preface group">
            <Notes id="work_endnotes" className="end notes module" heading={t("series.notes")} label={t("works.work_end_notes")} html={work.endnotes} />
            {inspired}
          </div>
        ) : (
          ""
        )}
      </div>
      {multi && !full ? (
        <ul class="work navigation actions" aria-label={t("works.chapter_navigation")}>
          <li>
            <a safe href={`${workPath(work.id)}/navigate`}>{t("works.chapter_index")}</a>
          </li>
          <li>
            <a safe href="#main">{t("works.top")}</a>
          </li>
        </ul>
      ) : (
        ""
      )}
      {feedback}
      {comments}
    </div>
  );
}
