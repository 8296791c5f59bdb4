import type { DbOrTrx } from "../platform/db/index.js";
import { nameKey } from "./users.js";

/**
 * Finding a pseud from what a writer typed (co-creators, gift recipients). Bylines name a creator
 * "Pseud (login)" when the two differ (model/works.ts `creatorName`), and the same form is read
 * back here: "Pseud (login)" is that user's pseud; a bare name is the one pseud of that name, or,
 * when several users have one, the pseud of the user whose login it is; failing that, the default
 * pseud of the user with that login.
 */

export interface NamedPseud {
  id: number;
  name: string;
  userId: number;
  login: string;
}

export type PseudLookup = { kind: "found"; pseud: NamedPseud } | { kind: "ambiguous" } | { kind: "none" };

/** The "Pseud (login)" form. Pseud names and logins hold no parentheses, so this reads both back. */
const QUALIFIED = /^(.+?)\s*\(([^()]+)\)$/u;

/** Splits a comma-separated list of names, trimmed, empty entries and repeats (any case) left out. */
export function splitNames(typed: string): string[] {
  const seen = new Set<string>();
  const names: string[] = [];
  for (const raw of typed.split(/[,，、]/u)) {
    const name = raw.replace(/\s+/gu, " ").trim();
    if (!name || seen.has(nameKey(name))) continue;
    seen.add(nameKey(name));
    names.push(name);
  }
  return names;
}

function pseudQuery(db: DbOrTrx) {
  return db
    .selectFrom("pseuds")
    .innerJoin("users", "users.id", "pseuds.user_id")
    .select(["pseuds.id as id", "pseuds.name as name", "users.id as userId", "users.login as login", "pseuds.is_default as isDefault", "users.login_key as loginKey"]);
}

/** The pseud a typed name means (see above). Three small indexed queries at most. */
export async function lookUpPseud(db: DbOrTrx, typed: string): Promise<PseudLookup> {
  const qualified = QUALIFIED.exec(typed.trim());
  if (qualified) {
    const row = await pseudQuery(db).where("users.login_key", "=", nameKey(qualified[2]!.trim())).where("pseuds.name_key", "=", nameKey(qualified[1]!.trim())).executeTakeFirst();
    return row ? { kind: "found", pseud: { id: row.id, name: row.name, userId: row.userId, login: row.login } } : { kind: "none" };
  }
  const key = nameKey(typed.trim());
  const rows = await pseudQuery(db).where("pseuds.name_key", "=", key).orderBy("pseuds.id").limit(50).execute();
  const pick = rows.length === 1 ? rows[0] : rows.find((r) => r.loginKey === key);
  if (pick) return { kind: "found", pseud: { id: pick.id, name: pick.name, userId: pick.userId, login: pick.login } };
  if (rows.length > 1) return { kind: "ambiguous" };
  const byLogin = await pseudQuery(db).where("users.login_key", "=", key).where("pseuds.is_default", "=", 1).executeTakeFirst();
  return byLogin ? { kind: "found", pseud: { id: byLogin.id, name: byLogin.name, userId: byLogin.userId, login: byLogin.login } } : { kind: "none" };
}
