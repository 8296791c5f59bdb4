import { ChoiceGroup, CsrfField, ErrorSummary, type FieldErrors, Pagination, SelectField, TextField } from "../../platform/http/components.js";
import { formatNumber, t } from "../../platform/i18n/index.js";
import type { FoundTag } from "../queries.js";
import { CREATABLE_TYPES, NEW_TAG_FIELDS, type NewTagValues, SEARCHABLE_TYPES, TAG_SEARCH_FIELDS, type TagSearchValues } from "../schema.js";
import { tagPath } from "../../model/vocabulary.js";
import { typeLabel } from "./parts.js";

const newTagLabels = (): Record<string, string> => ({
  [NEW_TAG_FIELDS.name]: t("tags.new.name"),
  [NEW_TAG_FIELDS.type]: t("tags.new.type"),
  [NEW_TAG_FIELDS.canonical]: t("tags.canonical"),
});

/** `/tags/new`: a wrangler creates a tag before any work uses it (a metatag, say). */
export function NewTagPage({ values, errors, csrf }: { values: NewTagValues; errors: FieldErrors; csrf: string }): JSX.Element {
  const labels = newTagLabels();
  return (
    <div class="tag new">
      <h2 class="heading" safe>
        {t("tags.new.heading")}
      </h2>
      <ErrorSummary errors={errors} labels={labels} />
      <form method="post" action="/tags" class="tag-new">
        <CsrfField csrf={csrf} />
        <TextField name={NEW_TAG_FIELDS.name} label={labels[NEW_TAG_FIELDS.name]!} value={values.name} errors={errors[NEW_TAG_FIELDS.name]} hint={t("tags.new.name_hint")} maxlength={300} required />
        <ChoiceGroup
          type="radio"
          name={NEW_TAG_FIELDS.type}
          legend={labels[NEW_TAG_FIELDS.type]!}
          choices={CREATABLE_TYPES.map((type) => ({ value: type, label: typeLabel(type) }))}
          selected={[values.type]}
          errors={errors[NEW_TAG_FIELDS.type]}
        />
        <ChoiceGroup
          name={NEW_TAG_FIELDS.canonical}
          legend={labels[NEW_TAG_FIELDS.canonical]!}
          choices={[{ value: "1", label: t("tags.canonical_works_are_filtered_under") }]}
          selected={values.canonical ? ["1"] : []}
        />
        <p class="actions">
          <button safe type="submit">{t("tags.new.create")}</button>
        </p>
      </form>
    </div>
  );
}

/** A tag search's own query string, for its page links. */
export function tagSearchHref(values: TagSearchValues, page: number): string {
  const params = new URLSearchParams();
  if (values.name) params.set(TAG_SEARCH_FIELDS.name, values.name);
  if (values.type) params.set(TAG_SEARCH_FIELDS.type, values.type);
  if (values.canonical) params.set(TAG_SEARCH_FIELDS.canonical, values.canonical);
  if (values.sort !== "name") params.set(TAG_SEARCH_FIELDS.sort, values.sort);
  if (page > 1) params.set("page", String(page));
  return `/tags/search?${params.toString()}`;
}

interface TagSearchProps {
  values: TagSearchValues;
  /** Null before anything was asked. */
  results: { total: number; tags: FoundTag[]; page: number; pages: number } | null;
}

/** `/tags/search`: tags by name, type and canonical status, by name or uses. */
export function TagSearchPage({ values, results }: TagSearchProps): JSX.Element {
  return (
    <div class="tag search">
      <h2 class="heading" safe>
        {t("tags.search.heading")}
      </h2>
      <form method="get" action="/tags/search" class="tag-search" role="search" aria-label={t("tags.search.heading")}>
        <TextField name={TAG_SEARCH_FIELDS.name} label={t("tags.search.name")} value={values.name} type="search" hint={t("tags.search.name_hint")} />
        <SelectField
          name={TAG_SEARCH_FIELDS.type}
          label={t("tags.new.type")}
          value={values.type}
          choices={[{ value: "", label: t("tags.search.any_type") }, ...SEARCHABLE_TYPES.map((type) => ({ value: type, label: typeLabel(type) }))]}
        />
        <SelectField
          name={TAG_SEARCH_FIELDS.canonical}
          label={t("tags.canonical")}
          value={values.canonical}
          choices={[
            { value: "", label: t("tags.search.canonical_any") },
            { value: "T", label: t("tags.search.canonical_yes") },
            { value: "F", label: t("tags.search.canonical_no") },
          ]}
        />
        <SelectField
          name={TAG_SEARCH_FIELDS.sort}
          label={t("tags.search.sort")}
          value={values.sort}
          choices={[
            { value: "name", label: t("tags.search.sort_name") },
            { value: "uses", label: t("tags.search.sort_uses") },
          ]}
        />
        <p class="actions">
          <button safe type="submit">{t("tags.search.submit")}</button>
        </p>
      </form>
      {results ? (
        <section aria-labelledby="tag-results-heading">
          <h3 class="heading" id="tag-results-heading" safe>
            {t("tags.search.found", { total: formatNumber(results.total) })}
          </h3>
          {results.tags.length ? (
            <table class="tag-results">
              <caption safe>{t("tags.search.caption")}</caption>
              <thead>
                <tr>
                  <th scope="col" safe>{t("tags.search.name")}</th>
                  <th scope="col" safe>{t("tags.new.type")}</th>
                  <th scope="col" safe>{t("tags.canonical")}</th>
                  <th scope="col" safe>{t("tags.search.uses")}</th>
                </tr>
              </thead>
              <tbody>
                {results.tags.map((tag) => (
                  <tr>
                    <th scope="row">
                      <a href={tagPath(tag.name)} safe>
                        {tag.name}
                      </a>
                    </th>
                    <td safe>{typeLabel(tag.type)}</td>
                    <td safe>{tag.canonical ? t("tags.search.canonical_yes") : t("tags.search.canonical_no")}</td>
                    <td class="count" safe>{formatNumber(tag.uses)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p safe>{t("tags.search.none")}</p>
          )}
          <Pagination page={results.page} pages={results.pages} href={(n) => tagSearchHref(values, n)} />
        </section>
      ) : (
        ""
      )}
    </div>
  );
}
