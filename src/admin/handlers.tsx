import type { FastifyReply, FastifyRequest } from "fastify";
import { ChoiceGroup, CsrfField, ErrorSummary, type FieldErrors, isoDate, TextArea, TextField } from "../platform/http/components.js";
import { field } from "../platform/http/forms-parser.js";
import { queryParam } from "../platform/http/routes.js";
import { t } from "../platform/i18n/index.js";
import { SESSION_COOKIE } from "../platform/http/server.js";
import { createUser, hasSecondFactor, readSignupForm, validateSignup, startSession } from "../users/index.js";
import { hasAdmin } from "../model/users.js";
import {
  clearSetupToken,
  isSetupToken,
  markNewArchive,
  NEW_TAGS_CANONICAL,
  newTagsCanonical,
  securityTxt,
  SIGNUP_MODES,
  type SignupMode,
  setNewTagsCanonical,
  setSecurityTxt,
  setSetting,
  setTwoFactorRequiredForAdmins,
  signupMode,
  twoFactorRequiredForAdmins,
} from "../model/archive-settings.js";
import { readSecurityTxtForm, type SecurityTxtForm, securityTxtFormOf, securityTxtText } from "./security-txt.js";

function SetupPage({ token, values, errors, csrf }: { token: string; values: { login: string; email: string }; errors: FieldErrors; csrf: string }): JSX.Element {
  return (
    <>
      <h2 safe class="heading">{t("admin.set_up_your_archive")}</h2>
      <p safe>{t("admin.create_the_first_admin_account")}</p>
      <ErrorSummary errors={errors} />
      <form method="post" action="/setup">
        <CsrfField csrf={csrf} />
        <input type="hidden" name="token" value={token} />
        <TextField name="user[login]" label={t("admin.admin_user_name")} value={values.login} errors={errors["user[login]"]} autocomplete="username" required />
        <TextField name="user[email]" label={t("admin.email")} type="email" value={values.email} errors={errors["user[email]"]} autocomplete="email" required />
        <TextField name="user[password]" label={t("admin.password")} type="password" value="" errors={errors["user[password]"]} hint={t("admin.8_to_72_characters")} autocomplete="new-password" required />
        <TextField name="user[password_confirmation]" label={t("admin.confirm_password")} type="password" value="" autocomplete="new-password" required />
        <p class="actions">
          <button safe type="submit">{t("admin.create_admin_account")}</button>
        </p>
      </form>
    </>
  );
}

/** `/setup?token=…`: the one-time page for the first admin; gone once an admin exists. */
export async function showSetupPage(req: FastifyRequest, reply: FastifyReply) {
  const token = queryParam(req, "token");
  if ((await hasAdmin(req.db)) || !(await isSetupToken(req.db, token))) return reply.error("NOT_FOUND");
  return reply.page(t("admin.set_up"), <SetupPage token={token} values={{ login: "", email: "" }} errors={{}} csrf={reply.csrf()} />);
}

export async function createFirstAdmin(req: FastifyRequest, reply: FastifyReply) {
  const token = field(req.body, "token");
  if ((await hasAdmin(req.db)) || !(await isSetupToken(req.db, token))) return reply.error("NOT_FOUND");
  const form = readSignupForm(req.body);
  const errors = validateSignup(form);
  const created = Object.keys(errors).length ? { ok: false as const, errors } : await createUser(req.db, { login: form.login, email: form.email, password: form.password, roles: ["admin"] });
  if (!created.ok) return reply.page(t("admin.set_up"), <SetupPage token={token} values={form} errors={created.errors} csrf={reply.csrf()} />, { status: 422 });
  await clearSetupToken(req.db);
  await markNewArchive(req.db);
  const session = await startSession(req.db, created.value.id, req.config.sessionDays);
  reply.setCookie(SESSION_COOKIE, session, { path: "/", httpOnly: true, sameSite: "lax", secure: req.config.publicUrl.startsWith("https:") });
  reply.rotateCsrf();
  return reply.redirect("/admin/settings", 303);
}

const modeLabels = (): Record<SignupMode, string> => ({
  open: t("admin.anyone_can_sign_up"),
  invitation: t("admin.sign_up_needs_an_invitation"),
  closed: t("admin.nobody_can_sign_up_admins"),
});

interface Settings {
  mode: SignupMode;
  twoFactorAdmins: boolean;
  tagsCanonical: boolean;
}

interface SettingsPageProps {
  settings: Settings;
  errors: FieldErrors;
  csrf: string;
  /** The security.txt form's values, and its own errors (it is a form of its own). */
  securityTxt: SecurityTxtForm;
  securityTxtErrors?: FieldErrors;
}

