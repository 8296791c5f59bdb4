import { escapeHtml } from "@kitajs/html";
import { WORK_COLUMNS } from "../../listing/index.js";
import type { TrustedHtml } from "../../platform/html/trusted-html.js";
import { rawHtml, SelectField, TextField } from "../../platform/http/components.js";
import { LANGUAGES } from "../../model/languages.js";
import type { SearchForm } from "../form.js";
import { t } from "../../platform/i18n/index.js";

/** Best match, then every listing column's sort (src/listing/columns.ts), by the sidebar's labels, as AO3's search form offers them. */
const sorts = () => [{ value: "", label: t("search.best_match") }, ...WORK_COLUMNS.map((c) => ({ value: c.search.name, label: t(c.sort.label) }))];

/** The search form: one box with the query language, and the advanced fields AO3 offers. */
export function SearchFormView({ form, error }: { form: SearchForm; error?: string }): JSX.Element {
  const f = (name: keyof SearchForm) => `work_search[${name}]`;
  return (
    <form method="get" action="/works/search" class="search advanced" role="search" aria-label={t("nav.search")}>
      <h2 safe class="heading">{t("search.search_works")}</h2>
      {error ? (
        <div class="flash error" role="alert">
          <p safe>{error}</p>
        </div>
      ) : (
        ""
      )}
      <TextField
        name={f("query")}
        label={t("search.any_field_title_creators_summary")}
        value={form.query}
        type="search"
        hint={t("search.words_must_all_appear_use")}
        errors={error ? [error] : undefined}
      />
      <details open={Boolean(form.title || form.creators || form.fandom_names || form.word_count || form.revised_at || form.language_id || form.rating_ids)}>
        <summary safe>{t("search.more_options")}</summary>
        <TextField name={f("title")} label={t("search.title")} value={form.title} />
        <TextField name={f("creators")} label={t("search.creator")} value={form.creators} />
        <TextField name={f("fandom_names")} label={t("search.fandoms")} value={form.fandom_names} hint={t("search.separate_names_with_commas")} />
        <TextField name={f("relationship_names")} label={t("search.relationships")} value={form.relationship_names} />
        <TextField name={f("character_names")} label={t("search.characters")} value={form.character_names} />
        <TextField name={f("freeform_names")} label={t("search.additional_tags")} value={form.freeform_names} />
        <TextField name={f("word_count")} label={t("search.word_count")} value={form.word_count} hint={t("search.for_example_1000_5000_10000")} />
        <TextField name={f("revised_at")} label={t("search.date_updated")} value={form.revised_at} hint={t("search.for_example_7_days_2")} />
        <SelectField
          name={f("rating_ids")}
          label={t("search.rating")}
          value={form.rating_ids}
          choices={[
            { value: "", label: t("search.any_rating") },
            { value: "general", label: "General Audiences" },
            { value: "teen", label: "Teen And Up Audiences" },
            { value: "mature", label: "Mature" },
            { value: "explicit", label: "Explicit" },
            { value: "notrated", label: "Not Rated" },
          ]}
        />
        <SelectField
          name={f("complete")}
          label={t("search.completion_status")}
          value={form.complete}
          choices={[
            { value: "", label: t("responses.all_works") },
            { value: "T", label: t("search.complete_works_only") },
            { value: "F", label: t("search.works_in_progress_only") },
          ]}
        />
        <SelectField
          name={f("crossover")}
          label={t("search.crossovers")}
          value={form.crossover}
          choices={[
            { value: "", label: t("search.include_crossovers") },
            { value: "F", label: t("search.exclude_crossovers") },
            { value: "T", label: t("search.only_crossovers") },
          ]}
        />
        <SelectField
          name={f("single_chapter")}
          label={t("works.chapters_2")}
          value={form.single_chapter}
          choices={[
            { value: "", label: t("search.any_number_of_chapters") },
            { value: "1", label: t("search.single_chapter_works_only") },
          ]}
        />
        <SelectField name={f("language_id")} label={t("search.language")} value={form.language_id} choices={[{ value: "", label: t("search.any_language") }, ...LANGUAGES.map((l) => ({ value: l.code, label: l.name }))]} />
        <SelectField name={f("sort_column")} label={t("search.sort_by")} value={form.sort_column} choices={sorts()} />
        <SelectField
          name={f("sort_direction")}
          label={t("search.sort_direction")}
          value={form.sort_direction}
          choices={[
            { value: "", label: t("search.default") },
            { value: "desc", label: t("search.descending") },
            { value: "asc", label: t("search.ascending") },
          ]}
        />
      </details>
      <p class="actions">
        <button safe type="submit">{t("search.search")}</button>
      </p>
    </form>
  );
}

/** Where the words were found inside a work's text: the chapter, linked, and an excerpt. */
export function FoundInChapter({ href, position, snippet }: { href: string; position: number; snippet: TrustedHtml | null }): JSX.Element {
  return (
    <div class="found-in">
      <p>{escapeHtml(t("search.found_in"))}{" "}
        <a href={href} safe>
          {t("model.chapter_position", { position })}
        </a>
      </p>
      {snippet ? <blockquote class="snippet">{rawHtml(snippet)}</blockquote> : ""}
    </div>
  );
}

/** The small form on every listing that narrows it with the search query language. */
export function SearchWithinResults({ action, value, error }: { action: string; value: string; error?: string }): JSX.Element {
  return (
    <form method="get" action={action} class="search within" role="search" aria-label={t("search.search_within_results")}>
      <TextField name="work_search[query]" label={t("search.search_within_results")} value={value} type="search" errors={error ? [error] : undefined} />
      <p class="actions">
        <button safe type="submit">{t("search.search_within_results")}</button>
      </p>
    </form>
  );
}
