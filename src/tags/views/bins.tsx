import { escapeHtml } from "@kitajs/html";
import { ChoiceGroup, CsrfField, ErrorSummary, type FieldErrors, fieldId, Pagination, TextField } from "../../platform/http/components.js";
import type { TagRow } from "../../platform/db/tables.js";
import { formatNumber, t } from "../../platform/i18n/index.js";
import { BIN_TYPES, type BinCounts, type BinTag, type BinType, type Capped, type TagSummary } from "../queries.js";
import { MASS_FIELDS, type MassFormValues } from "../schema.js";
import { BIN_WORDS, binPath, editTagPath, JobProgress, type JobProgressRow, Notices, TagList, typeLabel } from "./parts.js";
import { WranglerLinks } from "./tag-page.js";

/** The bins' own names for their types. */
export function binLabel(type: BinType): string {
  return type === "Freeform" ? t("search.additional_tags") : typeLabel(type, true);
}

/** Fandoms with their unwrangled tag counts, each count a link to its bin. */
function BinsTable({ fandoms, counts, caption }: { fandoms: TagSummary[]; counts: Map<number, BinCounts>; caption: string }): JSX.Element {
  return (
    <table class="wrangling bins">
      <caption safe>{caption}</caption>
      <thead>
        <tr>
          <th safe scope="col">{t("tags.fandom")}</th>
          {BIN_TYPES.map((type) => (
            <th scope="col" safe>
              {binLabel(type)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {fandoms.map((fandom) => {
          const count = counts.get(fandom.id);
          return (
            <tr>
              <th scope="row">
                <a href={binPath(fandom.name)} safe>
                  {fandom.name}
                </a>
              </th>
              {BIN_TYPES.map((type) => {
                const n = count?.[type] ?? 0;
                return (
                  <td class="count">
                    {n > 0 ? (
                      <a href={binPath(fandom.name, type)} aria-label={escapeHtml(t("tags.n_unwrangled_value_in_name", { n: formatNumber(n), value: binLabel(type), name: fandom.name }))} safe>
                        {formatNumber(n)}
                      </a>
                    ) : (
                      "0"
                    )}
                  </td>
                );
              })}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

interface HomeProps {
  fandoms: TagSummary[];
  counts: Map<number, BinCounts>;
  total: number;
  page: number;
  pages: number;
  withoutMedia: Capped<TagSummary>;
  /** Fandoms writers typed that nobody has wrangled yet, with their own bins. */
  unwrangled: Capped<TagSummary>;
  jobs: JobProgressRow[];
}

/** `/wrangling`: every canonical fandom with its unwrangled counts, fandoms without media, jobs. */
export function WranglingHomePage({ fandoms, counts, total, page, pages, withoutMedia, unwrangled, jobs }: HomeProps): JSX.Element {
  return (
    <div class="wrangling home">
      <h2 safe class="heading">{t("tags.tag_wrangling")}</h2>
      <JobProgress jobs={jobs} />
      <section aria-labelledby="fandoms-heading">
        <h3 class="heading" id="fandoms-heading" safe>
          {t("tags.canonical_fandoms_total", { total: formatNumber(total) })}
        </h3>
        {fandoms.length ? (
          <BinsTable fandoms={fandoms} counts={counts} caption={t("tags.unwrangled_tags_on_each_fandom")} />
        ) : (
          <p safe>{t("tags.there_are_no_canonical_fandoms")}</p>
        )}
        <Pagination page={page} pages={pages} href={(n) => (n === 1 ? "/wrangling" : `/wrangling?page=${n}`)} />
      </section>
      <section aria-labelledby="unwrangled-fandoms-heading">
        <h3 class="heading" id="unwrangled-fandoms-heading" safe>
          {t("tags.bins.unwrangled_fandoms", { total: formatNumber(unwrangled.total) })}
        </h3>
        {unwrangled.items.length ? (
          <BinsTable fandoms={unwrangled.items} counts={counts} caption={t("tags.bins.unwrangled_fandoms_caption")} />
        ) : (
          <p safe>{t("tags.bins.no_unwrangled_fandoms")}</p>
        )}
      </section>
      <section aria-labelledby="no-media-heading">
        <h3 class="heading" id="no-media-heading" safe>
          {t("tags.fandoms_without_media_total", { total: formatNumber(withoutMedia.total) })}
        </h3>
        {withoutMedia.items.length ? (
          <TagList tags={withoutMedia.items} total={withoutMedia.total} href={(tag) => editTagPath(tag.name)} />
        ) : (
          <p safe>{t("tags.every_canonical_fandom_has_a")}</p>
        )}
      </section>
    </div>
  );
}

interface BinProps {
  fandom: TagRow;
  counts: BinCounts;
  show: BinType | null;
  list: { total: number; tags: BinTag[] } | null;
  page: number;
  pages: number;
  values: MassFormValues;
  errors: FieldErrors;
  notices: string[];
  jobs: JobProgressRow[];
  csrf: string;
}

const massLabels = (): Record<string, string> => ({
  [MASS_FIELDS.selected]: t("works.tags"),
  [MASS_FIELDS.synonymOf]: t("tags.make_synonyms_of"),
  [MASS_FIELDS.fandoms]: t("tags.assign_to_fandom"),
  [MASS_FIELDS.canonical]: t("tags.make_canonical"),
});

/** `/tags/FANDOM/wrangle`: the fandom's bins, and one bin's tags as a mass-wrangling form. */
export function FandomBinPage(props: BinProps): JSX.Element {
  const { fandom, counts, show, list, values, errors } = props;
  const selectedErrors = errors[MASS_FIELDS.selected];
  return (
    <div class="wrangling bin">
      <h2 class="heading" safe>
        {t("tags.unwrangled_tags_in_name", { name: fandom.name })}
      </h2>
      <WranglerLinks tag={fandom} current="bin" />
      <Notices lines={props.notices} />
      <JobProgress jobs={props.jobs} />
      <nav aria-label={t("tags.bins")}>
        <ul class="bins actions">
          {BIN_TYPES.map((type) => {
            const text = `${binLabel(type)} (${formatNumber(counts[type])})`;
            return <li>{type === show ? <span aria-current="page" safe>{text}</span> : <a href={binPath(fandom.name, type)} safe>{text}</a>}</li>;
          })}
        </ul>
      </nav>
      {show && list ? (
        list.tags.length ? (
          <>
            <ErrorSummary errors={errors} labels={massLabels()} />
            <form method="post" action={binPath(fandom.name)} class="mass-wrangle">
              <CsrfField csrf={props.csrf} />
              <input type="hidden" name="show" value={BIN_WORDS[show]} />
              <input type="hidden" name="page" value={String(props.page)} />
              <fieldset
                id={fieldId(MASS_FIELDS.selected)}
                class={selectedErrors?.length ? "has-error" : undefined}
                aria-describedby={selectedErrors?.length ? `${fieldId(MASS_FIELDS.selected)}-error` : undefined}
              >
                <legend safe>{t("tags.unwrangled_value_total", { value: binLabel(show), total: formatNumber(list.total) })}</legend>
                {selectedErrors?.length ? (
                  <p class="field-error" id={`${fieldId(MASS_FIELDS.selected)}-error`}>
                    <strong safe>{t("ui.error")}</strong> <span safe>{selectedErrors.join(" ")}</span>
                  </p>
                ) : (
                  ""
                )}
                <table class="bin-tags">
                  <thead>
                    <tr>
                      <th safe scope="col">{t("tags.tag")}</th>
                      <th safe scope="col">{t("tags.works_in_this_fandom")}</th>
                      <th safe scope="col">{t("tags.edit")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.tags.map((tag) => {
                      const id = `bin-tag-${tag.id}`;
                      return (
                        <tr>
                          <td>
                            <input type="checkbox" id={id} name={MASS_FIELDS.selected} value={String(tag.id)} checked={values.selected.includes(String(tag.id))} />{" "}
                            <label for={id} safe>
                              {tag.name}
                            </label>
                          </td>
                          <td class="count" safe>
                            {formatNumber(tag.works)}
                          </td>
                          <td>
                            <a safe href={editTagPath(tag.name)} aria-label={escapeHtml(t("tags.edit_name", { name: tag.name }))}>{t("tags.edit")}</a>
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </fieldset>
              <fieldset>
                <legend safe>{t("tags.wrangle_the_ticked_tags")}</legend>
                <TextField
                  name={MASS_FIELDS.synonymOf}
                  label={massLabels()[MASS_FIELDS.synonymOf]!}
                  value={values.synonymOf}
                  errors={errors[MASS_FIELDS.synonymOf]}
                  hint={t("tags.a_canonical_value_tag_leave", { value: typeLabel(show) })}
                  maxlength={150}
                />
                <TextField
                  name={MASS_FIELDS.fandoms}
                  label={massLabels()[MASS_FIELDS.fandoms]!}
                  value={values.fandoms}
                  errors={errors[MASS_FIELDS.fandoms]}
                  hint={t("tags.canonical_fandoms_separated_by_commas")}
                />
                <ChoiceGroup
                  name={MASS_FIELDS.canonical}
                  legend={massLabels()[MASS_FIELDS.canonical]!}
                  choices={[{ value: "1", label: t("tags.make_the_ticked_tags_canonical") }]}
                  selected={values.canonical ? ["1"] : []}
                  errors={errors[MASS_FIELDS.canonical]}
                />
                <p class="actions">
                  <button safe type="submit">{t("tags.wrangle")}</button>
                </p>
              </fieldset>
            </form>
            <Pagination page={props.page} pages={props.pages} href={(n) => binPath(fandom.name, show, n)} />
          </>
        ) : (
          <p safe>{t("tags.no_unwrangled_value_in_name", { value: binLabel(show), name: fandom.name })}</p>
        )
      ) : (
        <p safe>{t("tags.choose_a_bin_to_see")}</p>
      )}
    </div>
  );
}
