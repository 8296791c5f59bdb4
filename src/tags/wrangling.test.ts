import assert from "node:assert/strict";
import { test } from "node:test";
import { makeCreator, makeWork } from "../../test/support/factories.js";
import { eachDialect } from "../../test/support/db.js";
import type { Db } from "../platform/db/index.js";
import { claimJob, drainJobs, runJob } from "../platform/jobs.js";
import { computeFilterSets, isCrossover } from "./filters.js";
import { findTagByName } from "../model/tags.js";
import { refilterStep, runRefilterNow, setRefilterBatchSize, TAG_JOB_STEPS } from "./refilter.js";
import { type WranglingOp, wrangle } from "./wrangling.js";

/** Applies operations and runs the re-filter they queue; fails the test if refused. */
async function apply(db: Db, ...ops: WranglingOp[]) {
  const result = await wrangle(db, null, ops);
  if (!result.ok) assert.fail(`refused: ${result.message}`);
  if (result.jobId !== null) await runRefilterNow(db, result.jobId);
  return result;
}

/** Work ids whose stored filter set holds the named tag. */
async function filtered(db: Db, name: string): Promise<number[]> {
  const tag = await findTagByName(db, name);
  assert.ok(tag, `tag ${name}`);
  const rows = await db.selectFrom("work_filters").select("work_id").where("tag_id", "=", tag.id).orderBy("work_id").execute();
  return rows.map((r) => r.work_id);
}

/** Stored filter sets equal a from-scratch recomputation, for every work. */
async function assertExact(db: Db, label = "") {
  const works = (await db.selectFrom("works").select("id").orderBy("id").execute()).map((w) => w.id);
  const wanted = await computeFilterSets(db, works);
  const rows = await db.selectFrom("work_filters").select(["work_id", "tag_id", "inherited"]).execute();
  const stored = new Map<number, Map<number, boolean>>(works.map((id) => [id, new Map()]));
  for (const row of rows) stored.get(row.work_id)?.set(row.tag_id, row.inherited === 1);
  const crossover = new Map((await db.selectFrom("works").select(["id", "crossover"]).execute()).map((w) => [w.id, w.crossover === 1]));
  for (const id of works) {
    assert.deepEqual(
      [...stored.get(id)!].sort((a, b) => a[0] - b[0]),
      [...wanted.get(id)!.filters].sort((a, b) => a[0] - b[0]),
      `${label} work ${id}: stored filter set differs from recomputation`,
    );
    assert.equal(crossover.get(id), wanted.get(id)!.crossover, `${label} work ${id}: crossover`);
  }
}

test("a synonym's works appear under its canonical, and leave when unmerged", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const { pseudId } = await makeCreator(db);
    const a = await makeWork(db, pseudId, { freeforms: ["hurt/comfort"] });
    const b = await makeWork(db, pseudId, { freeforms: ["Hurt/Comfort"] });
    assert.deepEqual(await filtered(db, "General Audiences"), [a, b], "fixed tags filter from the start");
    const fresh = await makeWork(db, pseudId, { freeforms: ["Hurt and Comfort"] });
    await apply(db, { action: "canonical", tag: "Hurt and Comfort", value: true });
    assert.deepEqual(await filtered(db, "Hurt and Comfort"), [fresh]);
    const made = await apply(db, { action: "synonym", tag: "hurt/comfort", of: "Hurt and Comfort" });
    assert.equal(made.works, 2, "both works (one tag, two spellings by case) are re-filtered");
    assert.deepEqual(await filtered(db, "Hurt and Comfort"), [a, b, fresh]);
    const synonym = await findTagByName(db, "HURT/COMFORT");
    const row = await db.selectFrom("work_filters").select("inherited").where("work_id", "=", a).where("tag_id", "=", (await findTagByName(db, "Hurt and Comfort"))!.id).executeTakeFirstOrThrow();
    assert.equal(row.inherited, 0, "a synonym's canonical is a direct filter");
    assert.equal(synonym?.merger_id !== null, true);
    await apply(db, { action: "synonym", tag: "hurt/comfort", of: null });
    assert.deepEqual(await filtered(db, "Hurt and Comfort"), [fresh]);
    await assertExact(db);
  });
});

