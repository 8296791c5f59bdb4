import assert from "node:assert/strict";
import { test } from "node:test";
import { sql } from "kysely";
import { eachDialect } from "../../../test/support/db.js";
import { selectIntegers } from "./index.js";

test("selectIntegers gives a select's first column, in order, on a handle and in a transaction", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const query = (from: number) =>
      sql`select n from (select ${from} + 0 as n union all select 3 union all select 2 union all select ${from} + 0) as numbers where n >= ${1} order by n desc`;
    assert.deepEqual(await selectIntegers(db, query(7)), [7, 7, 3, 2]);
    assert.deepEqual(await selectIntegers(db, sql`select 1 as n where 1 = 0`), []);
    // Twice in a row: nothing carried over from the call before.
    assert.deepEqual(await selectIntegers(db, query(5)), [5, 5, 3, 2]);
    await db.transaction().execute(async (trx) => {
      assert.deepEqual(await selectIntegers(trx, query(9)), [9, 9, 3, 2]);
    });
    // A large set, as a common word's works are.
    const many = await selectIntegers(db, sql`with recursive r(n) as (select 1 union all select n + 1 from r where n < 100000) select n from r`);
    assert.equal(many.length, 100_000);
    assert.equal(many[99_999], 100_000);
  });
});

test("selectIntegers waits for a transaction in progress instead of reading its uncommitted rows", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    await sql`create table scratch_numbers (n integer not null)`.execute(db);
    await sql`insert into scratch_numbers (n) values (1)`.execute(db);
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inserted = () => {};
    const insertedYet = new Promise<void>((resolve) => (inserted = resolve));
    const rolledBack = db
      .transaction()
      .execute(async (trx) => {
        await sql`insert into scratch_numbers (n) values (2)`.execute(trx);
        inserted();
        await gate;
        throw new Error("roll back");
      })
      .catch(() => "rolled back");
    await insertedYet;
    const read = selectIntegers(db, sql`select n from scratch_numbers order by n`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    assert.equal(await rolledBack, "rolled back");
    assert.deepEqual(await read, [1]);
  });
});
