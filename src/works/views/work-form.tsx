import { escapeHtml } from "@kitajs/html";
import { ChoiceGroup, CsrfField, ErrorSummary, type FieldErrors, SelectField, TextArea, TextField } from "../../platform/http/components.js";
import type { PseudRow } from "../../platform/db/tables.js";
import { CATEGORIES, RATINGS, USER_TAG_TYPES, WARNINGS } from "../../model/vocabulary.js";
import { LANGUAGES } from "../../model/languages.js";
import { type ChapterFormValues, LIMITS, TAG_FIELD_NAMES, type WorkFormValues, type WorkTagFormValues } from "../schema.js";
import { t } from "../../platform/i18n/index.js";
import { GIFT_LIMITS, RECIPIENTS_FIELD } from "../../gifts/index.js";
import { RELATED_FIELDS, RELATED_LIMITS } from "../../related/index.js";
import { type AssociationValues, CANCEL_INVITATIONS_FIELD, CO_CREATORS_FIELD } from "../associations.js";
import { MAX_INVITES } from "../cocreators.js";

const tagLabels = () => ({
  Fandom: t("search.fandoms"),
  Relationship: t("search.relationships"),
  Character: t("search.characters"),
  Freeform: t("search.additional_tags"),
} as const);

const commentChoices = () => ([
  { value: "all", label: t("works.registered_users_and_guests_can") },
  { value: "registered", label: t("works.only_registered_users_can_comment") },
  { value: "none", label: t("works.no_one_can_comment") },
]);

/** The work's tag fields (rating, warnings, categories, fandoms, relationships, characters, additional tags): the work form's, and an admin's tag edit's. */
export function WorkTagFields({ values, errors }: { values: WorkTagFormValues; errors: FieldErrors }): JSX.Element {
  return (
    <fieldset>
      <legend safe>{t("works.tags")}</legend>
      <ChoiceGroup
        name="work[rating]"
        legend={t("works.rating_required_2")}
        type="radio"
        choices={RATINGS.map((r) => ({ value: r.name, label: r.name }))}
        selected={[values.rating]}
        errors={errors["work[rating]"]}
      />
      <ChoiceGroup
        name="work[warnings][]"
        legend={t("works.archive_warnings_at_least_one")}
        choices={WARNINGS.map((w) => ({ value: w.name, label: w.name }))}
        selected={values.warnings}
        errors={errors["work[warnings][]"]}
      />
      <ChoiceGroup
        name="work[categories][]"
        legend={t("works.categories")}
        choices={CATEGORIES.map((c) => ({ value: c.name, label: c.name }))}
        selected={values.categories}
        errors={errors["work[categories][]"]}
      />
      {USER_TAG_TYPES.map((type) => (
        <TextField
          name={TAG_FIELD_NAMES[type]}
          label={type === "Fandom" ? t("works.value_required", { value: tagLabels()[type] }) : tagLabels()[type]}
          value={values.tags[type]}
          errors={errors[TAG_FIELD_NAMES[type]]}
          hint={t("works.separate_tags_with_commas")}
          required={type === "Fandom"}
          suggest={type.toLowerCase()}
        />
      ))}
    </fieldset>
  );
}

/** What the edit form lists with a box each: unanswered co-creator invitations, related works kept. */
export interface AssociationChoices {
  invitations: { id: number; label: string }[];
  parents: { id: number; label: string }[];
}

const NO_CHOICES: AssociationChoices = { invitations: [], parents: [] };

/** "Add co-creators" and the invitations still waiting (edit form), under the creator's own pseuds. */
function CoCreatorFields({ values, errors, choices }: { values: AssociationValues; errors: FieldErrors; choices: AssociationChoices }): JSX.Element {
  return (
    <>
      <TextField name={CO_CREATORS_FIELD} label={t("cocreators.field")} value={values.coCreators ?? ""} errors={errors[CO_CREATORS_FIELD]} hint={t("cocreators.hint", { max: MAX_INVITES })} />
      {choices.invitations.length ? (
        <ChoiceGroup
          name={CANCEL_INVITATIONS_FIELD}
          legend={t("cocreators.pending_legend")}
          hint={t("cocreators.pending_hint")}
          choices={choices.invitations.map((i) => ({ value: String(i.id), label: t("cocreators.withdraw", { name: i.label }) }))}
          selected={values.cancelInvitations ?? []}
        />
      ) : (
        ""
      )}
    </>
  );
}

