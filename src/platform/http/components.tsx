import { escapeHtml } from "@kitajs/html";
import { t } from "../i18n/index.js";
import type { TrustedHtml } from "../html/trusted-html.js";

/** Per-field error messages of a form that failed validation. */
export type FieldErrors = Record<string, string[]>;

/** A hidden CSRF field; every POST form carries one. */
export function CsrfField({ csrf }: { csrf: string }): JSX.Element {
  return <input type="hidden" name="authenticity_token" value={csrf} />;
}

/** The list of problems at the top of a failed form, each linking to its field. */
export function ErrorSummary({ errors, labels }: { errors: FieldErrors; labels?: Record<string, string> }): JSX.Element {
  const entries = Object.entries(errors).filter(([, list]) => list.length > 0);
  if (entries.length === 0) return "";
  return (
    <div class="flash error" role="alert" tabindex="-1" id="error-summary">
      <h3 class="heading" safe>{t("form.errors.heading")}</h3>
      <ul>
        {entries.flatMap(([name, list]) =>
          list.map((message) => (
            <li>
              <a href={`#${fieldId(name)}`} safe>
                {labels?.[name] ? `${labels[name]}: ${message}` : message}
              </a>
            </li>
          )),
        )}
      </ul>
    </div>
  );
}

/** The element id for a form field name (names hold brackets, ids should not). */
export function fieldId(name: string): string {
  return `field-${name.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/-+$/, "")}`;
}

function FieldMessages({ name, errors, hint }: { name: string; errors?: string[]; hint?: string }): JSX.Element {
  return (
    <>
      {hint ? (
        <p class="hint" id={`${fieldId(name)}-hint`} safe>
          {hint}
        </p>
      ) : (
        ""
      )}
      {errors?.length ? (
        <p class="field-error" id={`${fieldId(name)}-error`}>
          <strong safe>{t("ui.error")}</strong> <span safe>{errors.join(" ")}</span>
        </p>
      ) : (
        ""
      )}
    </>
  );
}

