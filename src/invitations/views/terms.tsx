import { escapeHtml } from "@kitajs/html";
import { ChoiceGroup, CsrfField, ErrorSummary, type FieldErrors, FlashNotices, isoDate, rawHtml, TextArea, TextField } from "../../platform/http/components.js";
import type { TrustedHtml } from "../../platform/html/trusted-html.js";
import { t } from "../../platform/i18n/index.js";
import type { Terms } from "../terms.js";

function VersionLine({ terms }: { terms: Terms }): JSX.Element {
  return terms.publishedAt ? <p class="terms-version" safe>{t("terms.version_line", { version: terms.version, date: isoDate(terms.publishedAt) })}</p> : "";
}

/** /tos or /privacy: one document of the terms, as the admins wrote it (sanitized). */
export function TermsDocumentPage({ heading, terms, text }: { heading: string; terms: Terms; text: TrustedHtml }): JSX.Element {
  return (
    <>
      <h2 safe class="heading">{heading}</h2>
      <VersionLine terms={terms} />
      <div class="userstuff terms">{rawHtml(text)}</div>
    </>
  );
}

export const ACCEPT_FIELD = "terms[accept]";

/** /terms/accept: the new terms in full, and the form that accepts them. */
export function AcceptTermsPage(props: { terms: Terms; returnTo: string; errors: FieldErrors; notice?: string; csrf: string }): JSX.Element {
  const { terms } = props;
  return (
    <>
      <h2 safe class="heading">{t("terms.accept.heading")}</h2>
      {props.notice ? <FlashNotices lines={[props.notice]} /> : ""}
      <p safe>{t("terms.accept.intro", { site: t("site.name") })}</p>
      <VersionLine terms={terms} />
      <section aria-labelledby="accept-tos-heading">
        <h3 safe class="heading" id="accept-tos-heading">{t("terms.tos")}</h3>
        <div class="userstuff terms">{rawHtml(terms.tos)}</div>
      </section>
      <section aria-labelledby="accept-privacy-heading">
        <h3 safe class="heading" id="accept-privacy-heading">{t("terms.privacy")}</h3>
        <div class="userstuff terms">{rawHtml(terms.privacy)}</div>
      </section>
      <ErrorSummary errors={props.errors} />
      <form method="post" action="/terms/accept">
        <CsrfField csrf={props.csrf} />
        <input type="hidden" name="terms[version]" value={String(terms.version)} />
        <input type="hidden" name="return_to" value={props.returnTo} />
        <ChoiceGroup name={ACCEPT_FIELD} legend={t("terms.accept.legend")} choices={[{ value: "1", label: t("terms.accept.checkbox") }]} selected={[]} errors={props.errors[ACCEPT_FIELD]} />
        <p class="actions">
          <button safe type="submit">{t("terms.accept.button")}</button>
        </p>
      </form>
      <p>
        {escapeHtml(t("terms.accept.or"))} <a safe href="/users/logout">{t("nav.logout")}</a>
      </p>
    </>
  );
}

export interface AdminTermsProps {
  terms: Terms;
  accepted: number;
  form: { tos: string; privacy: string };
  minimumAge: string;
  errors: FieldErrors;
  notices: string[];
  csrf: string;
}

/** /admin/terms: publish a new version of the terms, and the minimum age to sign up. */
export function AdminTermsPage(props: AdminTermsProps): JSX.Element {
  const { terms, errors } = props;
  return (
    <>
      <h2 safe class="heading">{t("terms.admin.heading")}</h2>
      <FlashNotices lines={props.notices} />
      <ErrorSummary errors={errors} />
      <p safe>{terms.publishedAt ? t("terms.admin.current", { version: terms.version, date: isoDate(terms.publishedAt), count: props.accepted }) : t("terms.admin.none_yet")}</p>
      <p>
        <a safe href="/tos">{t("terms.tos")}</a> · <a safe href="/privacy">{t("terms.privacy")}</a>
      </p>
      <form method="post" action="/admin/terms">
        <CsrfField csrf={props.csrf} />
        <TextArea name="terms[tos]" label={t("terms.tos")} value={props.form.tos} errors={errors["terms[tos]"]} hint={t("terms.admin.html_hint")} rows={16} required />
        <TextArea name="terms[privacy]" label={t("terms.privacy")} value={props.form.privacy} errors={errors["terms[privacy]"]} hint={t("terms.admin.html_hint")} rows={16} required />
        <p safe class="hint">{t("terms.admin.publish_hint")}</p>
        <p class="actions">
          <button safe type="submit">{t("terms.admin.publish")}</button>
        </p>
      </form>
      <form method="post" action="/admin/terms/minimum_age">
        <CsrfField csrf={props.csrf} />
        <TextField name="terms[minimum_age]" label={t("terms.admin.minimum_age")} inputmode="numeric" value={props.minimumAge} errors={errors["terms[minimum_age]"]} hint={t("terms.admin.minimum_age_hint")} required />
        <p class="actions">
          <button safe type="submit">{t("terms.admin.save_age")}</button>
        </p>
      </form>
    </>
  );
}
