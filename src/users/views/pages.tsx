import { escapeHtml } from "@kitajs/html";
import { CsrfField, ErrorSummary, type FieldErrors, isoDate, TextArea, TextField, FlashNotices } from "../../platform/http/components.js";
import type { LoginEventsTable, LoginOutcome, PseudRow, UserRow } from "../../platform/db/tables.js";
import { t } from "../../platform/i18n/index.js";

export function LoginPage({ login, returnTo, errors, csrf }: { login: string; returnTo: string; errors: FieldErrors; csrf: string }): JSX.Element {
  return (
    <>
      <h2 safe class="heading">{t("users.log_in")}</h2>
      <ErrorSummary errors={errors} />
      <form method="post" action="/users/login" id="loginform">
        <CsrfField csrf={csrf} />
        <input type="hidden" name="return_to" value={returnTo} />
        <TextField name="user[login]" label={t("users.user_name")} value={login} autocomplete="username" required />
        <TextField name="user[password]" label={t("admin.password")} type="password" value="" autocomplete="current-password" required />
        <p class="actions">
          <button safe type="submit" name="commit" value="Log in">{t("users.log_in")}</button>
        </p>
      </form>
      <p>{escapeHtml(t("users.no_account_yet"))}{" "}<a safe href="/signup">{t("nav.signup")}</a>.
      </p>
    </>
  );
}

export function SignupPage(props: { values: { login: string; email: string; invitationCode: string }; needsInvitation: boolean; errors: FieldErrors; csrf: string }): JSX.Element {
  const { values, errors } = props;
  return (
    <>
      <h2 safe class="heading">{t("users.create_an_account")}</h2>
      <ErrorSummary errors={errors} />
      <form method="post" action="/signup" id="signup">
        <CsrfField csrf={props.csrf} />
        {props.needsInvitation ? <TextField name="invitation_code" label={t("users.invitation_code")} value={values.invitationCode} errors={errors.invitation_code} required /> : ""}
        <TextField
          name="user[login]"
          label={t("users.user_name")}
          value={values.login}
          errors={errors["user[login]"]}
          hint={t("users.3_to_40_letters_numbers")}
          autocomplete="username"
          required
        />
        <TextField name="user[email]" label={t("admin.email")} type="email" value={values.email} errors={errors["user[email]"]} autocomplete="email" required />
        <TextField name="user[password]" label={t("admin.password")} type="password" value="" errors={errors["user[password]"]} hint={t("admin.8_to_72_characters")} autocomplete="new-password" required />
        <TextField name="user[password_confirmation]" label={t("admin.confirm_password")} type="password" value="" autocomplete="new-password" required />
        <p class="actions">
          <button safe type="submit">{t("users.create_account")}</button>
        </p>
      </form>
    </>
  );
}

export function SignupClosedPage(): JSX.Element {
  return (
    <>
      <h2 safe class="heading">{t("users.sign_ups_are_closed")}</h2>
      <p safe>{t("users.this_archive_is_not_taking")}</p>
    </>
  );
}

/**
 * A user's profile. `actions` holds other capabilities' forms for this user (Subscribe, Block,
 * Mute); `notices` the flash lines those forms leave.
 */
