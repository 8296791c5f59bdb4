import { hasRole, type Viewer } from "../platform/http/viewer.js";

/** Tag wranglers (and admins, who hold every role) change the tag graph. */
export function canWrangle(viewer: Viewer): boolean {
  return hasRole(viewer, "wrangler");
}
