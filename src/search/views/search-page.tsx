import { WORK_COLUMNS } from "../../listing/index.js";
import type { TrustedHtml } from "../../platform/html/trusted-html.js";
import { rawHtml, SelectField, TextField } from "../../platform/http/components.js";
import { LANGUAGES } from "../../model/languages.js";
import type { SearchForm } from "../form.js";

/** Best match, then every listing column's sort (src/listing/columns.ts), by the sidebar's labels, as AO3's search form offers them. */
const SORTS = [{ value: "", label: "Best Match" }, ...WORK_COLUMNS.map((c) => ({ value: c.search.name, label: c.sort.label }))];

/** The search form: one box with the query language, and the advanced fields AO3 offers. */
export function SearchFormView({ form, error }: { form: SearchForm; error?: string }): JSX.Element {
  const f = (name: keyof SearchForm) => `work_search[${name}]`;
  return (
    <form method="get" action="/works/search" class="search advanced" role="search" aria-label="Search works">
      <h2 class="heading">Search Works</h2>
      {error ? (
        <div class="flash error" role="alert">
          <p safe>{error}</p>
        </div>
      ) : (
        ""
      )}
      <TextField
        name={f("query")}
        label="Any field (title, creators, summary, notes, tags, series and the text of every chapter)"
        value={form.query}
        type="search"
        hint='Words must all appear; use OR, NOT or -word, "a phrase", drag*, title:word, words>1000, sort:kudos.'
        errors={error ? [error] : undefined}
      />
      <details open={Boolean(form.title || form.creators || form.fandom_names || form.word_count || form.revised_at || form.language_id || form.rating_ids)}>
        <summary>More options</summary>
        <TextField name={f("title")} label="Title" value={form.title} />
        <TextField name={f("creators")} label="Creator" value={form.creators} />
        <TextField name={f("fandom_names")} label="Fandoms" value={form.fandom_names} hint="Separate names with commas." />
        <TextField name={f("relationship_names")} label="Relationships" value={form.relationship_names} />
        <TextField name={f("character_names")} label="Characters" value={form.character_names} />
        <TextField name={f("freeform_names")} label="Additional Tags" value={form.freeform_names} />
        <TextField name={f("word_count")} label="Word Count" value={form.word_count} hint="For example 1000-5000, >10000 or <500." />
        <TextField name={f("revised_at")} label="Date Updated" value={form.revised_at} hint="For example <7 days, >2 weeks or 1-3 months." />
        <SelectField
          name={f("rating_ids")}
          label="Rating"
          value={form.rating_ids}
          choices={[
            { value: "", label: "Any rating" },
            { value: "general", label: "General Audiences" },
            { value: "teen", label: "Teen And Up Audiences" },
            { value: "mature", label: "Mature" },
            { value: "explicit", label: "Explicit" },
            { value: "notrated", label: "Not Rated" },
          ]}
        />
        <SelectField
          name={f("complete")}
          label="Completion status"
          value={form.complete}
          choices={[
            { value: "", label: "All works" },
            { value: "T", label: "Complete works only" },
            { value: "F", label: "Works in progress only" },
          ]}
        />
        <SelectField
          name={f("crossover")}
          label="Crossovers"
          value={form.crossover}
          choices={[
            { value: "", label: "Include crossovers" },
            { value: "F", label: "Exclude crossovers" },
            { value: "T", label: "Only crossovers" },
          ]}
        />
        <SelectField
          name={f("single_chapter")}
          label="Chapters"
          value={form.single_chapter}
          choices={[
            { value: "", label: "Any number of chapters" },
            { value: "1", label: "Single chapter works only" },
          ]}
        />
        <SelectField name={f("language_id")} label="Language" value={form.language_id} choices={[{ value: "", label: "Any language" }, ...LANGUAGES.map((l) => ({ value: l.code, label: l.name }))]} />
        <SelectField name={f("sort_column")} label="Sort by" value={form.sort_column} choices={SORTS} />
        <SelectField
          name={f("sort_direction")}
          label="Sort direction"
          value={form.sort_direction}
          choices={[
            { value: "", label: "Default" },
            { value: "desc", label: "Descending" },
            { value: "asc", label: "Ascending" },
          ]}
        />
      </details>
      <p class="actions">
        <button type="submit">Search</button>
      </p>
    </form>
  );
}

/** Where the words were found inside a work's text: the chapter, linked, and an excerpt. */
export function FoundInChapter({ href, position, snippet }: { href: string; position: number; snippet: TrustedHtml | null }): JSX.Element {
  return (
    <div class="found-in">
      <p>
        Found in{" "}
        <a href={href} safe>
          {`Chapter ${position}`}
        </a>
      </p>
      {snippet ? <blockquote class="snippet">{rawHtml(snippet)}</blockquote> : ""}
    </div>
  );
}

/** The small form on every listing that narrows it with the search query language. */
export function SearchWithinResults({ action, value, error }: { action: string; value: string; error?: string }): JSX.Element {
  return (
    <form method="get" action={action} class="search within" role="search" aria-label="Search within results">
      <TextField name="work_search[query]" label="Search within results" value={value} type="search" errors={error ? [error] : undefined} />
      <p class="actions">
        <button type="submit">Search within results</button>
      </p>
    </form>
  );
}
