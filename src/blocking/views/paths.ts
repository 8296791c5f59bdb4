import type { Relation } from "../queries.js";

// AO3's addresses: /users/LOGIN/blocked and /users/LOGIN/muted.
const SEGMENT = { block: "blocked", mute: "muted" } as const;
export const relationListPath = (relation: Relation, login: string) => `/users/${encodeURIComponent(login)}/${SEGMENT[relation]}`;
export const undoRelationPath = (relation: Relation, login: string, targetId: number) => `${relationListPath(relation, login)}/${targetId}/delete`;
