import { escapeHtml } from "@kitajs/html";
import { CsrfField, ErrorSummary, type FieldErrors, TextField } from "../../platform/http/components.js";
import { t } from "../../platform/i18n/index.js";

/** GET /claim/:token while the link works: set a password and take the account. */
export function ClaimPage({ action, login, errors, csrf }: { action: string; login: string; errors: FieldErrors; csrf: string }): JSX.Element {
  return (
    <>
      <h2 safe class="heading">{t("users.claim.heading")}</h2>
      <p safe>{t("users.claim.intro", { login, site: t("site.name") })}</p>
      <ErrorSummary errors={errors} />
      <form method="post" action={action} id="claimform">
        <CsrfField csrf={csrf} />
        {/* For password managers: the account the new password belongs to. */}
        <input type="hidden" name="user[login]" value={escapeHtml(login)} autocomplete="username" />
        <TextField name="user[password]" label={t("users.new_password")} type="password" value="" errors={errors["user[password]"]} autocomplete="new-password" required />
        <TextField name="user[password_confirmation]" label={t("users.confirm_new_password")} type="password" value="" autocomplete="new-password" required />
        <p class="actions">
          <button safe type="submit">{t("users.claim.submit")}</button>
        </p>
      </form>
    </>
  );
}

/** A claim link that is used, expired, for an account already taken, or unknown. */
export function SpentClaimPage(): JSX.Element {
  return (
    <>
      <h2 safe class="heading">{t("users.claim.spent_heading")}</h2>
      <p safe>{t("users.claim.spent")}</p>
      <p>
        <a safe href="/users/login">{t("users.log_in")}</a>
      </p>
    </>
  );
}
