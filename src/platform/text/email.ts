// Deliberately loose: one @, something on both sides, a dot in the domain. Mail delivery is the real check.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Whether a text looks like an email address (and fits the 254 characters an address may have). */
export function isEmailAddress(value: string): boolean {
  return EMAIL.test(value) && value.length <= 254;
}
