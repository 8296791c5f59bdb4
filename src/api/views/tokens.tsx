import { escapeHtml } from "@kitajs/html";
import { ChoiceGroup, CsrfField, ErrorSummary, type FieldErrors, isoDate, TextField } from "../../platform/http/components.js";
import type { ApiTokenRow } from "../../platform/db/tables.js";
import { TOKEN_SCOPES } from "../policy.js";
import { tokensPath } from "./paths.js";
import { t } from "../../platform/i18n/index.js";

const scopeLabels = (): Record<string, string> => ({
  read: t("api.read_works_chapters_tags_users"),
  write: t("api.write_all_of_read_and"),
});

export interface TokenFormValues {
  name: string;
  scope: string;
}

/** The personal access tokens page: the new token (once), the user's tokens, the form for another. */
export function TokensPage(props: {
  login: string;
  tokens: ApiTokenRow[];
  values: TokenFormValues;
  errors: FieldErrors;
  created?: { name: string; token: string };
  notice?: string;
  csrf: string;
}): JSX.Element {
  const base = tokensPath(props.login);
  return (
    <>
      <h2 safe class="heading">{t("users.personal_access_tokens")}</h2>
      <p>{escapeHtml(t("api.a_token_lets_a_program"))}{" "}<a safe href="/api">{t("api.json_api")}</a>{" "}{escapeHtml(t("api.and_the"))}{" "}<a safe href="/opds">{t("api.opds_catalog")}</a>{" "}{escapeHtml(t("api.as_you_send_it_as"))}{" "}
        <code safe>{t("api.authorization_bearer_token")}</code>{escapeHtml(t("api.treat_it_like_a_password"))}</p>
      {props.notice ? (
        <p class="flash notice" role="status" safe>
          {props.notice}
        </p>
      ) : (
        ""
      )}
      {props.created ? (
        <div class="flash notice" role="status">
          <p>
            <strong safe>{t("api.your_new_token_name", { name: props.created.name })}</strong>
          </p>
          <p>
            <code class="token" safe>
              {props.created.token}
            </code>
          </p>
          <p safe>{t("api.copy_it_now_it_is")}</p>
        </div>
      ) : (
        ""
      )}
      <h3 safe class="heading">{t("api.your_tokens")}</h3>
      {props.tokens.length === 0 ? (
        <p safe>{t("api.you_have_no_tokens")}</p>
      ) : (
        <table class="tokens">
          <caption safe>{t("api.your_personal_access_tokens")}</caption>
          <thead>
            <tr>
              <th safe scope="col">{t("users.name")}</th>
              <th safe scope="col">{t("api.scope")}</th>
              <th safe scope="col">{t("admin.created")}</th>
              <th safe scope="col">{t("api.last_used")}</th>
              <th safe scope="col">{t("blocking.actions_2")}</th>
            </tr>
          </thead>
          <tbody>
            {props.tokens.map((token) => (
              <tr>
                <th scope="row" safe>
                  {token.name}
                </th>
                <td safe>{token.scope === "write" ? t("api.scope.write") : t("api.scope.read")}</td>
                <td>
                  <time datetime={token.created_at} safe>
                    {isoDate(token.created_at)}
                  </time>
                </td>
                <td>
                  {token.last_used_at ? (
                    <time datetime={token.last_used_at} safe>
                      {isoDate(token.last_used_at)}
                    </time>
                  ) : (
                    escapeHtml(t("api.never"))
                  )}
                </td>
                <td>
                  <a safe href={`${base}/${token.id}/confirm_revoke`} aria-label={t("api.revoke_name", { name: token.name })}>{t("api.revoke")}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3 safe class="heading">{t("api.new_token")}</h3>
      <ErrorSummary errors={props.errors} />
      <form method="post" action={base}>
        <CsrfField csrf={props.csrf} />
        <TextField name="token[name]" label={t("users.name")} value={props.values.name} errors={props.errors["token[name]"]} hint={t("api.what_the_token_is_for")} required maxlength={100} />
        <ChoiceGroup
          name="token[scope]"
          legend={t("api.scope")}
          type="radio"
          choices={TOKEN_SCOPES.map((scope) => ({ value: scope, label: scopeLabels()[scope]! }))}
          selected={[props.values.scope]}
          errors={props.errors["token[scope]"]}
        />
        <p class="actions">
          <button safe type="submit">{t("api.create_token")}</button>
        </p>
      </form>
    </>
  );
}

/** Asks before revoking: a program using the token stops working at once. */
export function ConfirmRevokePage({ login, token, csrf }: { login: string; token: ApiTokenRow; csrf: string }): JSX.Element {
  return (
    <div class="confirm">
      <h2 safe class="heading">{t("works.are_you_sure")}</h2>
      <p safe>{t("api.revoke_the_token_name_programs", { name: token.name })}</p>
      <form method="post" action={`${tokensPath(login)}/${token.id}/revoke`}>
        <CsrfField csrf={csrf} />
        <p class="actions">
          <button safe type="submit">{t("api.yes_revoke")}</button> <a safe href={tokensPath(login)}>{t("works.cancel")}</a>
        </p>
      </form>
    </div>
  );
}
