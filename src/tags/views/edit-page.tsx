import { ChoiceGroup, CsrfField, ErrorSummary, type FieldErrors, TextField } from "../../platform/http/components.js";
import type { TagRow } from "../../platform/db/tables.js";
import { formatNumber, t } from "../../platform/i18n/index.js";
import type { TagRelations } from "../queries.js";
import { TAG_FIELDS, type TagFormValues } from "../schema.js";
import { tagPath } from "../../model/vocabulary.js";
import { PARENT_TYPES } from "../wrangling.js";
import { Notices, typeLabel } from "./parts.js";
import { statusSentence, WranglerLinks } from "./tag-page.js";

interface EditTagProps {
  tag: TagRow;
  relations: TagRelations;
  values: TagFormValues;
  errors: FieldErrors;
  works: number;
  notices: string[];
  csrf: string;
}

const labels = (): Record<string, string> => ({
  [TAG_FIELDS.canonical]: t("tags.canonical"),
  [TAG_FIELDS.synonymOf]: t("tags.synonym_of"),
  [TAG_FIELDS.unwrangleable]: t("tags.unwrangleable"),
  [TAG_FIELDS.addParents]: t("tags.add_parent_tags"),
  [TAG_FIELDS.removeParents]: t("tags.remove_parent_tags"),
  [TAG_FIELDS.addMetatags]: t("tags.add_metatags"),
  [TAG_FIELDS.removeMetatags]: t("tags.remove_metatags"),
});

/** `/tags/NAME/edit`: a wrangler's form for one tag. Every field works without JavaScript. */
export function EditTagPage({ tag, relations, values, errors, works, notices, csrf }: EditTagProps): JSX.Element {
  const parentTypes = PARENT_TYPES[tag.type] ?? [];
  const choice = (t: { id: number; name: string; type: string }) => ({ value: String(t.id), label: `${t.name} (${typeLabel(t.type)})` });
  return (
    <div class="tag edit">
      <h2 class="heading" safe>
        {t("tags.edit_tag_name", { name: tag.name })}
      </h2>
      <Notices lines={notices} />
      <WranglerLinks tag={tag} current="edit" />
      <p class="status" safe>
        {statusSentence(tag, relations.merger)}
      </p>
      <p safe>{t("tags.works_using_it_works", { works: formatNumber(works) })}</p>
      <ErrorSummary errors={errors} labels={labels()} />
      <form method="post" action={tagPath(tag.name)} class="tag-edit">
        <CsrfField csrf={csrf} />
        <fieldset>
          <legend safe>{t("tags.status")}</legend>
          <ChoiceGroup
            name={TAG_FIELDS.canonical}
            legend={labels()[TAG_FIELDS.canonical]!}
            choices={[{ value: "1", label: t("tags.canonical_works_are_filtered_under") }]}
            selected={values.canonical ? ["1"] : []}
            errors={errors[TAG_FIELDS.canonical]}
          />
          <TextField
            name={TAG_FIELDS.synonymOf}
            label={labels()[TAG_FIELDS.synonymOf]!}
            value={values.synonymOf}
            errors={errors[TAG_FIELDS.synonymOf]}
            hint={t("tags.the_canonical_value_tag_this", { value: typeLabel(tag.type) })}
            maxlength={150}
          />
          <ChoiceGroup
            name={TAG_FIELDS.unwrangleable}
            legend={labels()[TAG_FIELDS.unwrangleable]!}
            choices={[{ value: "1", label: t("tags.unwrangleable_this_tag_fits_nowhere") }]}
            selected={values.unwrangleable ? ["1"] : []}
            errors={errors[TAG_FIELDS.unwrangleable]}
          />
        </fieldset>
        {parentTypes.length ? (
          <fieldset>
            <legend safe>{t("tags.parent_tags")}</legend>
            {relations.parents.length ? (
              <ChoiceGroup
                name={TAG_FIELDS.removeParents}
                legend={labels()[TAG_FIELDS.removeParents]!}
                choices={relations.parents.map(choice)}
                selected={values.removeParents}
                errors={errors[TAG_FIELDS.removeParents]}
              />
            ) : (
              <p safe>{t("tags.no_parent_tags_yet")}</p>
            )}
            <TextField
              name={TAG_FIELDS.addParents}
              label={labels()[TAG_FIELDS.addParents]!}
              value={values.addParents}
              errors={errors[TAG_FIELDS.addParents]}
              hint={t("tags.canonical_value_tags_separated_by", { value: parentTypes.map((type) => typeLabel(type)).join(t("tags.or")) })}
            />
          </fieldset>
        ) : (
          ""
        )}
        <fieldset>
          <legend safe>{t("tags.metatags")}</legend>
          {relations.metatags.length ? (
            <ChoiceGroup
              name={TAG_FIELDS.removeMetatags}
              legend={labels()[TAG_FIELDS.removeMetatags]!}
              choices={relations.metatags.map(choice)}
              selected={values.removeMetatags}
              errors={errors[TAG_FIELDS.removeMetatags]}
            />
          ) : (
            <p safe>{t("tags.no_metatags_yet")}</p>
          )}
          <TextField
            name={TAG_FIELDS.addMetatags}
            label={labels()[TAG_FIELDS.addMetatags]!}
            value={values.addMetatags}
            errors={errors[TAG_FIELDS.addMetatags]}
            hint={t("tags.canonical_value_tags_above_this", { value: typeLabel(tag.type) })}
          />
        </fieldset>
        <p class="actions">
          <button safe type="submit">{t("tags.save_changes")}</button>
        </p>
      </form>
    </div>
  );
}
