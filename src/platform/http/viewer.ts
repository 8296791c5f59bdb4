/** Who is asking: a guest, or a logged-in user with their roles. */
export interface Viewer {
  user: { id: number; login: string; roles: readonly string[] } | null;
  /** The session's id (a hash), so a log-out or log-in can end it. */
  sessionId: string | null;
}

export const GUEST: Viewer = { user: null, sessionId: null };

/** Every role a user can hold: what route guards may name and what `fanfold user add --role` grants. */
export const ROLES = ["admin", "wrangler"] as const;
export type Role = (typeof ROLES)[number];

/** Whether a text (a command-line argument, a stored row) names a real role. */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Whether the viewer is logged in. */
export function isLoggedIn(viewer: Viewer): viewer is Viewer & { user: NonNullable<Viewer["user"]> } {
  return viewer.user !== null;
}

/** Whether the viewer holds a role; admins hold every role. */
export function hasRole(viewer: Viewer, role: Role): boolean {
  const roles = viewer.user?.roles ?? [];
  return roles.includes("admin") || roles.includes(role);
}
