import assert from "node:assert/strict";
import { test } from "node:test";
import { Random } from "../cli/random.js";
import { firstInOrder } from "./best-match.js";

test("firstInOrder gives the first ids of the full sort, for a first page and a deep one", () => {
  const rng = new Random({ a: 9, b: 8, c: 7, d: 6 }, 16);
  const ids = Uint32Array.from({ length: 10_000 }, () => rng.int(1_000_000));
  // Many equal keys, so the tie-break (the id) decides often.
  const key = (id: number) => id % 97;
  const compare = (a: number, b: number) => key(a) - key(b) || b - a;
  const sorted = Array.from(ids).sort(compare);
  for (const count of [0, 1, 20, 1000, 2001, 5000, 20_000]) {
    assert.deepEqual(firstInOrder(ids, count, compare), sorted.slice(0, count), `count ${count}`);
  }
});
