/** Who is asking: a guest, or a logged-in user with their roles. */
export interface Viewer {
  user: { id: number; login: string; roles: readonly string[] } | null;
  /** The session's id (a hash), so a log-out or log-in can end it. */
  sessionId: string | null;
}

export const GUEST: Viewer = { user: null, sessionId: null };

export type Role = "admin" | "wrangler";

/** Whether the viewer is logged in. */
export function isLoggedIn(viewer: Viewer): viewer is Viewer & { user: NonNullable<Viewer["user"]> } {
  return viewer.user !== null;
}

/** Whether the viewer holds a role; admins hold every role. */
export function hasRole(viewer: Viewer, role: Role): boolean {
  const roles = viewer.user?.roles ?? [];
  return roles.includes("admin") || roles.includes(role);
}
