import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { openDatabase } from "../platform/db/index.js";

/** Where benchmarks make their scratch PostgreSQL databases. */
export const BENCH_POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface ScratchPostgres {
  url: string;
  /** Drops the database (unless `keep`); waits for this process's closed connections to go first. */
  drop(options?: { keep?: boolean }): Promise<void>;
}

/**
 * A new, empty PostgreSQL database for one benchmark run, named `fanfold_bench_<label>_<pid>_<random>`
 * so runs side by side never meet. `fail` makes the error the benchmark reports when the server
 * cannot be reached.
 */
export async function createScratchPostgres(label: string, fail: (message: string) => Error): Promise<ScratchPostgres> {
  const name = `fanfold_bench_${label}_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = openDatabase(BENCH_POSTGRES_URL);
  try {
    await sql.raw(`create database ${name}`).execute(admin);
  } catch (error) {
    await admin.destroy();
    throw fail(`cannot create a PostgreSQL database at ${BENCH_POSTGRES_URL} (set BENCH_POSTGRES_URL): ${(error as Error).message}`);
  }
  const url = new URL(BENCH_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async ({ keep = false } = {}) => {
      if (!keep) {
        // A connection just closed by this process can linger on the server for a moment; dropping
        // "with (force)" under it makes its client print that it was terminated. Wait it out (2 s at most).
        for (let i = 0; i < 20; i++) {
          const open = await sql<{ n: number }>`select count(*) as n from pg_stat_activity where datname = ${name}`.execute(admin);
          if (Number(open.rows[0]!.n) === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await sql.raw(`drop database if exists ${name} with (force)`).execute(admin);
      }
      await admin.destroy();
    },
  };
}
