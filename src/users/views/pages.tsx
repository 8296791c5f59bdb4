import { escapeHtml } from "@kitajs/html";
import { CsrfField, ErrorSummary, type FieldErrors, fieldId, isoDate, rawHtml, TextArea, TextField, FlashNotices } from "../../platform/http/components.js";
import { SIGNUP_BOXES } from "../schema.js";
import type { LoginEventsTable, LoginOutcome, PseudRow, UserRow } from "../../platform/db/tables.js";
import { pseudPath, userPath } from "../../model/paths.js";
import { PROFILE_MAX, PSEUD_DESCRIPTION_MAX } from "../commands.js";
import { t } from "../../platform/i18n/index.js";

export function LoginPage({ login, returnTo, errors, csrf, notice }: { login: string; returnTo: string; errors: FieldErrors; csrf: string; notice?: string }): JSX.Element {
  return (
    <>
      <h2 safe class="heading">{t("users.log_in")}</h2>
      {notice ? <p class="notice" safe>{notice}</p> : ""}
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

/** The log-out confirmation (GET /users/logout); its button posts the log-out. */
export function LogoutPage({ csrf }: { csrf: string }): JSX.Element {
  return (
    <>
      <h2 safe class="heading">{t("nav.logout")}</h2>
      <form method="post" action="/users/logout" id="logoutform">
        <CsrfField csrf={csrf} />
        <p safe>{t("users.logout_confirm")}</p>
        <p class="actions">
          <button safe type="submit">{t("users.logout_button")}</button>
        </p>
      </form>
    </>
  );
}

export function SignupPage(props: {
  values: { login: string; email: string; invitationCode: string; acceptedTos: boolean; acceptedPrivacy: boolean; ageConfirmed: boolean };
  needsInvitation: boolean;
  minimumAge: number;
  errors: FieldErrors;
  csrf: string;
}): JSX.Element {
  const { values, errors } = props;
  return (
    <>
      <h2 safe class="heading">{t("users.create_an_account")}</h2>
      <ErrorSummary errors={errors} />
      <form method="post" action="/signup" id="signup">
        <CsrfField csrf={props.csrf} />
        {props.needsInvitation ? <TextField name="invitation_code" label={t("users.invitation_code")} value={values.invitationCode} errors={errors.invitation_code} autocomplete="off" required /> : ""}
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
        <fieldset class="signup-terms">
          <legend safe>{t("users.signup.terms_legend")}</legend>
          <p>
            {escapeHtml(t("users.signup.terms_intro"))} <a safe href="/tos" target="_blank">{t("users.signup.tos_link")}</a> ·{" "}
            <a safe href="/privacy" target="_blank">{t("users.signup.privacy_link")}</a>
          </p>
          <SignupBox name={SIGNUP_BOXES.tos} label={t("users.signup.accept_tos")} checked={values.acceptedTos} errors={errors[SIGNUP_BOXES.tos]} />
          <SignupBox name={SIGNUP_BOXES.privacy} label={t("users.signup.accept_privacy")} checked={values.acceptedPrivacy} errors={errors[SIGNUP_BOXES.privacy]} />
          <SignupBox name={SIGNUP_BOXES.age} label={t("users.signup.age", { age: props.minimumAge })} checked={values.ageConfirmed} errors={errors[SIGNUP_BOXES.age]} />
        </fieldset>
        <p class="actions">
          <button safe type="submit">{t("users.create_account")}</button>
        </p>
      </form>
    </>
  );
}

/** One required box of the sign-up form, labelled, with its message when it was left unticked. */
function SignupBox({ name, label, checked, errors }: { name: string; label: string; checked: boolean; errors?: string[] }): JSX.Element {
  const id = fieldId(name);
  return (
    <div class={errors?.length ? "field checkbox has-error" : "field checkbox"}>
      {errors?.length ? (
        <p class="field-error" id={`${id}-error`}>
          <strong safe>{t("ui.error")}</strong> <span safe>{errors.join(" ")}</span>
        </p>
      ) : (
        ""
      )}
      <input type="checkbox" id={id} name={name} value="1" checked={checked} required aria-invalid={errors?.length ? "true" : undefined} aria-describedby={errors?.length ? `${id}-error` : undefined} />{" "}
      <label for={id} safe>
        {label}
      </label>
    </div>
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
      {user.profile ? (
        <section aria-labelledby="profile-about">
          <h3 id="profile-about" class="landmark heading" safe>{t("users.profile.about")}</h3>
          <blockquote class="userstuff">{rawHtml(user.profile)}</blockquote>
        </section>
      ) : (
        ""
      )}
      <dl class="meta">
        <dt safe>{t("users.joined")}</dt>
        <dd safe>{isoDate(user.created_at)}</dd>
        <dt safe>{t("users.pseuds")}</dt>
        <dd>
          <ul class="commas">
            {pseuds.map((p) => (
              <li>
                <a href={pseudPath(user.login, p.name)} safe>
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
        <li>
          <a safe href={`${base}/gifts`}>{t("gifts.profile_link")}</a>
        </li>
        {isSelf ? (
          <>
            <li>
              <a safe href={`${base}/creatorships`}>{t("cocreators.profile_link")}</a>
            </li>
            <li>
              <a safe href={`${base}/related_works`}>{t("related.profile_link")}</a>
            </li>
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
              <a safe href={`${base}/profile/edit`}>{t("users.profile.edit")}</a>
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
              <a safe href={`${base}/invitations`}>{t("invitations.user.heading")}</a>
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
      <section aria-labelledby="leaving">
        <h3 class="heading" id="leaving" safe>{t("leaving.account.heading")}</h3>
        <ul>
          <li>
            <a safe href={`${base}/takeout`}>{t("leaving.account.takeout")}</a>
          </li>
          <li>
            <a safe href="/orphans/new">{t("leaving.account.orphan")}</a>
          </li>
          <li>
            <a safe href={`${base}/delete`}>{t("leaving.account.delete")}</a>
          </li>
        </ul>
      </section>
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

/** What the pseud form shows: as typed, or as stored. */
export interface PseudFormValues {
  name: string;
  description: string;
  makeDefault: boolean;
}

/** The form of a new pseud and of a pseud's edit page (AO3's: name, description, default). */
function PseudForm({ action, values, isDefault, errors, csrf, submit }: { action: string; values: PseudFormValues; isDefault: boolean; errors: FieldErrors; csrf: string; submit: string }): JSX.Element {
  return (
    <form method="post" action={action}>
      <CsrfField csrf={csrf} />
      <TextField name="pseud[name]" label={t("users.name")} value={values.name} errors={errors["pseud[name]"]} hint={t("users.1_to_40_letters_numbers")} required maxlength={40} />
      {isDefault ? (
        <p safe>{t("users.pseud.is_default")}</p>
      ) : (
        <p>
          <input type="checkbox" id="pseud-is-default" name="pseud[is_default]" value="1" checked={values.makeDefault} /> <label safe for="pseud-is-default">{t("users.pseud.make_default")}</label>
        </p>
      )}
      <TextArea name="pseud[description]" label={t("users.description")} value={values.description} errors={errors["pseud[description]"]} hint={t("users.html_hint", { max: PSEUD_DESCRIPTION_MAX })} rows={4} />
      <p class="actions">
        <button safe type="submit">{submit}</button>
      </p>
    </form>
  );
}

export function NewPseudPage({ login, values, errors, csrf }: { login: string; values: PseudFormValues; errors: FieldErrors; csrf: string }): JSX.Element {
  return (
    <>
      <h2 safe class="heading">{t("users.new_pseud")}</h2>
      <ErrorSummary errors={errors} />
      <PseudForm action={`${userPath(login)}/pseuds`} values={values} isDefault={false} errors={errors} csrf={csrf} submit={t("users.create_pseud")} />
    </>
  );
}

export function EditPseudPage({ login, pseud, values, errors, csrf }: { login: string; pseud: PseudRow; values: PseudFormValues; errors: FieldErrors; csrf: string }): JSX.Element {
  return (
    <>
      <h2 safe class="heading">{t("users.pseud.edit_heading", { name: pseud.name })}</h2>
      <ErrorSummary errors={errors} />
      <PseudForm action={pseudPath(login, pseud.name)} values={values} isDefault={pseud.is_default === 1} errors={errors} csrf={csrf} submit={t("users.pseud.update")} />
      {pseud.is_default === 1 ? (
        ""
      ) : (
        <p>
          <a safe href={`${pseudPath(login, pseud.name)}/confirm_delete`}>{t("users.pseud.delete")}</a>
        </p>
      )}
    </>
  );
}

/** Confirms a pseud's deletion, saying where its works go; the default pseud gets an explanation instead. */
export function DeletePseudPage({ login, pseud, fallback, csrf }: { login: string; pseud: PseudRow; fallback: string; csrf: string }): JSX.Element {
  if (pseud.is_default === 1) {
    return (
      <>
        <h2 safe class="heading">{t("users.pseud.delete")}</h2>
        <p safe>{t("users.pseud.default_cannot_be_deleted")}</p>
        <p>
          <a safe href={pseudPath(login, pseud.name)}>{t("works.cancel")}</a>
        </p>
      </>
    );
  }
  return (
    <div class="confirm">
      <h2 safe class="heading">{t("works.are_you_sure")}</h2>
      <p safe>{t("users.pseud.delete_explained", { name: pseud.name, fallback })}</p>
      <form method="post" action={`${pseudPath(login, pseud.name)}/delete`}>
        <CsrfField csrf={csrf} />
        <p class="actions">
          <button safe type="submit">{t("works.yes_delete")}</button> <a safe href={pseudPath(login, pseud.name)}>{t("works.cancel")}</a>
        </p>
      </form>
    </div>
  );
}

/** A pseud's own page: its name, description and works, as AO3's pseud dashboard shows them. */
export function PseudPage({ login, pseud, isSelf, notices }: { login: string; pseud: PseudRow; isSelf: boolean; notices: string[] }): JSX.Element {
  const base = pseudPath(login, pseud.name);
  return (
    <>
      <h2 class="heading" safe>
        {pseud.name === login ? login : t("users.pseud.heading", { name: pseud.name, login })}
      </h2>
      <FlashNotices lines={notices} />
      {pseud.description ? (
        <section aria-labelledby="pseud-description">
          <h3 id="pseud-description" class="landmark heading" safe>{t("users.description")}</h3>
          <blockquote class="userstuff">{rawHtml(pseud.description)}</blockquote>
        </section>
      ) : (
        ""
      )}
      <ul class="navigation actions">
        <li>
          <a safe href={`${base}/works`}>{t("nav.works")}</a>
        </li>
        <li>
          <a safe href={userPath(login)}>{t("users.pseud.profile_link")}</a>
        </li>
        {isSelf ? (
          <>
            <li>
              <a safe href={`${base}/edit`}>{t("users.pseud.edit")}</a>
            </li>
            {pseud.is_default === 1 ? (
              ""
            ) : (
              <li>
                <a safe href={`${base}/confirm_delete`}>{t("users.pseud.delete")}</a>
              </li>
            )}
          </>
        ) : (
          ""
        )}
      </ul>
    </>
  );
}

/** The profile text form ("About me"). */
export function EditProfilePage({ login, profile, errors, csrf }: { login: string; profile: string; errors: FieldErrors; csrf: string }): JSX.Element {
  return (
    <>
      <h2 safe class="heading">{t("users.profile.edit")}</h2>
      <ErrorSummary errors={errors} />
      <form method="post" action={`${userPath(login)}/profile`}>
        <CsrfField csrf={csrf} />
        <TextArea name="user[profile]" label={t("users.profile.about")} value={profile} errors={errors["user[profile]"]} hint={t("users.html_hint", { max: PROFILE_MAX })} rows={10} />
        <p class="actions">
          <button safe type="submit">{t("users.profile.update")}</button>
        </p>
      </form>
    </>
  );
}
