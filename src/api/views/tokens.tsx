import { ChoiceGroup, CsrfField, ErrorSummary, type FieldErrors, isoDate, TextField } from "../../platform/http/components.js";
import type { ApiTokenRow } from "../../platform/db/tables.js";
import { TOKEN_SCOPES } from "../policy.js";
import { tokensPath } from "./paths.js";

const SCOPE_LABELS: Record<string, string> = {
  read: "Read: works, chapters, tags, users, bookmarks, listings and search, registered-only works included",
  write: "Write: all of read, and posting and editing works and chapters, kudos and bookmarks",
};

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
      <h2 class="heading">Personal access tokens</h2>
      <p>
        A token lets a program use the <a href="/api">JSON API</a> and the <a href="/opds">OPDS catalog</a> as you. Send it as{" "}
        <code>Authorization: Bearer TOKEN</code>. Treat it like a password: anyone holding it can act as you within its scope.
      </p>
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
            <strong safe>{`Your new token “${props.created.name}”:`}</strong>
          </p>
          <p>
            <code class="token" safe>
              {props.created.token}
            </code>
          </p>
          <p>Copy it now: it is shown only this once, and the archive keeps only a fingerprint of it.</p>
        </div>
      ) : (
        ""
      )}
      <h3 class="heading">Your tokens</h3>
      {props.tokens.length === 0 ? (
        <p>You have no tokens.</p>
      ) : (
        <table class="tokens">
          <caption>Your personal access tokens</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Scope</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {props.tokens.map((token) => (
              <tr>
                <th scope="row" safe>
                  {token.name}
                </th>
                <td safe>{token.scope}</td>
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
                    "Never"
                  )}
                </td>
                <td>
                  <a href={`${base}/${token.id}/confirm_revoke`} aria-label={`Revoke ${token.name}`}>
                    Revoke
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3 class="heading">New token</h3>
      <ErrorSummary errors={props.errors} />
      <form method="post" action={base}>
        <CsrfField csrf={props.csrf} />
        <TextField name="token[name]" label="Name" value={props.values.name} errors={props.errors["token[name]"]} hint="What the token is for, such as the program that uses it." required maxlength={100} />
        <ChoiceGroup
          name="token[scope]"
          legend="Scope"
          type="radio"
          choices={TOKEN_SCOPES.map((scope) => ({ value: scope, label: SCOPE_LABELS[scope]! }))}
          selected={[props.values.scope]}
          errors={props.errors["token[scope]"]}
        />
        <p class="actions">
          <button type="submit">Create Token</button>
        </p>
      </form>
    </>
  );
}

/** Asks before revoking: a program using the token stops working at once. */
export function ConfirmRevokePage({ login, token, csrf }: { login: string; token: ApiTokenRow; csrf: string }): JSX.Element {
  return (
    <div class="confirm">
      <h2 class="heading">Are you sure?</h2>
      <p safe>{`Revoke the token “${token.name}”? Programs using it will stop working at once. This cannot be undone.`}</p>
      <form method="post" action={`${tokensPath(login)}/${token.id}/revoke`}>
        <CsrfField csrf={csrf} />
        <p class="actions">
          <button type="submit">Yes, Revoke</button> <a href={tokensPath(login)}>Cancel</a>
        </p>
      </form>
    </div>
  );
}