function describedBy(name: string, errors?: string[], hint?: string): string | undefined {
  const ids = [hint ? `${fieldId(name)}-hint` : "", errors?.length ? `${fieldId(name)}-error` : ""].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

interface FieldProps {
  name: string;
  label: string;
  value: string;
  errors?: string[];
  hint?: string;
  required?: boolean;
}

/**
 * The shell every labelled control shares: label, hint, error, then the control. `control`
 * receives the attributes that tie it to its label and messages.
 */
function Field(props: FieldProps & { control: (attrs: ControlAttrs) => JSX.Element }): JSX.Element {
  const id = fieldId(props.name);
  return (
    <div class={props.errors?.length ? "field has-error" : "field"}>
      <label for={id} safe>
        {props.label}
      </label>
      <FieldMessages name={props.name} errors={props.errors} hint={props.hint} />
      {props.control({
        id,
        name: props.name,
        required: props.required,
        "aria-invalid": props.errors?.length ? "true" : undefined,
        "aria-describedby": describedBy(props.name, props.errors, props.hint),
      })}
    </div>
  );
}

interface ControlAttrs {
  id: string;
  name: string;
  required?: boolean;
  "aria-invalid"?: string;
  "aria-describedby"?: string;
}

/** A labelled one-line text input. Values are escaped here, so views pass raw text. */
export function TextField(
  props: FieldProps & {
    type?: string;
    autocomplete?: string;
    maxlength?: number;
    inputmode?: string;
    /** Tag-name suggestions from /autocomplete/SUGGEST (public/autocomplete.js): "tag", "fandom", "character"... */
    suggest?: string;
  },
): JSX.Element {
  return (
    <Field
      {...props}
      control={(attrs) => (
        <input
          {...attrs}
          type={props.type ?? "text"}
          value={escapeHtml(props.value)}
          autocomplete={props.autocomplete}
          maxlength={props.maxlength}
          inputmode={props.inputmode}
          data-autocomplete={props.suggest}
        />
      )}
    />
  );
}

/** A labelled multi-line text box; its content survives any failed validation unchanged. */
export function TextArea(props: FieldProps & { rows?: number }): JSX.Element {
  // A leading newline keeps a value that starts with a newline intact: the HTML parser drops one.
  return <Field {...props} control={(attrs) => <textarea {...attrs} rows={String(props.rows ?? 6)}>{"\n" + escapeHtml(props.value)}</textarea>} />;
}

/** A labelled drop-down list. */
export function SelectField(props: FieldProps & { choices: Choice[] }): JSX.Element {
  return (
    <Field
      {...props}
      control={(attrs) => (
        <select {...attrs}>
          {props.choices.map((choice) => (
            <option value={escapeHtml(choice.value)} selected={choice.value === props.value} safe>
              {choice.label}
            </option>
          ))}
        </select>
      )}
    />
  );
}

export interface Choice {
  value: string;
  label: string;
}

/** A fieldset of checkboxes (or radio buttons) with a legend. */
export function ChoiceGroup(props: {
  name: string;
  legend: string;
  choices: Choice[];
  selected: string[];
  errors?: string[];
  hint?: string;
  type?: "checkbox" | "radio";
}): JSX.Element {
  return (
    <fieldset
      class={props.errors?.length ? "choices has-error" : "choices"}
      id={fieldId(props.name)}
      aria-describedby={describedBy(props.name, props.errors, props.hint)}
    >
      <legend safe>{props.legend}</legend>
      <FieldMessages name={props.name} errors={props.errors} hint={props.hint} />
      <ul>
        {props.choices.map((choice, i) => {
          const id = `${fieldId(props.name)}-${i}`;
          return (
            <li>
              <input
                type={props.type ?? "checkbox"}
                id={id}
                name={props.name}
                value={escapeHtml(choice.value)}
                checked={props.selected.includes(choice.value)}
              />{" "}
              <label for={id} safe>
                {choice.label}
              </label>
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}

/** Numbered page links for a listing; `href(n)` builds the URL of page n. */
export function Pagination({ page, pages, href }: { page: number; pages: number; href: (n: number) => string }): JSX.Element {
  if (pages <= 1) return "";
  const shown = new Set([1, 2, pages - 1, pages, page - 2, page - 1, page, page + 1, page + 2].filter((n) => n >= 1 && n <= pages));
  const numbers = [...shown].sort((a, b) => a - b);
  return (
    <nav aria-label={t("ui.pagination")}>
      <ol class="pagination actions" title={t("ui.pagination_2")}>
        {page > 1 ? (
          <li class="previous">
            <a safe href={href(page - 1)} rel="prev">{t("ui.previous")}</a>
          </li>
        ) : (
          ""
        )}
        {numbers.map((n, i) => (
          <>
            {i > 0 && numbers[i - 1] !== n - 1 ? <li class="gap">…</li> : ""}
            <li>{n === page ? <span class="current" aria-current="page">{n}</span> : <a href={href(n)}>{n}</a>}</li>
          </>
        ))}
        {page < pages ? (
          <li class="next">
            <a safe href={href(page + 1)} rel="next">{t("ui.next")}</a>
          </li>
        ) : (
          ""
        )}
      </ol>
    </nav>
  );
}

/**
 * Places trusted markup in a page unescaped: the only way a view emits markup it did not build
 * with JSX. It takes `TrustedHtml` only (sanitizer output, a sanitized column read back, or markup
 * built from escaped parts), so handing it a plain string fails to compile.
 */
export function rawHtml(html: TrustedHtml): JSX.Element {
  return html;
}

/** A date as the archive shows it: YYYY-MM-DD (what readers' tools parse). */
export function isoDate(value: string): string {
  return value.slice(0, 10);
}

/** The page's flash lines (what the last form did), announced politely; "" when there are none. */
export function FlashNotices({ lines }: { lines: string[] }): JSX.Element {
  if (lines.length === 0) return "";
  return (
    <div class="flash notice" role="status">
      {lines.map((line) => (
        <p safe>{line}</p>
      ))}
    </div>
  );
}

/** A confirmation page before something is deleted. */
export function ConfirmDeletePage({ what, action, cancelHref, csrf }: { what: string; action: string; cancelHref: string; csrf: string }): JSX.Element {
  return (
    <div class="confirm">
      <h2 safe class="heading">{t("works.are_you_sure")}</h2>
      <p safe>{t("ui.are_you_sure_you_want", { what })}</p>
      <form method="post" action={action}>
        <CsrfField csrf={csrf} />
        <p class="actions">
          <button safe type="submit">{t("works.yes_delete")}</button> <a safe href={cancelHref}>{t("works.cancel")}</a>
        </p>
      </form>
    </div>
  );
}