test("a subtag's works appear under its metatag three levels up; removing a link removes them", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const { pseudId } = await makeCreator(db);
    const w = await makeWork(db, pseudId, { fandoms: ["Star Trek: Deep Space Nine"] });
    const other = await makeWork(db, pseudId, { fandoms: ["Star Trek: Voyager"] });
    await apply(db, { action: "canonical", tag: "Star Trek: Deep Space Nine", value: true }, { action: "canonical", tag: "Star Trek: Voyager", value: true });
    for (const name of ["Star Trek (All Series)", "Star Trek", "Science Fiction Universes"]) await apply(db, { action: "create", name, type: "Fandom", canonical: true });
    await makeWork(db, pseudId, { fandoms: ["Star Trek"] }); // tags the fandom by a work too
    await apply(
      db,
      { action: "meta", tag: "Star Trek: Deep Space Nine", meta: "Star Trek (All Series)" },
      { action: "meta", tag: "Star Trek (All Series)", meta: "Star Trek" },
      { action: "meta", tag: "Star Trek", meta: "Science Fiction Universes" },
    );
    assert.ok((await filtered(db, "Science Fiction Universes")).includes(w), "three levels up");
    assert.ok(!(await filtered(db, "Science Fiction Universes")).includes(other));
    const inherited = await db.selectFrom("work_filters").select("inherited").where("work_id", "=", w).where("tag_id", "=", (await findTagByName(db, "Star Trek"))!.id).executeTakeFirstOrThrow();
    assert.equal(inherited.inherited, 1);
    await apply(db, { action: "meta", tag: "Star Trek (All Series)", meta: "Star Trek", remove: true });
    assert.ok(!(await filtered(db, "Science Fiction Universes")).includes(w), "the middle link removed");
    assert.ok(!(await filtered(db, "Star Trek")).includes(w));
    assert.ok((await filtered(db, "Star Trek (All Series)")).includes(w));
    await assertExact(db);
  });
});

test("refused changes say why and apply nothing", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const { pseudId } = await makeCreator(db);
    await makeWork(db, pseudId, { fandoms: ["Fandom A", "Fandom B"], characters: ["Char"], freeforms: ["Loose Tag", "Other Tag"] });
    await apply(db, { action: "canonical", tag: "Fandom A", value: true }, { action: "canonical", tag: "Fandom B", value: true }, { action: "canonical", tag: "Char", value: true });
    await apply(db, { action: "meta", tag: "Fandom A", meta: "Fandom B" });
    await apply(db, { action: "synonym", tag: "Loose Tag", of: "Other Tag" }).catch(() => {});
    const cases: [WranglingOp[], RegExp][] = [
      [[{ action: "meta", tag: "Fandom B", meta: "Fandom A" }], /would make a cycle/],
      [[{ action: "meta", tag: "Fandom A", meta: "Fandom A" }], /its own metatag/],
      [[{ action: "synonym", tag: "Loose Tag", of: "Loose Tag" }], /synonym of itself/],
      [[{ action: "synonym", tag: "Fandom A", of: "Fandom B" }], /is canonical; make it not canonical/],
      [[{ action: "synonym", tag: "Loose Tag", of: "Char" }], /is not canonical|same type/],
      [[{ action: "parent", tag: "Char", parent: "Explicit" }], /can't have the Rating tag "Explicit" as a parent/],
      [[{ action: "parent", tag: "Fandom A", parent: "Fandom B" }], /allowed parent types: Media/],
      [[{ action: "canonical", tag: "Explicit", value: false }], /fixed tags and is always canonical/],
      [[{ action: "canonical", tag: "No Fandom", value: false }], /fixed tags/],
      [[{ action: "canonical", tag: "Fandom A", value: false }], /metatags or subtags/],
      [[{ action: "meta", tag: "Char", meta: "Fandom A" }], /must be of the same type/],
      [[{ action: "canonical", tag: "No Such Tag", value: true }], /There is no tag named "No Such Tag"/],
      // All or nothing: the first operation is valid, the second is refused, neither applies.
      [[{ action: "canonical", tag: "Other Tag", value: true }, { action: "meta", tag: "Fandom B", meta: "Fandom A" }], /cycle/],
    ];
    const before = await db.selectFrom("tags").selectAll().orderBy("id").execute();
    const links = await db.selectFrom("tag_meta").selectAll().execute();
    for (const [ops, message] of cases) {
      const result = await wrangle(db, null, ops);
      assert.equal(result.ok, false, JSON.stringify(ops));
      if (!result.ok) assert.match(result.message, message);
    }
    assert.deepEqual(await db.selectFrom("tags").selectAll().orderBy("id").execute(), before, "no tag changed");
    assert.deepEqual(await db.selectFrom("tag_meta").selectAll().execute(), links);
    const synonymOfSynonym = await wrangle(db, null, [{ action: "canonical", tag: "Other Tag", value: true }]);
    assert.ok(synonymOfSynonym.ok);
    await apply(db, { action: "synonym", tag: "Loose Tag", of: "Other Tag" });
    await makeWork(db, pseudId, { freeforms: ["Third Tag"] });
    const refused = await wrangle(db, null, [{ action: "synonym", tag: "Third Tag", of: "Loose Tag" }]);
    assert.equal(refused.ok, false);
    if (!refused.ok) assert.match(refused.message, /itself a synonym.*synonym of a synonym is not allowed/);
  });
});