export function ProfilePage({ user, pseuds, isSelf, actions, notices }: { user: UserRow; pseuds: PseudRow[]; isSelf: boolean; actions: JSX.Element; notices: string[] }): JSX.Element {
  const base = `/users/${encodeURIComponent(user.login)}`;
  return (
    <>
      <h2 class="heading" safe>
        {user.login}
      </h2>
      <FlashNotices lines={notices} />
      {actions ? <div class="user-actions">{actions}</div> : ""}
      <dl class="meta">
        <dt safe>{t("users.joined")}</dt>
        <dd safe>{isoDate(user.created_at)}</dd>
        <dt safe>{t("users.pseuds")}</dt>
        <dd>
          <ul class="commas">
            {pseuds.map((p) => (
              <li>
                <a href={`${base}/pseuds/${encodeURIComponent(p.name)}/works`} safe>
                  {p.name}
                </a>
              </li>
            ))}
          </ul>
        </dd>
      </dl>
      <ul class="navigation actions">
        <li>
          <a safe href={`${base}/works`}>{t("nav.works")}</a>
        </li>
        {isSelf ? (
          <>
            <li>
              <a safe href={`${base}/works/drafts`}>{t("users.drafts")}</a>
            </li>
            <li>
              <a safe href={`${base}/readings`}>{t("users.history")}</a>
            </li>
            <li>
              <a safe href={`${base}/readings?show=to-read`}>{t("users.marked_for_later")}</a>
            </li>
            <li>
              <a safe href={`${base}/inbox`}>{t("users.inbox")}</a>
            </li>
            <li>
              <a safe href={`${base}/stats`}>{t("users.stats")}</a>
            </li>
            <li>
              <a safe href={`${base}/pseuds/new`}>{t("users.new_pseud")}</a>
            </li>
            <li>
              <a safe href={`${base}/subscriptions`}>{t("users.subscriptions")}</a>
            </li>
            <li>
              <a safe href={`${base}/blocked`}>{t("blocking.block.heading")}</a>
            </li>
            <li>
              <a safe href={`${base}/muted`}>{t("blocking.mute.heading")}</a>
            </li>
            <li>
              <a safe href={`${base}/edit`}>{t("users.account_settings")}</a>
            </li>
          </>
        ) : (
          ""
        )}
      </ul>
    </>
  );
}

type LoginEvent = Pick<LoginEventsTable, "at" | "address" | "user_agent" | "outcome">;

export function AccountPage(props: { user: UserRow; errors: FieldErrors; email: string; notice?: string; logins: LoginEvent[]; twoFactorOn: boolean; csrf: string }): JSX.Element {
  const base = `/users/${encodeURIComponent(props.user.login)}`;
  const { errors } = props;
  return (
    <>
      <h2 safe class="heading">{t("users.account_settings")}</h2>
      {props.notice ? (
        <p class="flash notice" role="status" safe>
          {props.notice}
        </p>
      ) : (
        ""
      )}
      <ErrorSummary errors={errors} />
      <p>
        <a safe href={`${base}/api_tokens`}>{t("users.personal_access_tokens")}</a>{" "}{escapeHtml(t("users.for_the_api_and_e"))}</p>
      <p>
        <a safe href={`${base}/two_factor`}>{t("users.two_factor.title")}</a>{" "}
        <span safe>{props.twoFactorOn ? t("users.two_factor.is_on") : t("users.two_factor.is_off")}</span>
      </p>
      <form method="post" action={`${base}/password`}>
        <CsrfField csrf={props.csrf} />
        <fieldset>
          <legend safe>{t("users.change_password")}</legend>
          <TextField name="current_password" label={t("users.current_password")} type="password" value="" errors={errors.current_password} autocomplete="current-password" />
          <TextField name="user[password]" label={t("users.new_password")} type="password" value="" errors={errors["user[password]"]} autocomplete="new-password" />
          <TextField name="user[password_confirmation]" label={t("users.confirm_new_password")} type="password" value="" autocomplete="new-password" />
          <p class="actions">
            <button safe type="submit">{t("users.change_password_2")}</button>
          </p>
        </fieldset>
      </form>
      <form method="post" action={`${base}/email`}>
        <CsrfField csrf={props.csrf} />
        <fieldset>
          <legend safe>{t("users.change_email")}</legend>
          <TextField name="user[email]" label={t("users.new_email")} type="email" value={props.email} errors={errors["user[email]"]} autocomplete="email" />
          <TextField name="email_password" label={t("admin.password")} type="password" value="" errors={errors.email_password} autocomplete="current-password" />
          <p class="actions">
            <button safe type="submit">{t("users.change_email_2")}</button>
          </p>
        </fieldset>
      </form>
      <LoginLog logins={props.logins} />
    </>
  );
}

