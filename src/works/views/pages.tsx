import { escapeHtml } from "@kitajs/html";
import { CsrfField, ErrorSummary, type FieldErrors, isoDate } from "../../platform/http/components.js";
import type { ChapterRow } from "../../platform/db/tables.js";
import type { ChapterFormValues } from "../schema.js";
import type { Work } from "../../model/works.js";
import { ChapterFields } from "./work-form.js";
import { chapterPath, workPath } from "../../model/paths.js";
import { t } from "../../platform/i18n/index.js";
import { Byline } from "../../model/views/meta.js";

/**
 * `/works/ID/navigate`: the chapter index, `ol.chapter.index.group > li > a + span.datetime`,
 * under "Chapter Index for TITLE by PSEUDS" (readers' tools take the creators from these links).
 */
export function NavigatePage({ work, chapters }: { work: Work; chapters: ChapterRow[] }): JSX.Element {
  return (
    <>
      <h2 class="heading">
        {escapeHtml(t("works.chapter_index_for"))}
        <a href={workPath(work.id)} safe>
          {work.title}
        </a>
        {escapeHtml(t("model.by"))}
        <Byline creators={work.creators} />
      </h2>
      <nav aria-label={t("works.chapters_2")}>
        <ol class="chapter index group">
          {chapters.map((chapter) => (
            <li>
              <a href={chapterPath(work.id, chapter.id)} safe>
                {`${chapter.position}. ${chapter.title || t("model.chapter_position", { position: chapter.position })}`}
              </a>{" "}
              <span class="datetime" safe>{`(${isoDate(chapter.published_on)})`}</span>
            </li>
          ))}
        </ol>
      </nav>
    </>
  );
}

/** The adult-content notice; the wording and the "Proceed" link are what readers' tools look for. */
export function AdultNoticePage({ work, proceedHref }: { work: Work; proceedHref: string }): JSX.Element {
  return (
    <div class="adult">
      <h2 class="heading" safe>
        {work.title}
      </h2>
      <p safe class="caution notice">{t("works.this_work_could_have_adult")}</p>
      <ul class="actions">
        <li>
          <a safe href={proceedHref}>{t("works.proceed")}</a>
        </li>
        <li>
          <a safe href="/works">{t("works.go_back")}</a>
        </li>
      </ul>
    </div>
  );
}

/** The add-chapter and edit-chapter form. */
export function ChapterFormPage(props: { work: Work; heading: string; action: string; values: ChapterFormValues; errors: FieldErrors; csrf: string }): JSX.Element {
  return (
    <>
      <h2 class="heading">
        <span safe>{props.heading}</span>
        {escapeHtml(t("works.for"))}
        <a href={workPath(props.work.id)} safe>
          {props.work.title}
        </a>
      </h2>
      <ErrorSummary errors={props.errors} />
      <form method="post" action={props.action} class="post chapter" novalidate>
        <CsrfField csrf={props.csrf} />
        <ChapterFields values={props.values} errors={props.errors} withNotes={true} />
        <p class="submit actions">
          <button safe type="submit">{t("works.save_chapter")}</button>
        </p>
      </form>
    </>
  );
}

/** Reorder (by number) and delete chapters. Works without JavaScript: one number box per chapter. */
export function ManageChaptersPage({ work, chapters, errors, positions, csrf }: { work: Work; chapters: ChapterRow[]; errors: FieldErrors; positions: Record<number, string>; csrf: string }): JSX.Element {
  return (
    <>
      <h2 class="heading">
        {escapeHtml(t("works.manage_chapters_for"))}
        <a href={workPath(work.id)} safe>
          {work.title}
        </a>
      </h2>
      <ErrorSummary errors={errors} />
      <form method="post" action={`/works/${work.id}/chapters/reorder`}>
        <CsrfField csrf={csrf} />
        <p safe class="hint">{t("works.give_each_chapter_the_position")}</p>
        <table class="chapters" id="field-positions">
          <caption safe>{t("works.chapters_2")}</caption>
          <thead>
            <tr>
              <th safe scope="col">{t("series.position")}</th>
              <th safe scope="col">{t("works.chapter")}</th>
              <th safe scope="col">{t("works.delete")}</th>
            </tr>
          </thead>
          <tbody>
            {chapters.map((chapter) => (
              <tr>
                <td>
                  <label class="landmark" for={`position-${chapter.id}`} safe>
                    {t("works.position_of_chapter_position", { position: chapter.position })}
                  </label>
                  <input type="text" inputmode="numeric" size="3" id={`position-${chapter.id}`} name={`position[${chapter.id}]`} value={positions[chapter.id] ?? String(chapter.position)} />
                </td>
                <td>
                  <a href={chapterPath(work.id, chapter.id)} safe>
                    {`${chapter.position}. ${chapter.title || t("model.chapter_position", { position: chapter.position })}`}
                  </a>
                </td>
                <td>
                  <a href={`${chapterPath(work.id, chapter.id)}/confirm_delete`} safe>
                    {t("works.delete_chapter_position", { position: chapter.position })}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p class="actions">
          <button safe type="submit">{t("works.update_positions")}</button>
        </p>
      </form>
    </>
  );
}
