import { escapeHtml } from "@kitajs/html";
import { creatorName } from "../../model/works.js";
import { rawHtml } from "../../platform/http/components.js";
import type { TrustedHtml } from "../../platform/html/trusted-html.js";
import { formatNumber, t } from "../../platform/i18n/index.js";
import { TAG_TYPES, tagPath, tagTypeLabel } from "../../model/vocabulary.js";
import { findLanguage } from "../../model/languages.js";
import { chapterProgress } from "../../model/views/meta.js";
import { seriesPath, pseudPath, workPath } from "../../model/paths.js";
import type { BookSource, ChapterOutline } from "../queries.js";

/**
 * The parts of a downloaded work in AO3's download markup (§6 of the behaviour reference):
 * `div#preface`, `div#chapters` with one block per chapter, `div#afterword`. HTML and PDF join
 * them into one page; EPUB turns each into an XHTML document (./xhtml.ts).
 *
 * Everything from users is either escaped (`safe`) or stored HTML that went through the
 * archive's one sanitizer when it was saved (`TrustedHtml`, placed with `rawHtml`).
 */

/** Where the archive lives and what it is called, for links and the preface's message. */
export interface Archive {
  name: string;
  /** Absolute, without a trailing slash. */
  publicUrl: string;
}

export const workUrl = (archive: Archive, workId: number) => `${archive.publicUrl}${workPath(workId)}`;

/** "Chapter 2: The Title" or "Chapter 2". */
export function chapterHeading(chapter: Pick<ChapterOutline, "position" | "title">): string {
  return chapter.title ? t("model.chapter_position_title", { position: chapter.position, title: chapter.title }) : t("model.chapter_position", { position: chapter.position });
}

/** Creators' pseuds as plain text ("Anonymous" when there are none). */
export function creatorNames(book: BookSource): string {
  return book.work.creators.map((c) => c.pseudName).join(", ") || t("subscriptions.mail.anonymous");
}

/** The byline as the preface prints it ("pseud (login)"), as plain text; "Anonymous" when there are no creators. */
export function bylineText(book: BookSource): string {
  return book.work.creators.map(creatorName).join(", ") || t("subscriptions.mail.anonymous");
}

/** "Title - Creators - Fandom", AO3's title for a download (">3 fandoms" is "Multifandom"). */
export function bookTitle(book: BookSource): string {
  const fandoms = book.tags.filter((tag) => tag.type === "Fandom").map((tag) => tag.name);
  return [book.work.title, creatorNames(book), fandoms.length > 3 ? t("downloads.multifandom") : fandoms.join(", ")].filter(Boolean).join(" - ");
}

function UserBlock({ heading, html, id }: { heading: string; html: TrustedHtml; id?: string }): JSX.Element {
  if (!html) return "";
  return (
    <>
      <p class="heading" id={id} safe>
        {heading}
      </p>
      <blockquote class="userstuff">{rawHtml(html)}</blockquote>
    </>
  );
}

/** The `dl.tags` block: tags by type, language and stats. */
function Tags({ book, archive }: { book: BookSource; archive: Archive }): JSX.Element {
  const { work, tags, chapters } = book;
  const multi = chapters.length > 1 || work.expected_chapters !== 1;
  return (
    <dl class="tags">
      {TAG_TYPES.map((type) => {
        const ofType = tags.filter((tag) => tag.type === type);
        if (ofType.length === 0) return "";
        return (
          <>
            <dt safe>{t("ui.label_colon", { label: tagTypeLabel(type, ofType.length > 1) })}</dt>
            <dd>
              {ofType.map((tag, i) => (
                <>
                  {i > 0 ? ", " : ""}
                  <a href={`${archive.publicUrl}${tagPath(tag.name)}/works`} safe>
                    {tag.name}
                  </a>
                </>
              ))}
            </dd>
          </>
        );
      })}
      <dt safe>{t("works.language")}</dt>
      <dd safe>{findLanguage(work.language)?.name ?? work.language}</dd>
      {book.series.length ? (
        <>
          <dt safe>{t("series.series")}</dt>
          <dd>
            {book.series.map((place, i) => (
              <>
                {i > 0 ? ", " : ""}{escapeHtml(t("series.part"))}{" "}{place.part}{" "}{escapeHtml(t("series.of"))}{" "}
                <a href={`${archive.publicUrl}${seriesPath(place.seriesId)}`} safe>
                  {place.title}
                </a>
              </>
            ))}
          </dd>
        </>
      ) : (
        ""
      )}
      <dt safe>{t("series.stats")}</dt>
      <dd safe>
        {[
          t("downloads.published_value", { value: work.published_on.slice(0, 10) }),
          multi ? `${work.complete ? t("downloads.completed") : t("downloads.updated")}: ${work.revised_at.slice(0, 10)}` : "",
          t("downloads.words_word_count", { word_count: formatNumber(work.word_count) }),
          t("downloads.chapters_value", { value: chapterProgress(chapters.length, work.expected_chapters) }),
        ]
          .filter(Boolean)
          .join(" ")}
      </dd>
    </dl>
  );
}

