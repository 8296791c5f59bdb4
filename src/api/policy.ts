/** What a personal access token may do: read, or read and write. */
export const TOKEN_SCOPES = ["read", "write"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** Whether a token's scope covers what a route needs: write implies read. */
export function scopeAllows(has: TokenScope, needs: TokenScope): boolean {
  return has === "write" || needs === "read";
}

/** Only the token's owner lists or revokes it. */
export function canManageTokens(viewerUserId: number | undefined, ownerUserId: number): boolean {
  return viewerUserId !== undefined && viewerUserId === ownerUserId;
}