test("names that differ only by case or Unicode form are one tag", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const { pseudId } = await makeCreator(db);
    await makeWork(db, pseudId, { freeforms: ["Café au Lait"] });
    await makeWork(db, pseudId, { freeforms: ["CAFE\u0301 AU LAIT"] });
    await makeWork(db, pseudId, { freeforms: ["café au lait"] });
    const tags = await db.selectFrom("tags").select("name").where("type", "=", "Freeform").execute();
    assert.deepEqual(tags.map((t) => t.name), ["Café au Lait"]);
  });
});

test("crossovers follow AO3's rule", async (t) => {
  const closure = new Map<number, Set<number>>([
    [1, new Set([10])],
    [2, new Set([10])],
    [3, new Set()],
    [4, new Set([1, 10])],
  ]);
  assert.equal(isCrossover([1], closure), false, "one fandom");
  assert.equal(isCrossover([1, 2], closure), false, "two fandoms sharing a metatag");
  assert.equal(isCrossover([1, 3], closure), true, "nothing shared");
  assert.equal(isCrossover([1, 4], closure), false, "a fandom and its own subtag");
  assert.equal(isCrossover([1, 2, 3], closure), true, "no fandom that all others share with");
  await eachDialect(t, async (_t, { db }) => {
    const { pseudId } = await makeCreator(db);
    const w = await makeWork(db, pseudId, { fandoms: ["Sherlock (TV)", "Doctor Who"] });
    const crossover = async () => (await db.selectFrom("works").select("crossover").where("id", "=", w).executeTakeFirstOrThrow()).crossover;
    assert.equal(await crossover(), 1);
    await apply(db, { action: "canonical", tag: "Sherlock (TV)", value: true }, { action: "canonical", tag: "Doctor Who", value: true }, { action: "create", name: "British TV", type: "Fandom", canonical: true });
    await apply(db, { action: "meta", tag: "Sherlock (TV)", meta: "British TV" }, { action: "meta", tag: "Doctor Who", meta: "British TV" });
    assert.equal(await crossover(), 0, "both under one metatag: not a crossover");
    await assertExact(db);
  });
});

