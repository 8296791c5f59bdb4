import { ChoiceGroup, CsrfField, ErrorSummary, type FieldErrors, SelectField, TextArea, TextField } from "../../platform/http/components.js";
import type { PseudRow } from "../../platform/db/tables.js";
import { CATEGORIES, RATINGS, USER_TAG_TYPES, WARNINGS } from "../../model/vocabulary.js";
import { LANGUAGES } from "../../model/languages.js";
import { type ChapterFormValues, LIMITS, TAG_FIELD_NAMES, type WorkFormValues } from "../schema.js";

const TAG_LABELS = {
  Fandom: "Fandoms",
  Relationship: "Relationships",
  Character: "Characters",
  Freeform: "Additional Tags",
} as const;

const COMMENT_CHOICES = [
  { value: "all", label: "Registered users and guests can comment" },
  { value: "registered", label: "Only registered users can comment" },
  { value: "none", label: "No one can comment" },
];

/** The work's own fields, shared by the new-work and edit-work forms. */
export function WorkFields({ values, errors, pseuds }: { values: WorkFormValues; errors: FieldErrors; pseuds: PseudRow[] }): JSX.Element {
  return (
    <>
      <fieldset>
        <legend>Tags</legend>
        <ChoiceGroup
          name="work[rating]"
          legend="Rating (required)"
          type="radio"
          choices={RATINGS.map((r) => ({ value: r.name, label: r.name }))}
          selected={[values.rating]}
          errors={errors["work[rating]"]}
        />
        <ChoiceGroup
          name="work[warnings][]"
          legend="Archive Warnings (at least one)"
          choices={WARNINGS.map((w) => ({ value: w.name, label: w.name }))}
          selected={values.warnings}
          errors={errors["work[warnings][]"]}
        />
        <ChoiceGroup
          name="work[categories][]"
          legend="Categories"
          choices={CATEGORIES.map((c) => ({ value: c.name, label: c.name }))}
          selected={values.categories}
          errors={errors["work[categories][]"]}
        />
        {USER_TAG_TYPES.map((type) => (
          <TextField
            name={TAG_FIELD_NAMES[type]}
            label={type === "Fandom" ? `${TAG_LABELS[type]} (required)` : TAG_LABELS[type]}
            value={values.tags[type]}
            errors={errors[TAG_FIELD_NAMES[type]]}
            hint="Separate tags with commas."
            required={type === "Fandom"}
            suggest={type.toLowerCase()}
          />
        ))}
      </fieldset>
      <fieldset>
        <legend>Preface</legend>
        <TextField name="work[title]" label="Work Title (required)" value={values.title} errors={errors["work[title]"]} required maxlength={LIMITS.title} />
        <ChoiceGroup
          name="work[pseud_ids][]"
          legend="Creator/Pseud(s)"
          choices={pseuds.map((p) => ({ value: String(p.id), label: p.name }))}
          selected={values.pseudIds}
          errors={errors["work[pseud_ids][]"]}
        />
        <TextArea name="work[summary]" label="Summary" value={values.summary} errors={errors["work[summary]"]} hint={`Plain text or HTML, up to ${LIMITS.summary} characters.`} rows={4} />
        <TextArea name="work[notes]" label="Beginning Notes" value={values.notes} errors={errors["work[notes]"]} hint={`Up to ${LIMITS.notes} characters.`} rows={4} />
        <TextArea name="work[endnotes]" label="End Notes" value={values.endnotes} errors={errors["work[endnotes]"]} hint={`Up to ${LIMITS.notes} characters.`} rows={4} />
      </fieldset>
      <fieldset>
        <legend>Associations and privacy</legend>
        <SelectField
          name="work[language]"
          label="Choose a language (required)"
          value={values.language}
          errors={errors["work[language]"]}
          choices={[{ value: "", label: "Please select a language" }, ...LANGUAGES.map((l) => ({ value: l.code, label: l.name }))]}
          required
        />
        <TextField
          name="work[expected_chapters]"
          label="Expected number of chapters"
          value={values.expectedChapters}
          errors={errors["work[expected_chapters]"]}
          hint="A number, or ? if you don't know yet."
          inputmode="numeric"
        />
        <ChoiceGroup
          name="work[restricted]"
          legend="Privacy"
          choices={[{ value: "1", label: "Only show your work to registered users" }]}
          selected={values.restricted ? ["1"] : []}
        />
        <ChoiceGroup
          name="work[comment_permission]"
          legend="Who can comment on this work"
          type="radio"
          choices={COMMENT_CHOICES}
          selected={[values.commentPermission]}
          errors={errors["work[comment_permission]"]}
        />
        <ChoiceGroup
          name="work[moderated_commenting_enabled]"
          legend="Comment moderation"
          choices={[{ value: "1", label: "Enable comment moderation (comments appear once you approve them)" }]}
          selected={values.moderatedComments ? ["1"] : []}
        />
        <ChoiceGroup
          name="work[backdate]"
          legend="Publication date"
          choices={[{ value: "1", label: "Set a different publication date" }]}
          selected={values.backdate ? ["1"] : []}
        />
        <TextField
          name="work[published_on]"
          label="Published on"
          type="date"
          value={values.publishedOn}
          errors={errors["work[published_on]"]}
          hint="YYYY-MM-DD; used only when a different publication date is set."
        />
      </fieldset>
    </>
  );
}

