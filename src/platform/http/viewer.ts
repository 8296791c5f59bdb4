/**
 * A suspension or ban in force on an account (src/moderation sets them): the user may read, but
 * not post, comment, leave kudos, bookmark or edit. `until` is when a suspension ends (ISO time);
 * null for a ban.
 */
export interface Sanction {
  kind: "suspended" | "banned";
  until: string | null;
  reason: string;
}

/** Who is asking: a guest, or a logged-in user with their roles. */
export interface Viewer {
  user: {
    id: number;
    login: string;
    roles: readonly string[];
    /** The sanction in force on the account, if any (loaded with the viewer; a passed suspension is none). */
    sanction?: Sanction | null;
    /** How many admins' warnings the user has not dismissed yet. */
    warnings?: number;
  } | null;
  /** The session's id (a hash), so a log-out or log-in can end it. */
  sessionId: string | null;
}

export const GUEST: Viewer = { user: null, sessionId: null };

/**
 * Every role a user can hold: what route guards may name and what `fanfold user add --role` grants.
 * "admin" is the superadmin, who holds every other role too. The admin roles after it divide the
 * archive's administration as AO3 does, each guarding its own pages; "wrangler" is a volunteer tag
 * wrangler (no admin pages beyond wrangling).
 */
export const ROLES = ["admin", "policy_and_abuse", "support", "tag_wrangling", "communications", "translation", "wrangler"] as const;
export type Role = (typeof ROLES)[number];

/** The roles that make someone an admin: they reach /admin, and the two-factor rule applies to them. */
export const ADMIN_ROLES = ["admin", "policy_and_abuse", "support", "tag_wrangling", "communications", "translation"] as const satisfies readonly Role[];
export type AdminRole = (typeof ADMIN_ROLES)[number];

/** Whether a role is one of the admin roles. */
export function isAdminRole(role: string): role is AdminRole {
  return (ADMIN_ROLES as readonly string[]).includes(role);
}

/** Whether a text (a command-line argument, a stored row) names a real role. */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Whether the viewer is logged in. */
export function isLoggedIn(viewer: Viewer): viewer is Viewer & { user: NonNullable<Viewer["user"]> } {
  return viewer.user !== null;
}

/** Whether the viewer holds a role; the superadmin ("admin") holds every role. */
export function hasRole(viewer: Viewer, role: Role): boolean {
  const roles = viewer.user?.roles ?? [];
  return roles.includes("admin") || roles.includes(role);
}

/** Whether the viewer holds any one of these roles. */
export function hasAnyRole(viewer: Viewer, roles: readonly Role[]): boolean {
  return roles.some((role) => hasRole(viewer, role));
}

/** Whether the viewer holds any admin role (reaches /admin). */
export function isAnyAdmin(viewer: Viewer): boolean {
  return hasAnyRole(viewer, ADMIN_ROLES);
}

/** The sanction in force on the viewer's account, or null (guests and users in good standing). */
export function sanctionOf(viewer: Viewer): Sanction | null {
  return viewer.user?.sanction ?? null;
}