/** "Gift this work to" and the related work ("inspired by" or "a translation of"), in the associations. */
function GiftAndRelatedFields({ values, errors, choices }: { values: AssociationValues; errors: FieldErrors; choices: AssociationChoices }): JSX.Element {
  const parent = values.parents?.[0] ?? { url: "", title: "", author: "", translation: false };
  return (
    <>
      <TextField name={RECIPIENTS_FIELD} label={t("gifts.field")} value={values.recipients ?? ""} errors={errors[RECIPIENTS_FIELD]} hint={t("gifts.hint", { max: GIFT_LIMITS.recipients })} />
      <fieldset class="related">
        <legend safe>{t("related.legend")}</legend>
        {choices.parents.length ? (
          <ChoiceGroup
            name={RELATED_FIELDS.remove}
            legend={t("related.kept_legend")}
            choices={choices.parents.map((p) => ({ value: String(p.id), label: t("related.remove", { label: p.label }) }))}
            selected={values.removeParents ?? []}
          />
        ) : (
          ""
        )}
        <TextField name={RELATED_FIELDS.url} label={t("related.url_label")} value={parent.url} errors={errors[RELATED_FIELDS.url]} hint={t("related.url_hint")} maxlength={RELATED_LIMITS.url} />
        <TextField name={RELATED_FIELDS.title} label={t("related.title_label")} value={parent.title} errors={errors[RELATED_FIELDS.title]} hint={t("related.outside_hint")} maxlength={RELATED_LIMITS.title} />
        <TextField name={RELATED_FIELDS.author} label={t("related.author_label")} value={parent.author} errors={errors[RELATED_FIELDS.author]} hint={t("related.outside_hint")} maxlength={RELATED_LIMITS.author} />
        <ChoiceGroup name={RELATED_FIELDS.translation} legend={t("related.translation_legend")} choices={[{ value: "1", label: t("related.translation_choice") }]} selected={parent.translation ? ["1"] : []} />
      </fieldset>
    </>
  );
}

/** The work's own fields, shared by the new-work and edit-work forms. */
export function WorkFields({ values, errors, pseuds, choices = NO_CHOICES }: { values: WorkFormValues; errors: FieldErrors; pseuds: PseudRow[]; choices?: AssociationChoices }): JSX.Element {
  const associations = values.associations ?? {};
  return (
    <>
      <WorkTagFields values={values} errors={errors} />
      <fieldset>
        <legend safe>{t("works.preface")}</legend>
        <TextField name="work[title]" label={t("works.work_title_required")} value={values.title} errors={errors["work[title]"]} required maxlength={LIMITS.title} />
        <ChoiceGroup
          name="work[pseud_ids][]"
          legend={t("works.creator_pseud_s")}
          choices={pseuds.map((p) => ({ value: String(p.id), label: p.name }))}
          selected={values.pseudIds}
          errors={errors["work[pseud_ids][]"]}
        />
        <CoCreatorFields values={associations} errors={errors} choices={choices} />
        <TextArea name="work[summary]" label={t("works.summary")} value={values.summary} errors={errors["work[summary]"]} hint={t("series.plain_text_or_html_up", { summary: LIMITS.summary })} rows={4} />
        <TextArea name="work[notes]" label={t("works.beginning_notes")} value={values.notes} errors={errors["work[notes]"]} hint={t("series.up_to_notes_characters", { notes: LIMITS.notes })} rows={4} />
        <TextArea name="work[endnotes]" label={t("works.end_notes")} value={values.endnotes} errors={errors["work[endnotes]"]} hint={t("series.up_to_notes_characters", { notes: LIMITS.notes })} rows={4} />
      </fieldset>
      <fieldset>
        <legend safe>{t("works.associations_and_privacy")}</legend>
        <GiftAndRelatedFields values={associations} errors={errors} choices={choices} />
        <SelectField
          name="work[language]"
          label={t("works.choose_a_language_required")}
          value={values.language}
          errors={errors["work[language]"]}
          choices={[{ value: "", label: t("works.please_select_a_language") }, ...LANGUAGES.map((l) => ({ value: l.code, label: l.name }))]}
          required
        />
        <TextField
          name="work[expected_chapters]"
          label={t("works.expected_number_of_chapters")}
          value={values.expectedChapters}
          errors={errors["work[expected_chapters]"]}
          hint={t("works.a_number_or_if_you")}
          inputmode="numeric"
        />
        <ChoiceGroup
          name="work[restricted]"
          legend={t("works.privacy")}
          choices={[{ value: "1", label: t("works.only_show_your_work_to") }]}
          selected={values.restricted ? ["1"] : []}
        />
        <ChoiceGroup
          name="work[comment_permission]"
          legend={t("works.who_can_comment_on_this")}
          type="radio"
          choices={commentChoices()}
          selected={[values.commentPermission]}
          errors={errors["work[comment_permission]"]}
        />
        <ChoiceGroup
          name="work[moderated_commenting_enabled]"
          legend={t("works.comment_moderation")}
          choices={[{ value: "1", label: t("works.enable_comment_moderation_comments_appear") }]}
          selected={values.moderatedComments ? ["1"] : []}
        />
        <ChoiceGroup
          name="work[backdate]"
          legend={t("works.publication_date")}
          choices={[{ value: "1", label: t("works.set_a_different_publication_date") }]}
          selected={values.backdate ? ["1"] : []}
        />
        <TextField
          name="work[published_on]"
          label={t("works.published_on")}
          type="date"
          value={values.publishedOn}
          errors={errors["work[published_on]"]}
          hint={t("works.yyyy_mm_dd_used_only")}
        />
      </fieldset>
    </>
  );
}

