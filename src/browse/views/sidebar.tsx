import { type Choice, ChoiceGroup, SelectField, TextField } from "../../platform/http/components.js";
import { formatNumber, t } from "../../platform/i18n/index.js";
import { tagTypeLabel } from "../../model/vocabulary.js";
import { LANGUAGES } from "../../model/languages.js";
import { columnSpec, FACET_TYPES, type ListingResult, SORT_COLUMNS } from "../../listing/index.js";
import { SIDEBAR_RANGES, type Sidebar } from "../sidebar-params.js";

/**
 * The filter sidebar (AO3's "Sort and Filter" form): a GET form, so every filtered listing is a
 * link, and it works without JavaScript. Counts are the facets of all matching works.
 */
export function FilterSidebar(props: { action: string; sidebar: Sidebar; result: ListingResult; tags: Map<number, { name: string; type: string }> }): JSX.Element {
  const { sidebar, result, tags } = props;
  const q = sidebar.query;
  const name = (id: number) => tags.get(id)?.name ?? `#${id}`;
  const label = (id: number, count: number) => `${name(id)} (${formatNumber(count)})`;

  const groups = FACET_TYPES.map(({ type, param }) => {
    const facet = result.facets[type] ?? [];
    const legend = type === "Rating" ? t("browse.ratings") : tagTypeLabel(type, true);
    const facetIds = new Set(facet.map((f) => f.tagId));
    const includeChoices: Choice[] = facet.map((f) => ({ value: String(f.tagId), label: label(f.tagId, f.count) }));
    // Tags already included stay listed (checked), whatever their rank: every match carries them.
    for (const id of q.includeTagIds) if (tagOfType(id) && !facetIds.has(id)) includeChoices.push({ value: String(id), label: label(id, result.total) });
    const excludeChoices: Choice[] = facet.map((f) => ({ value: String(f.tagId), label: label(f.tagId, f.count) }));
    // Excluded tags are shown with 0, as AO3 does, so they can be unticked.
    for (const id of q.excludeTagIds) if (tagOfType(id) && !facetIds.has(id)) excludeChoices.push({ value: String(id), label: label(id, 0) });
    function tagOfType(id: number) {
      return tags.get(id)?.type === type;
    }
    return { type, param, legend, includeChoices, excludeChoices };
  });

  const sortChoices = Object.entries(SORT_COLUMNS).map(([value, s]) => ({ value, label: t(s.label) }));
  const languageChoices = [{ value: "", label: t("search.any_language") }, ...LANGUAGES.map((l) => ({ value: l.code, label: l.name }))];
  const selected = (ids: number[]) => ids.map(String);

  return (
    <form method="get" action={props.action} class="filters" id="work-filters" aria-labelledby="work-filters-heading">
      <h3 safe id="work-filters-heading" class="heading">{t("browse.filters")}</h3>
      <p class="actions">
        <button safe type="submit">{t("browse.sort_and_filter")}</button>
      </p>
      <SelectField name="work_search[sort_column]" label={t("search.sort_by")} value={q.sort} choices={sortChoices} />
      <fieldset class="include">
        <legend safe>{t("browse.include")}</legend>
        {groups.map((g) =>
          g.includeChoices.length ? (
            <details open={g.includeChoices.some((c) => q.includeTagIds.includes(Number(c.value)))}>
              <summary safe>{t("browse.include_legend", { legend: g.legend })}</summary>
              <ChoiceGroup
                name={`include_work_search[${g.param}][]`}
                legend={t("browse.include_legend", { legend: g.legend })}
                choices={g.includeChoices}
                selected={selected(q.includeTagIds)}
                type={g.type === "Rating" ? "radio" : "checkbox"}
              />
            </details>
          ) : (
            ""
          ),
        )}
        <TextField name="work_search[other_tag_names]" label={t("browse.other_tags_to_include")} value={sidebar.typed.otherTagNames} hint={t("browse.tag_names_separated_by_commas")} suggest="tag" />
      </fieldset>
      <fieldset class="exclude">
        <legend safe>{t("browse.exclude")}</legend>
        {groups.map((g) =>
          g.excludeChoices.length ? (
            <details open={g.excludeChoices.some((c) => q.excludeTagIds.includes(Number(c.value)))}>
              <summary safe>{t("browse.exclude_legend", { legend: g.legend })}</summary>
              <ChoiceGroup name={`exclude_work_search[${g.param}][]`} legend={t("browse.exclude_legend", { legend: g.legend })} choices={g.excludeChoices} selected={selected(q.excludeTagIds)} />
            </details>
          ) : (
            ""
          ),
        )}
        <TextField name="work_search[excluded_tag_names]" label={t("browse.other_tags_to_exclude")} value={sidebar.typed.excludedTagNames} hint={t("browse.tag_names_separated_by_commas")} suggest="tag" />
      </fieldset>
      <fieldset class="more">
        <legend safe>{t("browse.more_options")}</legend>
        <ChoiceGroup
          name="work_search[crossover]"
          legend={t("search.crossovers")}
          type="radio"
          choices={[
            { value: "", label: t("search.include_crossovers") },
            { value: "F", label: t("search.exclude_crossovers") },
            { value: "T", label: t("browse.show_only_crossovers") },
          ]}
          selected={[q.crossover === "exclude" ? "F" : q.crossover === "only" ? "T" : ""]}
        />
        <ChoiceGroup
          name="work_search[complete]"
          legend={t("browse.completion_status")}
          type="radio"
          choices={[
            { value: "", label: t("responses.all_works") },
            { value: "T", label: t("search.complete_works_only") },
            { value: "F", label: t("search.works_in_progress_only") },
          ]}
          selected={[q.completion === "complete" ? "T" : q.completion === "in_progress" ? "F" : ""]}
        />
        {SIDEBAR_RANGES.map((range) => {
          const typed = sidebar.typed.ranges[range.column];
          const count = columnSpec(range.column).kind === "count";
          return (
            <fieldset class="range">
              <legend safe>{t(range.legend)}</legend>
              <TextField name={`work_search[${range.from}]`} label={t("browse.from")} value={typed?.from ?? ""} {...(count ? { inputmode: "numeric" } : { type: "date" })} />
              <TextField name={`work_search[${range.to}]`} label={t("browse.to")} value={typed?.to ?? ""} {...(count ? { inputmode: "numeric" } : { type: "date" })} />
            </fieldset>
          );
        })}
        <TextField
          name="work_search[query]"
          label={t("search.search_within_results")}
          value={sidebar.typed.query}
          type="search"
          errors={sidebar.searchError ? [sidebar.searchError] : undefined}
        />
        <SelectField name="work_search[language_id]" label={t("search.language")} value={q.language ?? ""} choices={languageChoices} />
      </fieldset>
      <p class="actions">
        <button safe type="submit">{t("browse.sort_and_filter")}</button> <a safe href={props.action}>{t("browse.clear_filters")}</a>
      </p>
    </form>
  );
}

/** What had to be ignored or corrected in the request, said at the top of the listing. */
export function FilterNotices({ notices }: { notices: string[] }): JSX.Element {
  if (notices.length === 0) return "";
  return (
    <div class="notice" role="status">
      <p safe>{t("browse.some_of_your_filters_were")}</p>
      <ul>
        {notices.map((n) => (
          <li safe>{n}</li>
        ))}
      </ul>
    </div>
  );
}
