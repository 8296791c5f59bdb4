import { DownloadMenu } from "../../downloads/index.js";
import { CsrfField, rawHtml } from "../../platform/http/components.js";
import type { TrustedHtml } from "../../platform/html/trusted-html.js";
import type { ChapterRow } from "../../platform/db/tables.js";
import type { WorkTag } from "../../model/tags.js";
import { isRtl } from "../../model/languages.js";
import { chaptersShown, type Work } from "../../model/works.js";
import { Byline, chapterHeading, WorkMeta } from "../../model/views/meta.js";
import { chapterPath, editWorkPath, fullWorkPath, navigatePath, workPath } from "../../model/paths.js";

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

function WorkNavigation({ work, chapters, shown, full, isCreator, csrf }: WorkPageProps): JSX.Element {
  const multi = chapters.length > 1;
  const current = !full && shown.length === 1 ? chapters.findIndex((c) => c.id === shown[0]!.id) : -1;
  const previous = current > 0 ? chapters[current - 1] : undefined;
  const next = current >= 0 && current < chapters.length - 1 ? chapters[current + 1] : undefined;
  return (
    <>
      <h2 class="landmark heading">Actions</h2>
      <ul class="work navigation actions">
        {multi && !full ? (
          <li class="chapter entire">
            <a href={fullWorkPath(work.id)}>Entire Work</a>
          </li>
        ) : (
          ""
        )}
        {previous ? (
          <li class="chapter previous">
            <a href={`${chapterPath(work.id, previous.id)}#workskin`}>← Previous Chapter</a>
          </li>
        ) : (
          ""
        )}
        {next ? (
          <li class="chapter next">
            <a href={`${chapterPath(work.id, next.id)}#workskin`}>Next Chapter →</a>
          </li>
        ) : (
          ""
        )}
        {multi && full ? (
          <li class="chapter bychapter">
            <a href={`${chapterPath(work.id, chapters[0]!.id)}#workskin`}>Chapter by Chapter</a>
          </li>
        ) : (
          ""
        )}
        {multi ? (
          <li class="chapter index">
            <a href={navigatePath(work.id)}>Chapter Index</a>
          </li>
        ) : (
          ""
        )}
        <DownloadMenu work={work} />
        {isCreator ? (
          <>
            <li class="edit">
              <a href={editWorkPath(work.id)}>Edit</a>
            </li>
            <li class="new-chapter">
              <a href={`/works/${work.id}/chapters/new`}>Add Chapter</a>
            </li>
            {shown.length === 1 ? (
              <li class="edit-chapter">
                <a href={`${chapterPath(work.id, shown[0]!.id)}/edit`}>Edit Chapter</a>
              </li>
            ) : (
              ""
            )}
            {multi ? (
              <li class="manage-chapters">
                <a href={`/works/${work.id}/chapters/manage`}>Manage Chapters</a>
              </li>
            ) : (
              ""
            )}
            <li class="delete">
              <a href={`/works/${work.id}/confirm_delete`}>Delete Work</a>
            </li>
            {work.posted ? (
              ""
            ) : (
              <li class="post-draft">
                <form method="post" action={`/works/${work.id}/post`}>
                  <CsrfField csrf={csrf} />
                  <button type="submit">Post Draft</button>
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

function ChapterBlock({ work, chapter, multi }: { work: Work; chapter: ChapterRow; multi: boolean }): JSX.Element {
  const text = (
    <div class={multi ? "userstuff module" : "userstuff"} role="article" lang={work.language} dir={isRtl(work.language) ? "rtl" : undefined}>
      <h3 class="landmark heading" id={multi ? undefined : "work"}>
        Chapter Text
      </h3>
      {rawHtml(chapter.content)}
    </div>
  );
  if (!multi) return text;
  return (
    <div class="chapter" id={`chapter-${chapter.position}`}>
      <div class="chapter preface group" role="complementary" aria-label={`Chapter ${chapter.position} preface`}>
        <h3 class="title">
          <a href={chapterPath(work.id, chapter.id)} safe>{`Chapter ${chapter.position}`}</a>
          {chapter.title ? <span safe>{`: ${chapter.title}`}</span> : ""}
        </h3>
        <Notes id="summary" className="summary module" heading="Summary:" label={`Chapter ${chapter.position} summary`} html={chapter.summary} />
        <Notes id="notes" className="notes module" heading="Notes:" label={`Chapter ${chapter.position} notes`} html={chapter.notes} />
      </div>
      {text}
      <Notes id={`chapter_${chapter.position}_endnotes`} className="end notes module" heading="Notes:" label={`Chapter ${chapter.position} end notes`} html={chapter.endnotes} />
    </div>
  );
}

/** A work's reading page, in AO3's markup so readers' tools (FanFicFare and others) work unchanged. */
export function WorkPage(props: WorkPageProps): JSX.Element {
  const { work, tags, chapters, shown, full, feedback = "", comments = "" } = props;
  const multi = chapters.length > 1;
  const lastShown = shown[shown.length - 1];
  const showWorkEndNotes = full || !multi || lastShown?.id === chapters[chapters.length - 1]?.id;
  return (
    <div class="work">
      {work.posted ? "" : <p class="notice">This is a draft: only you can see it until you post it.</p>}
      <WorkNavigation {...props} />
      <div class="wrapper">
        <h3 class="landmark heading">Work Header</h3>
        <WorkMeta work={work} tags={tags} postedChapters={chaptersShown(work, chapters).length} series={props.series} />
      </div>
      <div id="workskin">
        <div class="preface group">
          <h2 class="title heading">
            <span safe>{work.title}</span>
            {work.restricted ? (
              <>
                {" "}
                <img src="/static/lock.svg" alt="(Restricted)" title="Restricted" width="15" height="15" />
              </>
            ) : (
              ""
            )}
          </h2>
          <h3 class="byline heading">
            <Byline creators={work.creators} />
          </h3>
          <Notes className="summary module" heading="Summary:" label="Work summary" html={work.summary} />
          <Notes className="notes module" heading="Notes:" label="Work notes" html={work.notes} />
        </div>
        <div id="chapters" role="article">
          {shown.map((chapter) => (
            <ChapterBlock work={work} chapter={chapter} multi={multi} />
          ))}
        </div>
        {showWorkEndNotes ? (
          <div class="afterword preface group">
            <Notes id="work_endnotes" className="end notes module" heading="Notes:" label="Work end notes" html={work.endnotes} />
          </div>
        ) : (
          ""
        )}
      </div>
      {multi && !full ? (
        <ul class="work navigation actions" aria-label="Chapter navigation">
          <li>
            <a href={`${workPath(work.id)}/navigate`}>Chapter Index</a>
          </li>
          <li>
            <a href="#main">↑ Top</a>
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
