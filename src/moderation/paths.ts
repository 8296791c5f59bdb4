/** The admin pages about works (src/moderation/routes.ts): other capabilities' pages link and post to them. */
export const adminWorksPath = () => "/admin/works";
export const adminWorkPath = (id: number) => `/admin/works/${id}`;
export const hideWorkPath = (id: number) => `/admin/works/${id}/hide`;
export const unhideWorkPath = (id: number) => `/admin/works/${id}/unhide`;
export const adminDeleteWorkPath = (id: number) => `/admin/works/${id}/delete`;
export const adminWorkTagsPath = (id: number) => `/admin/works/${id}/tags`;

/** A path with `?return_to=…` when there is somewhere to go back to. */
export function withReturnTo(path: string, returnTo: string): string {
  return returnTo ? `${path}?return_to=${encodeURIComponent(returnTo)}` : path;
}
