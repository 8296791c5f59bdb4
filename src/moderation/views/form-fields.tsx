import { escapeHtml } from "@kitajs/html";
import { type FieldErrors, fieldId } from "../../platform/http/components.js";
import { t } from "../../platform/i18n/index.js";

// Fields for the moderation forms. Several forms on one admin page post the same plain names
// (reason, days, hide_works, as other admin pages post them too), so each field's id is made
// from its form and its name: `key(form, name)` is also how a form's errors are keyed, so the
// error summary's links land on the right field.

/** The key of a field of one form: its errors' key and (through fieldId) its element's id. */
export function key(form: string, name: string): string {
  return `${form}-${name}`;
}

function Messages({ id, hint, errors }: { id: string; hint?: string; errors?: string[] }): JSX.Element {
  return (
    <>
      {hint ? <p class="hint" id={`${id}-hint`} safe>{hint}</p> : ""}
      {errors?.length ? (
        <p class="field-error" id={`${id}-error`}>
          <strong safe>{t("ui.error")}</strong> <span safe>{errors.join(" ")}</span>
        </p>
      ) : (
        ""
      )}
    </>
  );
}

function describedBy(id: string, hint?: string, errors?: string[]): string | undefined {
  const ids = [hint ? `${id}-hint` : "", errors?.length ? `${id}-error` : ""].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

interface FieldProps {
  form: string;
  name: string;
  label: string;
  value: string;
  errors: FieldErrors;
  hint?: string;
  required?: boolean;
}

/** A labelled text box (rows > 1) or one-line input of a moderation form. */
export function FormField(props: FieldProps & { rows?: number; inputmode?: string; maxlength?: number }): JSX.Element {
  const id = fieldId(key(props.form, props.name));
  const errors = props.errors[key(props.form, props.name)];
  const common = { id, name: props.name, required: props.required, "aria-invalid": errors?.length ? "true" : undefined, "aria-describedby": describedBy(id, props.hint, errors) };
  return (
    <div class={errors?.length ? "field has-error" : "field"}>
      <label for={id} safe>{props.label}</label>
      <Messages id={id} hint={props.hint} errors={errors} />
      {props.rows ? (
        <textarea {...common} rows={String(props.rows)} maxlength={props.maxlength}>{"\n" + escapeHtml(props.value)}</textarea>
      ) : (
        // Numbers are typed in a text box (inputmode numeric): a refused value comes back as typed, which a number input could not hold.
        <input {...common} type="text" inputmode={props.inputmode} value={escapeHtml(props.value)} maxlength={props.maxlength} />
      )}
    </div>
  );
}

/** A yes/no choice of a moderation form, as two radio buttons. */
export function YesNo(props: Omit<FieldProps, "required"> & { yes: string; no: string }): JSX.Element {
  const id = fieldId(key(props.form, props.name));
  const errors = props.errors[key(props.form, props.name)];
  return (
    <fieldset class={errors?.length ? "choices has-error" : "choices"} id={id} aria-describedby={describedBy(id, props.hint, errors)}>
      <legend safe>{props.label}</legend>
      <Messages id={id} hint={props.hint} errors={errors} />
      <ul>
        {[
          { value: "no", label: props.no },
          { value: "yes", label: props.yes },
        ].map((choice) => (
          <li>
            <input type="radio" id={`${id}-${choice.value}`} name={props.name} value={choice.value} checked={props.value === choice.value} />{" "}
            <label for={`${id}-${choice.value}`} safe>{choice.label}</label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}

/** The hidden local path a form returns to, when another admin page sent it (kept through a failed submit). */
export function ReturnTo({ path }: { path: string }): JSX.Element {
  return path ? <input type="hidden" name="return_to" value={escapeHtml(path)} /> : "";
}
