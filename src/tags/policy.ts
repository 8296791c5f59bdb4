import { hasAnyRole, type Role, type Viewer } from "../platform/http/viewer.js";

/** Who wrangles tags: volunteer wranglers and the tag wrangling admins (and the superadmin, who holds every role). */
export const WRANGLERS = ["wrangler", "tag_wrangling"] as const satisfies readonly Role[];

/** Tag wranglers change the tag graph. */
export function canWrangle(viewer: Viewer): boolean {
  return hasAnyRole(viewer, WRANGLERS);
}