test("a re-filter job resumes where it stopped after a crash, with exact results", async (t) => {
  await eachDialect(t, async (_t, { db }) => {
    const { pseudId } = await makeCreator(db);
    const ids: number[] = [];
    for (let i = 0; i < 25; i++) ids.push(await makeWork(db, pseudId, { freeforms: ["Slow Burn-ish"] }));
    await apply(db, { action: "create", name: "Slow Burn", type: "Freeform", canonical: true });
    const result = await wrangle(db, null, [{ action: "synonym", tag: "Slow Burn-ish", of: "Slow Burn" }]);
    assert.ok(result.ok && result.jobId !== null);
    const feedBefore = (await db.selectFrom("change_feed").select("id").execute()).length;
    setRefilterBatchSize(10);
    try {
      // One batch, then the process "dies": the job stays running with its cursor saved.
      const job = (await claimJob(db, result.jobId))!;
      assert.equal(await refilterStep(db, job), true);
      const midway = await db.selectFrom("jobs").selectAll().where("id", "=", result.jobId).executeTakeFirstOrThrow();
      assert.equal(midway.state, "running");
      assert.equal(midway.done_count, 10);
      assert.equal(midway.cursor, ids[9]);
      assert.equal((await filtered(db, "Slow Burn")).length, 10, "the first batch committed");
      assert.equal(await claimJob(db), undefined, "a fresh lock is not taken over");
      // The dead worker's lock goes stale; a new process claims the job and resumes at the cursor.
      await db.updateTable("jobs").set({ locked_at: "2000-01-01T00:00:00.000Z" }).where("id", "=", result.jobId).execute();
      const resumed = (await claimJob(db))!;
      assert.equal(resumed.id, result.jobId);
      assert.equal(resumed.cursor, ids[9]);
      assert.equal(await runJob(db, resumed, refilterStep), "done");
    } finally {
      setRefilterBatchSize(1000);
    }
    const done = await db.selectFrom("jobs").selectAll().where("id", "=", result.jobId).executeTakeFirstOrThrow();
    assert.deepEqual([done.state, done.done_count, done.total], ["done", 25, 25]);
    assert.deepEqual(await filtered(db, "Slow Burn"), ids);
    const feed = await db.selectFrom("change_feed").select(["work_id", "kind"]).where("id", ">", feedBefore).execute();
    assert.equal(feed.length, 25, "one change-feed row per re-filtered work");
    assert.ok(feed.every((row) => row.kind === "filters"));
    await assertExact(db);
    assert.equal(await drainJobs(db, TAG_JOB_STEPS), 0, "nothing left to run");
  });
});

/** A small deterministic PRNG, so a failing sequence can be replayed from its seed. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

test("after 200 random wrangling operations the stored filter sets equal a from-scratch recomputation", async (t) => {
  await eachDialect(t, async (_t, { db, dialect }) => {
    const seed = dialect === "sqlite" ? 20261126 : 7;
    const random = prng(seed);
    const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
    const { pseudId } = await makeCreator(db);
    const names = {
      Fandom: ["F1", "F2", "F3", "F4", "F5"],
      Character: ["C1", "C2", "C3", "C4", "C5", "C6"],
      Freeform: ["T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8"],
    };
    const sample = (list: string[], max: number) => [...new Set(Array.from({ length: 1 + Math.floor(random() * max) }, () => pick(list)))];
    for (let i = 0; i < 40; i++) {
      await makeWork(db, pseudId, { fandoms: sample(names.Fandom, 3), characters: sample(names.Character, 3), freeforms: sample(names.Freeform, 4) });
    }
    const all = [...names.Fandom, ...names.Character, ...names.Freeform];
    let applied = 0;
    for (let i = 0; i < 200; i++) {
      const type = pick(["Fandom", "Character", "Freeform"] as const);
      const a = pick(names[type]);
      const b = pick(random() < 0.9 ? names[type] : all);
      const roll = random();
      const op: WranglingOp =
        roll < 0.2
          ? { action: "canonical", tag: a, value: random() < 0.7 }
          : roll < 0.45
            ? { action: "synonym", tag: a, of: random() < 0.8 ? b : null }
            : roll < 0.85
              ? { action: "meta", tag: a, meta: b, remove: random() < 0.3 }
              : roll < 0.95
                ? { action: "parent", tag: a, parent: b, remove: random() < 0.3 }
                : { action: "unwrangleable", tag: a, value: random() < 0.5 };
      const result = await wrangle(db, null, [op]);
      if (result.ok) {
        applied++;
        if (result.jobId !== null && random() < 0.7) await runRefilterNow(db, result.jobId);
      }
      // Now and then a work's own tags change too, through the posting path.
      if (i % 40 === 39) await makeWork(db, pseudId, { fandoms: sample(names.Fandom, 2), freeforms: sample(names.Freeform, 3) });
    }
    await drainJobs(db, TAG_JOB_STEPS);
    assert.ok(applied > 60, `enough operations were accepted to mean something (${applied})`);
    const links = await db.selectFrom("tag_meta").select("sub_id").execute();
    assert.ok(links.length > 0, "some metatag links exist at the end");
    await assertExact(db, `seed ${seed}`);
  });
});