function SettingsPage({ settings, errors, csrf, securityTxt, securityTxtErrors = {} }: SettingsPageProps): JSX.Element {
  return (
    <>
      <h2 safe class="heading">{t("admin.archive_settings")}</h2>
      <ErrorSummary errors={errors} />
      <form method="post" action="/admin/settings">
        <CsrfField csrf={csrf} />
        <ChoiceGroup type="radio" name="signup_mode" legend={t("admin.sign_ups")} choices={SIGNUP_MODES.map((value) => ({ value, label: modeLabels()[value] }))} selected={[settings.mode]} errors={errors.signup_mode} />
        <ChoiceGroup
          name="two_factor_admins"
          legend={t("admin.two_factor_admins")}
          choices={[{ value: "required", label: t("admin.two_factor_admins_required") }]}
          selected={settings.twoFactorAdmins ? ["required"] : []}
          errors={errors.two_factor_admins}
        />
        <ChoiceGroup
          name={NEW_TAGS_CANONICAL}
          legend={t("admin.tags_legend")}
          choices={[{ value: "1", label: t("admin.new_tags_canonical") }]}
          selected={settings.tagsCanonical ? ["1"] : []}
          hint={t("admin.new_tags_canonical_hint")}
        />
        <p class="actions">
          <button safe type="submit">{t("admin.save_settings")}</button>
        </p>
      </form>
      <h3 safe class="heading">{t("admin.invitations")}</h3>
      <ul>
        <li>
          <a safe href="/admin/invitations">{t("invitations.admin.heading")}</a>
        </li>
        <li>
          <a safe href="/admin/terms">{t("terms.admin.heading")}</a>
        </li>
      </ul>
      <SecurityTxtSettings values={securityTxt} errors={securityTxtErrors} csrf={csrf} />
    </>
  );
}

/** The security.txt block of the settings page: its own form, so saving it changes nothing else. */
function SecurityTxtSettings({ values, errors, csrf }: { values: SecurityTxtForm; errors: FieldErrors; csrf: string }): JSX.Element {
  return (
    <section aria-labelledby="security-txt-heading">
      <h3 safe class="heading" id="security-txt-heading">{t("admin.security_txt.heading")}</h3>
      <p safe>{t("admin.security_txt.about")}</p>
      <ErrorSummary errors={errors} />
      <form method="post" action="/admin/settings/security-txt">
        <CsrfField csrf={csrf} />
        <TextArea name="security_txt[contacts]" label={t("admin.security_txt.contacts")} value={values.contacts} errors={errors["security_txt[contacts]"]} hint={t("admin.security_txt.contacts_hint")} rows={3} />
        <TextField name="security_txt[expires]" label={t("admin.security_txt.expires")} type="date" value={values.expires} errors={errors["security_txt[expires]"]} hint={t("admin.security_txt.expires_hint")} />
        <p class="actions">
          <button safe type="submit">{t("admin.security_txt.save")}</button>
        </p>
      </form>
    </section>
  );
}

async function savedSettings(req: FastifyRequest): Promise<Settings> {
  const [mode, twoFactorAdmins, tagsCanonical] = await Promise.all([signupMode(req.db), twoFactorRequiredForAdmins(req.db), newTagsCanonical(req.db)]);
  return { mode, twoFactorAdmins, tagsCanonical };
}

export async function showSettingsPage(req: FastifyRequest, reply: FastifyReply) {
  const [settings, security] = await Promise.all([savedSettings(req), securityTxt(req.db)]);
  return reply.page(t("admin.archive_settings"), <SettingsPage settings={settings} errors={{}} csrf={reply.csrf()} securityTxt={securityTxtFormOf(security)} />);
}

export async function saveSettings(req: FastifyRequest, reply: FastifyReply) {
  const mode = field(req.body, "signup_mode");
  const twoFactorAdmins = field(req.body, "two_factor_admins") === "required";
  const errors: FieldErrors = {};
  // No mode chosen, or a value no radio button offers (a stale or hand-made form): say so and
  // change nothing, showing the settings still in force.
  if (!SIGNUP_MODES.includes(mode as SignupMode)) errors.signup_mode = [t("admin.signup_mode_invalid")];
  // Requiring two-factor of admins without it would send this admin away from this very page.
  if (twoFactorAdmins && !(await hasSecondFactor(req.db, req.viewer.user!.id))) errors.two_factor_admins = [t("admin.two_factor_admins_yourself_first")];
  if (Object.keys(errors).length) {
    const [saved, security] = await Promise.all([savedSettings(req), securityTxt(req.db)]);
    // The box as it was sent.
    saved.tagsCanonical = field(req.body, NEW_TAGS_CANONICAL) === "1";
    return reply.page(t("admin.archive_settings"), <SettingsPage settings={saved} errors={errors} csrf={reply.csrf()} securityTxt={securityTxtFormOf(security)} />, { status: 422 });
  }
  await setSetting(req.db, "signup_mode", mode);
  await setTwoFactorRequiredForAdmins(req.db, twoFactorAdmins);
  await setNewTagsCanonical(req.db, field(req.body, NEW_TAGS_CANONICAL) === "1");
  return reply.redirect("/admin/settings", 303);
}

/** Saves (or, both fields empty, removes) the security.txt fields; mistakes shown beside the fields. */
export async function saveSecurityTxt(req: FastifyRequest, reply: FastifyReply) {
  const read = readSecurityTxtForm(req.body, new Date());
  if (!read.ok) {
    const settings = await savedSettings(req);
    return reply.page(t("admin.archive_settings"), <SettingsPage settings={settings} errors={{}} csrf={reply.csrf()} securityTxt={read.form} securityTxtErrors={read.errors} />, { status: 422 });
  }
  await req.db.transaction().execute((trx) => setSecurityTxt(trx, read.value));
  return reply.redirect("/admin/settings", 303);
}

/** `/.well-known/security.txt`: the fields an admin set, or 404 while there are none. */
export async function showSecurityTxt(req: FastifyRequest, reply: FastifyReply) {
  const security = await securityTxt(req.db);
  if (!security) return reply.error("NOT_FOUND");
  return reply.type("text/plain; charset=utf-8").header("cache-control", "public, max-age=3600").send(securityTxtText(security, req.config.publicUrl));
}