const outcomeLabel = (outcome: LoginOutcome): string =>
  ({
    success: t("users.login_log.success"),
    password_ok: t("users.login_log.password_ok"),
    wrong_password: t("users.login_log.wrong_password"),
    wrong_code: t("users.login_log.wrong_code"),
    too_soon: t("users.login_log.too_soon"),
    locked: t("users.login_log.locked"),
  })[outcome];

/** The account's recent log-in attempts, newest first, so its owner can spot someone else's. */
function LoginLog({ logins }: { logins: LoginEvent[] }): JSX.Element {
  return (
    <section aria-labelledby="login-log">
      <h3 class="heading" id="login-log" safe>{t("users.login_log.heading")}</h3>
      {logins.length === 0 ? (
        <p safe>{t("users.login_log.none")}</p>
      ) : (
        <table class="login-log">
          <caption safe>{t("users.login_log.caption")}</caption>
          <thead>
            <tr>
              <th scope="col" safe>{t("users.login_log.time")}</th>
              <th scope="col" safe>{t("users.login_log.address")}</th>
              <th scope="col" safe>{t("users.login_log.agent")}</th>
              <th scope="col" safe>{t("users.login_log.outcome")}</th>
            </tr>
          </thead>
          <tbody>
            {logins.map((event) => (
              <tr>
                <td>
                  <time datetime={event.at} safe>{t("users.login_log.at", { date: event.at.slice(0, 10), time: event.at.slice(11, 19) })}</time>
                </td>
                <td safe>{event.address}</td>
                <td safe>{event.user_agent || t("users.login_log.no_agent")}</td>
                <td safe>{outcomeLabel(event.outcome)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The log-in's second step: a code from the authenticator app, or a recovery code. */
export function SecondFactorStepPage({ returnTo, errors, csrf }: { returnTo: string; errors: FieldErrors; csrf: string }): JSX.Element {
  return (
    <>
      <h2 safe class="heading">{t("users.two_factor.step_title")}</h2>
      <ErrorSummary errors={errors} />
      <form method="post" action="/users/login/two_factor" id="two-factor-form">
        <CsrfField csrf={csrf} />
        <input type="hidden" name="return_to" value={returnTo} />
        <TextField name="code" label={t("users.two_factor.code")} value="" errors={errors.code} hint={t("users.two_factor.step_hint")} autocomplete="one-time-code" required maxlength={20} />
        <p class="actions">
          <button safe type="submit">{t("users.two_factor.verify")}</button>
        </p>
      </form>
    </>
  );
}

export type TwoFactorState = { kind: "off" } | { kind: "pending"; secret: string; uri: string } | { kind: "on"; codesLeft: number };

/** Set-up and management of two-factor authentication on the user's own account. */
export function TwoFactorPage({ login, state, notices, errors, csrf }: { login: string; state: TwoFactorState; notices: string[]; errors: FieldErrors; csrf: string }): JSX.Element {
  const base = `/users/${encodeURIComponent(login)}/two_factor`;
  return (
    <>
      <h2 safe class="heading">{t("users.two_factor.title")}</h2>
      <FlashNotices lines={notices} />
      <ErrorSummary errors={errors} />
      <p safe>{t("users.two_factor.what")}</p>
      {state.kind === "off" ? (
        <form method="post" action={`${base}/setup`}>
          <CsrfField csrf={csrf} />
          <p class="actions">
            <button safe type="submit">{t("users.two_factor.set_up")}</button>
          </p>
        </form>
      ) : state.kind === "pending" ? (
        <>
          <h3 safe class="heading">{t("users.two_factor.add_to_app")}</h3>
          <p safe>{t("users.two_factor.add_to_app_how")}</p>
          <dl class="meta">
            <dt safe>{t("users.two_factor.secret")}</dt>
            <dd>
              <code safe>{spaced(state.secret)}</code>
            </dd>
            <dt safe>{t("users.two_factor.uri")}</dt>
            <dd>
              <code class="wrap" safe>{state.uri}</code>
            </dd>
          </dl>
          <form method="post" action={`${base}/enable`}>
            <CsrfField csrf={csrf} />
            <TextField name="code" label={t("users.two_factor.code_from_app")} value="" errors={errors.code} hint={t("users.two_factor.confirm_hint")} autocomplete="one-time-code" inputmode="numeric" required maxlength={20} />
            <p class="actions">
              <button safe type="submit">{t("users.two_factor.turn_on")}</button>
            </p>
          </form>
          <form method="post" action={`${base}/setup`}>
            <CsrfField csrf={csrf} />
            <p class="actions">
              <button safe type="submit">{t("users.two_factor.new_secret")}</button>
            </p>
          </form>
        </>
      ) : (
        <>
          <p safe>{t("users.two_factor.is_on_since")}</p>
          <p safe>{t(state.codesLeft === 1 ? "users.two_factor.codes_left.one" : "users.two_factor.codes_left.other", { count: state.codesLeft })}</p>
          <form method="post" action={`${base}/recovery_codes`}>
            <CsrfField csrf={csrf} />
            <fieldset>
              <legend safe>{t("users.two_factor.new_codes")}</legend>
              <TextField name="password" label={t("admin.password")} type="password" value="" errors={errors.password} autocomplete="current-password" required />
              <TextField name="code" label={t("users.two_factor.code")} value="" errors={errors.code} autocomplete="one-time-code" required maxlength={20} />
              <p class="actions">
                <button safe type="submit">{t("users.two_factor.make_new_codes")}</button>
              </p>
            </fieldset>
          </form>
          <form method="post" action={`${base}/disable`}>
            <CsrfField csrf={csrf} />
            <fieldset>
              <legend safe>{t("users.two_factor.turn_off")}</legend>
              <TextField name="disable[password]" label={t("admin.password")} type="password" value="" errors={errors["disable[password]"]} autocomplete="current-password" required />
              <TextField name="disable[code]" label={t("users.two_factor.code")} value="" errors={errors["disable[code]"]} autocomplete="one-time-code" required maxlength={20} />
              <p class="actions">
                <button safe type="submit">{t("users.two_factor.turn_off")}</button>
              </p>
            </fieldset>
          </form>
        </>
      )}
      <p>
        <a safe href={`/users/${encodeURIComponent(login)}/edit`}>{t("users.account_settings")}</a>
      </p>
    </>
  );
}

/** Groups of four, as authenticator apps show secrets and people type them. */
function spaced(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, "$1 ");
}

/** Recovery codes, shown once. */
export function RecoveryCodesPage({ login, codes, justEnabled }: { login: string; codes: string[]; justEnabled: boolean }): JSX.Element {
  return (
    <>
      <h2 safe class="heading">{t("users.two_factor.recovery_codes")}</h2>
      {justEnabled ? (
        <p class="flash notice" role="status" safe>
          {t("users.two_factor.turned_on")}
        </p>
      ) : (
        ""
      )}
      <p safe>{t("users.two_factor.codes_once")}</p>
      <ul class="recovery-codes">
        {codes.map((code) => (
          <li>
            <code safe>{code}</code>
          </li>
        ))}
      </ul>
      <p>
        <a safe href={`/users/${encodeURIComponent(login)}/two_factor`}>{t("users.two_factor.title")}</a>
      </p>
    </>
  );
}

export function NewPseudPage({ login, name, description, errors, csrf }: { login: string; name: string; description: string; errors: FieldErrors; csrf: string }): JSX.Element {
  return (
    <>
      <h2 safe class="heading">{t("users.new_pseud")}</h2>
      <ErrorSummary errors={errors} />
      <form method="post" action={`/users/${encodeURIComponent(login)}/pseuds`}>
        <CsrfField csrf={csrf} />
        <TextField name="pseud[name]" label={t("users.name")} value={name} errors={errors["pseud[name]"]} hint={t("users.1_to_40_letters_numbers")} required maxlength={40} />
        <TextArea name="pseud[description]" label={t("users.description")} value={description} errors={errors["pseud[description]"]} rows={3} />
        <p class="actions">
          <button safe type="submit">{t("users.create_pseud")}</button>
        </p>
      </form>
    </>
  );
}
