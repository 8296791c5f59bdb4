import type { Transaction } from "kysely";
import type { Db } from "./index.js";
import type { Database } from "./tables.js";

/**
 * Runs `work` in one transaction in which commands written as "one transaction each" (they call
 * `db.transaction()` themselves, as createWork does) join the outer transaction instead of opening
 * their own. A batch (an archive import) is then all or nothing: any failure rolls back every
 * command it ran. Kysely refuses `transaction()` on a transaction, so the handle given to `work`
 * answers it (and `connection()`) with the open transaction itself.
 */
export function inOneTransaction<T>(db: Db, work: (db: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute((trx) => work(joining(trx)));
}

function joining(trx: Transaction<Database>): Db {
  const joined: Db = new Proxy(trx, {
    get(target, property) {
      if (property === "transaction") {
        const builder = {
          setIsolationLevel: () => builder,
          setAccessMode: () => builder,
          execute: <R>(callback: (trx: Db) => Promise<R>) => callback(joined),
        };
        return () => builder;
      }
      if (property === "connection") return () => ({ execute: <R>(callback: (db: Db) => Promise<R>) => callback(joined) });
      // Kysely's classes keep their state in private fields: methods run on the real transaction.
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as unknown as Db;
  return joined;
}
