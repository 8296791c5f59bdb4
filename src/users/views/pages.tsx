import { CsrfField, ErrorSummary, type FieldErrors, isoDate, TextArea, TextField, FlashNotices } from "../../platform/http/components.js";
import type { PseudRow, UserRow } from "../../platform/db/tables.js";

export function LoginPage({ login, returnTo, errors, csrf }: { login: string; returnTo: string; errors: FieldErrors; csrf: string }): JSX.Element {
  return (
    <>
      <h2 class="heading">Log In</h2>
      <ErrorSummary errors={errors} />
      <form method="post" action="/users/login" id="loginform">
        <CsrfField csrf={csrf} />
        <input type="hidden" name="return_to" value={returnTo} />
        <TextField name="user[login]" label="User name" value={login} autocomplete="username" required />
        <TextField name="user[password]" label="Password" type="password" value="" autocomplete="current-password" required />
        <p class="actions">
          <button type="submit" name="commit" value="Log in">
            Log In
          </button>
        </p>
      </form>
      <p>
        No account yet? <a href="/signup">Sign up</a>.
      </p>
    </>
  );
}

export function SignupPage(props: { values: { login: string; email: string; invitationCode: string }; needsInvitation: boolean; errors: FieldErrors; csrf: string }): JSX.Element {
  const { values, errors } = props;
  return (
    <>
      <h2 class="heading">Create an Account</h2>
      <ErrorSummary errors={errors} />
      <form method="post" action="/signup" id="signup">
        <CsrfField csrf={props.csrf} />
        {props.needsInvitation ? <TextField name="invitation_code" label="Invitation code" value={values.invitationCode} errors={errors.invitation_code} required /> : ""}
        <TextField
          name="user[login]"
          label="User name"
          value={values.login}
          errors={errors["user[login]"]}
          hint="3 to 40 letters, numbers or underscores."
          autocomplete="username"
          required
        />
        <TextField name="user[email]" label="Email" type="email" value={values.email} errors={errors["user[email]"]} autocomplete="email" required />
        <TextField name="user[password]" label="Password" type="password" value="" errors={errors["user[password]"]} hint="8 to 72 characters." autocomplete="new-password" required />
        <TextField name="user[password_confirmation]" label="Confirm password" type="password" value="" autocomplete="new-password" required />
        <p class="actions">
          <button type="submit">Create Account</button>
        </p>
      </form>
    </>
  );
}

export function SignupClosedPage(): JSX.Element {
  return (
    <>
      <h2 class="heading">Sign-ups are closed</h2>
      <p>This archive is not taking new accounts right now. Its admins can add accounts for you.</p>
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
        <dt>Joined:</dt>
        <dd safe>{isoDate(user.created_at)}</dd>
        <dt>Pseuds:</dt>
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
          <a href={`${base}/works`}>Works</a>
        </li>
        {isSelf ? (
          <>
            <li>
              <a href={`${base}/works/drafts`}>Drafts</a>
            </li>
            <li>
              <a href={`${base}/readings`}>History</a>
            </li>
            <li>
              <a href={`${base}/readings?show=to-read`}>Marked for Later</a>
            </li>
            <li>
              <a href={`${base}/inbox`}>Inbox</a>
            </li>
            <li>
              <a href={`${base}/stats`}>Stats</a>
            </li>
            <li>
              <a href={`${base}/pseuds/new`}>New Pseud</a>
            </li>
            <li>
              <a href={`${base}/subscriptions`}>Subscriptions</a>
            </li>
            <li>
              <a href={`${base}/blocked`}>Blocked Users</a>
            </li>
            <li>
              <a href={`${base}/muted`}>Muted Users</a>
            </li>
            <li>
              <a href={`${base}/edit`}>Account settings</a>
            </li>
          </>
        ) : (
          ""
        )}
      </ul>
    </>
  );
}

export function AccountPage(props: { user: UserRow; errors: FieldErrors; email: string; notice?: string; csrf: string }): JSX.Element {
  const base = `/users/${encodeURIComponent(props.user.login)}`;
  const { errors } = props;
  return (
    <>
      <h2 class="heading">Account settings</h2>
      {props.notice ? (
        <p class="flash notice" role="status" safe>
          {props.notice}
        </p>
      ) : (
        ""
      )}
      <ErrorSummary errors={errors} />
      <p>
        <a href={`${base}/api_tokens`}>Personal access tokens</a> for the API and e-reader apps.
      </p>
      <form method="post" action={`${base}/password`}>
        <CsrfField csrf={props.csrf} />
        <fieldset>
          <legend>Change password</legend>
          <TextField name="current_password" label="Current password" type="password" value="" errors={errors.current_password} autocomplete="current-password" />
          <TextField name="user[password]" label="New password" type="password" value="" errors={errors["user[password]"]} autocomplete="new-password" />
          <TextField name="user[password_confirmation]" label="Confirm new password" type="password" value="" autocomplete="new-password" />
          <p class="actions">
            <button type="submit">Change Password</button>
          </p>
        </fieldset>
      </form>
      <form method="post" action={`${base}/email`}>
        <CsrfField csrf={props.csrf} />
        <fieldset>
          <legend>Change email</legend>
          <TextField name="user[email]" label="New email" type="email" value={props.email} errors={errors["user[email]"]} autocomplete="email" />
          <TextField name="email_password" label="Password" type="password" value="" errors={errors.email_password} autocomplete="current-password" />
          <p class="actions">
            <button type="submit">Change Email</button>
          </p>
        </fieldset>
      </form>
    </>
  );
}

export function NewPseudPage({ login, name, description, errors, csrf }: { login: string; name: string; description: string; errors: FieldErrors; csrf: string }): JSX.Element {
  return (
    <>
      <h2 class="heading">New Pseud</h2>
      <ErrorSummary errors={errors} />
      <form method="post" action={`/users/${encodeURIComponent(login)}/pseuds`}>
        <CsrfField csrf={csrf} />
        <TextField name="pseud[name]" label="Name" value={name} errors={errors["pseud[name]"]} hint="1 to 40 letters, numbers, spaces, underscores or hyphens." required maxlength={40} />
        <TextArea name="pseud[description]" label="Description" value={description} errors={errors["pseud[description]"]} rows={3} />
        <p class="actions">
          <button type="submit">Create Pseud</button>
        </p>
      </form>
    </>
  );
}
