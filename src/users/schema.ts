import { type FieldErrors } from "../platform/http/components.js";
import { field } from "../platform/http/forms-parser.js";
import { t } from "../platform/i18n/index.js";
import { isEmailAddress } from "../platform/text/email.js";
import { nameKey, ORPHAN_ACCOUNT_LOGIN } from "../model/users.js";

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

// AO3's rules: 3–40 characters of [A-Za-z0-9_], starting and ending with a letter or digit.
const LOGIN = /^[A-Za-z0-9][A-Za-z0-9_]{1,38}[A-Za-z0-9]$/;
// Pseud names: 1–40 characters, letters/digits/underscore (any script), spaces and hyphens.
const PSEUD = /^[\p{L}\p{M}\p{N}_ -]{1,40}$/u;

export interface SignupForm {
  login: string;
  email: string;
  password: string;
  passwordConfirmation: string;
  invitationCode: string;
  /** The three boxes sign-up asks for: the terms of service, the privacy policy, the minimum age. */
  acceptedTos: boolean;
  acceptedPrivacy: boolean;
  ageConfirmed: boolean;
}

/** The sign-up form's boxes (src/invitations holds the terms and the minimum age they stand for). */
export const SIGNUP_BOXES = { tos: "user[terms_of_service]", privacy: "user[privacy_policy]", age: "user[age_confirmed]" } as const;

/** The values of a sign-up form as typed, to re-fill the form. */
export function readSignupForm(body: unknown): SignupForm {
  return {
    login: field(body, "user[login]").trim(),
    email: field(body, "user[email]").trim(),
    password: field(body, "user[password]"),
    passwordConfirmation: field(body, "user[password_confirmation]"),
    invitationCode: field(body, "invitation_code").trim(),
    acceptedTos: field(body, SIGNUP_BOXES.tos) === "1",
    acceptedPrivacy: field(body, SIGNUP_BOXES.privacy) === "1",
    ageConfirmed: field(body, SIGNUP_BOXES.age) === "1",
  };
}

export function loginErrors(login: string): string[] {
  if (!LOGIN.test(login)) return [t("users.login_format")];
  // The orphan account is made when first needed; its name is kept for it until then.
  if (nameKey(login) === nameKey(ORPHAN_ACCOUNT_LOGIN)) return [t("users.login_taken")];
  return [];
}

export function emailErrors(email: string): string[] {
  return isEmailAddress(email) ? [] : [t("users.email_format")];
}

export function passwordErrors(password: string, confirmation: string): string[] {
  if (password.length < 8 || password.length > 72) return [t("users.password_length")];
  if (password !== confirmation) return [t("users.password_mismatch")];
  return [];
}

/** Validates a sign-up form's shape (uniqueness and invitations are checked by the command). */
export function validateSignup(form: SignupForm): FieldErrors {
  const errors: FieldErrors = {};
  const add = (name: string, list: string[]) => list.length && (errors[name] = list);
  add("user[login]", loginErrors(form.login));
  add("user[email]", emailErrors(form.email));
  add("user[password]", passwordErrors(form.password, form.passwordConfirmation));
  return errors;
}

/** Checks a pseud name. */
export function pseudErrors(name: string): string[] {
  return PSEUD.test(name) && name.trim() === name ? [] : [t("users.pseud_format")];
}
