import { ChoiceGroup, type FieldErrors, TextField } from "../../platform/http/components.js";
import { t } from "../../platform/i18n/index.js";
import { type BookmarkSearchForm, bookmarkSearchParam } from "../bookmark-search.js";

/** AO3's bookmark search form: the bookmarked work's tags, then the bookmark's own fields. */
export function BookmarkSearchFormView({ form, errors }: { form: BookmarkSearchForm; errors: FieldErrors }): JSX.Element {
  const field = (name: keyof BookmarkSearchForm) => ({ name: bookmarkSearchParam(name), value: form[name], errors: errors[bookmarkSearchParam(name)] });
  return (
    <form method="get" action="/bookmarks/search" class="search advanced" role="search" aria-label={t("responses.search.heading")}>
      <h2 safe class="heading">{t("responses.search.heading")}</h2>
      <fieldset>
        <legend safe>{t("responses.search.work_info")}</legend>
        <TextField {...field("other_tag_names")} label={t("responses.search.work_tags")} hint={t("search.separate_names_with_commas")} suggest="tag" />
      </fieldset>
      <fieldset>
        <legend safe>{t("responses.search.bookmark_info")}</legend>
        <TextField {...field("bookmarker")} label={t("responses.search.bookmarker")} hint={t("responses.search.bookmarker_hint")} />
        <TextField {...field("bookmark_notes")} label={t("responses.search.notes")} type="search" hint={t("responses.search.notes_hint")} />
        <TextField {...field("other_bookmark_tag_names")} label={t("responses.search.bookmarker_tags")} hint={t("search.separate_names_with_commas")} />
        <ChoiceGroup
          name={bookmarkSearchParam("rec")}
          legend={t("responses.search.rec_legend")}
          choices={[{ value: "1", label: t("responses.search.rec_only") }]}
          selected={form.rec === "1" ? ["1"] : []}
        />
      </fieldset>
      <p class="submit actions">
        <button type="submit" safe>
          {t("responses.search.submit")}
        </button>
      </p>
    </form>
  );
}