/** `div#preface`: where it came from, the tags, title, byline, summary and notes. */
export function Preface({ book, archive }: { book: BookSource; archive: Archive }): JSX.Element {
  const { work } = book;
  const url = workUrl(archive, work.id);
  return (
    <div id="preface">
      <p class="message">
        <b safe>{work.title}</b>
        <br />
        {escapeHtml(t("downloads.posted_originally_on_the"))}
        <a href={`${archive.publicUrl}/`} safe>
          {archive.name}
        </a>
        {escapeHtml(t("downloads.at"))}
        <a href={url} safe>
          {url}
        </a>
        .
      </p>
      <div class="meta">
        <Tags book={book} archive={archive} />
        <h1 safe>{work.title}</h1>
        <div class="byline">
          {escapeHtml(t("downloads.by"))}
          {work.creators.length === 0
            ? t("subscriptions.mail.anonymous")
            : work.creators.map((c, i) => (
                <>
                  {i > 0 ? ", " : ""}
                  <a rel="author" href={`${archive.publicUrl}${pseudPath(c.login, c.pseudName)}`} safe>
                    {creatorName(c)}
                  </a>
                </>
              ))}
        </div>
        <UserBlock heading={t("works.summary")} html={work.summary} />
        <UserBlock heading={t("responses.notes")} html={work.notes} />
        {work.endnotes ? <p safe class="endnote-link">{t("downloads.see_the_end_of_the")}</p> : ""}
      </div>
    </div>
  );
}

/** AO3's pointer from a chapter's head to its end notes (in the same document, EPUB included). */
function EndNotesLink({ chapter }: { chapter: ChapterOutline }): JSX.Element {
  if (!chapter.endnotes) return "";
  return (
    <p class="endnote-link">{escapeHtml(t("downloads.see_the_end_of_the_2"))}{" "}<a safe href={`#endnotes${chapter.position}`}>{t("downloads.more_notes")}</a>
    </p>
  );
}

/**
 * One chapter: `div.meta.group > h2.heading` with the chapter's summary and notes, its text in
 * `div.userstuff`, then its end notes. A one-chapter work has just `h2.toc-heading` (the title)
 * and the text. `content` is the stored, sanitized chapter HTML.
 */
export function ChapterBlock({ book, chapter, content }: { book: BookSource; chapter: ChapterOutline; content: TrustedHtml }): JSX.Element {
  if (book.chapters.length === 1) {
    return (
      <div class="chapter" id={`chapter-${chapter.position}`}>
        <h2 class="toc-heading" safe>
          {book.work.title}
        </h2>
        <UserBlock heading={t("works.chapter_summary")} html={chapter.summary} />
        <UserBlock heading={t("downloads.chapter_notes")} html={chapter.notes} />
        <EndNotesLink chapter={chapter} />
        <div class="userstuff">{rawHtml(content)}</div>
        <UserBlock heading={t("works.chapter_end_notes")} html={chapter.endnotes} id={`endnotes${chapter.position}`} />
      </div>
    );
  }
  return (
    <div class="chapter" id={`chapter-${chapter.position}`}>
      <div class="meta group">
        <h2 class="heading" safe>
          {chapterHeading(chapter)}
        </h2>
        <UserBlock heading={t("works.chapter_summary")} html={chapter.summary} />
        <UserBlock heading={t("downloads.chapter_notes")} html={chapter.notes} />
        <EndNotesLink chapter={chapter} />
      </div>
      <div class="userstuff">{rawHtml(content)}</div>
      <UserBlock heading={t("works.chapter_end_notes")} html={chapter.endnotes} id={`endnotes${chapter.position}`} />
    </div>
  );
}

/** `div#afterword`: the work's end notes and the closing line. */
export function Afterword({ book, archive }: { book: BookSource; archive: Archive }): JSX.Element {
  return (
    <div id="afterword">
      <div class="meta">
        <h2 safe class="toc-heading">{t("downloads.afterword")}</h2>
        <UserBlock heading={t("works.end_notes")} html={book.work.endnotes} id="endnotes" />
        <p class="message">
          {escapeHtml(t("downloads.please"))}
          <a href={workUrl(archive, book.work.id)} safe>
            {t("downloads.drop_by_the_name_and", { name: archive.name })}
          </a>
          {escapeHtml(t("downloads.to_let_the_creator_know"))}
        </p>
      </div>
    </div>
  );
}