/** The chapter's fields, shared by the new-work and chapter forms. */
export function ChapterFields({ values, errors, withNotes }: { values: ChapterFormValues; errors: FieldErrors; withNotes: boolean }): JSX.Element {
  return (
    <fieldset>
      <legend safe>{t("works.chapter")}</legend>
      <TextField name="chapter[title]" label={t("works.chapter_title")} value={values.title} errors={errors["chapter[title]"]} maxlength={LIMITS.title} />
      {withNotes ? (
        <>
          <TextArea name="chapter[summary]" label={t("works.chapter_summary")} value={values.summary} errors={errors["chapter[summary]"]} rows={3} />
          <TextArea name="chapter[notes]" label={t("works.chapter_beginning_notes")} value={values.notes} errors={errors["chapter[notes]"]} rows={3} />
        </>
      ) : (
        ""
      )}
      <TextArea
        name="chapter[content]"
        label={t("works.work_text_required")}
        value={values.content}
        errors={errors["chapter[content]"]}
        hint={t("works.plain_text_or_html_a")}
        rows={20}
        required
      />
      {withNotes ? <TextArea name="chapter[endnotes]" label={t("works.chapter_end_notes")} value={values.endnotes} errors={errors["chapter[endnotes]"]} rows={3} /> : ""}
    </fieldset>
  );
}

export interface WorkFormProps {
  mode: "new" | "edit";
  action: string;
  values: WorkFormValues;
  chapter?: ChapterFormValues;
  errors: FieldErrors;
  pseuds: PseudRow[];
  csrf: string;
  /** Rendered preview of the work, shown above the form. */
  preview?: JSX.Element;
  /** "Add to series" fields, rendered by the series capability. */
  series?: JSX.Element;
  /** The edit form's invitations and related works, each with a box. */
  choices?: AssociationChoices;
}

/** The post-a-work and edit-work form; every value the user typed is in it after a failed save. */
export function WorkForm(props: WorkFormProps): JSX.Element {
  const { preview = "", series = "" } = props;
  return (
    <>
      <h2 class="heading">{props.mode === "new" ? t("works.post_new_work") : escapeHtml(t("works.edit_work"))}</h2>
      <ErrorSummary errors={props.errors} />
      {preview ? (
        <section class="preview" aria-labelledby="preview-heading">
          <h2 safe class="heading" id="preview-heading">{t("works.preview")}</h2>
          <p safe class="notice">{t("works.this_is_a_preview_nothing")}</p>
          {preview}
        </section>
      ) : (
        ""
      )}
      <form method="post" action={props.action} class="post work" novalidate>
        <CsrfField csrf={props.csrf} />
        <WorkFields values={props.values} errors={props.errors} pseuds={props.pseuds} choices={props.choices} />
        {series}
        {props.chapter ? <ChapterFields values={props.chapter} errors={props.errors} withNotes={false} /> : ""}
        <p class="submit actions">
          {props.mode === "new" ? (
            <>
              <button safe type="submit" name="commit" value="Preview">{t("works.preview")}</button>{" "}
              <button safe type="submit" name="commit" value="Save As Draft">{t("works.save_as_draft")}</button>{" "}
              <button safe type="submit" name="commit" value="Post">{t("works.post")}</button>
            </>
          ) : (
            <button safe type="submit" name="commit" value="Update">{t("series.update")}</button>
          )}
        </p>
      </form>
    </>
  );
}