/** The chapter's fields, shared by the new-work and chapter forms. */
export function ChapterFields({ values, errors, withNotes }: { values: ChapterFormValues; errors: FieldErrors; withNotes: boolean }): JSX.Element {
  return (
    <fieldset>
      <legend>Chapter</legend>
      <TextField name="chapter[title]" label="Chapter Title" value={values.title} errors={errors["chapter[title]"]} maxlength={LIMITS.title} />
      {withNotes ? (
        <>
          <TextArea name="chapter[summary]" label="Chapter Summary" value={values.summary} errors={errors["chapter[summary]"]} rows={3} />
          <TextArea name="chapter[notes]" label="Chapter Beginning Notes" value={values.notes} errors={errors["chapter[notes]"]} rows={3} />
        </>
      ) : (
        ""
      )}
      <TextArea
        name="chapter[content]"
        label="Work Text (required)"
        value={values.content}
        errors={errors["chapter[content]"]}
        hint="Plain text or HTML. A blank line starts a new paragraph; a single line break stays a line break."
        rows={20}
        required
      />
      {withNotes ? <TextArea name="chapter[endnotes]" label="Chapter End Notes" value={values.endnotes} errors={errors["chapter[endnotes]"]} rows={3} /> : ""}
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
}

/** The post-a-work and edit-work form; every value the user typed is in it after a failed save. */
export function WorkForm(props: WorkFormProps): JSX.Element {
  const { preview = "", series = "" } = props;
  return (
    <>
      <h2 class="heading">{props.mode === "new" ? "Post New Work" : "Edit Work"}</h2>
      <ErrorSummary errors={props.errors} />
      {preview ? (
        <section class="preview" aria-labelledby="preview-heading">
          <h2 class="heading" id="preview-heading">
            Preview
          </h2>
          <p class="notice">This is a preview: nothing has been saved yet. Post, save as a draft or keep editing below.</p>
          {preview}
        </section>
      ) : (
        ""
      )}
      <form method="post" action={props.action} class="post work" novalidate>
        <CsrfField csrf={props.csrf} />
        <WorkFields values={props.values} errors={props.errors} pseuds={props.pseuds} />
        {series}
        {props.chapter ? <ChapterFields values={props.chapter} errors={props.errors} withNotes={false} /> : ""}
        <p class="submit actions">
          {props.mode === "new" ? (
            <>
              <button type="submit" name="commit" value="Preview">
                Preview
              </button>{" "}
              <button type="submit" name="commit" value="Save As Draft">
                Save As Draft
              </button>{" "}
              <button type="submit" name="commit" value="Post">
                Post
              </button>
            </>
          ) : (
            <button type="submit" name="commit" value="Update">
              Update
            </button>
          )}
        </p>
      </form>
    </>
  );
}
