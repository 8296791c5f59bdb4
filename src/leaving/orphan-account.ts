import { type DbOrTrx, nowIso } from "../platform/db/index.js";
import { nameKey, ORPHAN_ACCOUNT_LOGIN } from "../model/users.js";

/**
 * The archive's orphan account, as on AO3: a user named `orphan_account` that orphaned works are
 * credited to. It is made the first time something is orphaned, and nobody can log in as it: its
 * password hash is this mark, which no password verifies (a real hash is an argon2 PHC string, so
 * the mark also tells the orphan account from a person who somehow holds the name).
 */
export const ORPHAN_PASSWORD_MARK = "!orphan_account: nobody logs in";

/** The name is held by a real account (one made before the name was kept): nothing can be orphaned until an admin renames it. */
export class OrphanAccountNameTaken extends Error {
  constructor() {
    super(`the user name ${ORPHAN_ACCOUNT_LOGIN} belongs to an ordinary account, so it cannot be the orphan account`);
  }
}

export interface OrphanAccount {
  userId: number;
  /** Its default pseud, named like the account: what "take my name off" credits works to. */
  defaultPseudId: number;
}

/**
 * The orphan account, made now if it does not exist yet, in the caller's transaction. Race-free:
 * two transactions making it at once insert-or-get the same row (the login's unique key decides).
 */
export async function orphanAccount(trx: DbOrTrx): Promise<OrphanAccount> {
  const find = () => trx.selectFrom("users").select(["id", "password_hash"]).where("login_key", "=", nameKey(ORPHAN_ACCOUNT_LOGIN)).executeTakeFirst();
  let user = await find();
  if (!user) {
    await trx
      .insertInto("users")
      .values({
        login: ORPHAN_ACCOUNT_LOGIN,
        login_key: nameKey(ORPHAN_ACCOUNT_LOGIN),
        // A reserved domain (RFC 2606): mail to it goes nowhere.
        email: `${ORPHAN_ACCOUNT_LOGIN}@invalid`,
        password_hash: ORPHAN_PASSWORD_MARK,
        created_at: nowIso(),
      })
      .onConflict((oc) => oc.column("login_key").doNothing())
      .execute();
    user = await find();
  }
  if (!user || user.password_hash !== ORPHAN_PASSWORD_MARK) throw new OrphanAccountNameTaken();
  return { userId: user.id, defaultPseudId: await orphanPseud(trx, user.id, ORPHAN_ACCOUNT_LOGIN, true) };
}

/** The orphan account's pseud of this name (for "keep my pseud's name on it"), made if need be. */
export async function orphanPseud(trx: DbOrTrx, orphanUserId: number, name: string, isDefault = false): Promise<number> {
  const find = () => trx.selectFrom("pseuds").select("id").where("user_id", "=", orphanUserId).where("name_key", "=", nameKey(name)).executeTakeFirst();
  const found = await find();
  if (found) return found.id;
  // Only the name carries over: the leaving writer's description stays theirs.
  await trx
    .insertInto("pseuds")
    .values({ user_id: orphanUserId, name, name_key: nameKey(name), description: "", is_default: isDefault ? 1 : 0, created_at: nowIso() })
    .onConflict((oc) => oc.columns(["user_id", "name_key"]).doNothing())
    .execute();
  return (await find())!.id;
}

/** Whether a user row is the orphan account. */
export function isOrphanAccount(user: { password_hash: string }): boolean {
  return user.password_hash === ORPHAN_PASSWORD_MARK;
}
