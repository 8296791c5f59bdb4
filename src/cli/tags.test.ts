import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { eachDialect } from "../../test/support/db.js";
import type { Db } from "../platform/db/index.js";
import { computeFilterSets } from "../tags/filters.js";
import { findTagByName } from "../model/tags.js";
import { runRefilterNow } from "../tags/refilter.js";
import { type WranglingOp, wrangle } from "../tags/wrangling.js";
import { createUser } from "../users/commands.js";
import { createWork } from "../works/commands.js";
import { parseCsv, readWranglingCsv } from "./tags.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

function fanfold(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, [join(ROOT, "bin/fanfold.mjs"), ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: "utf8" });
}

/** Runs `fanfold tags ...`, asserting the exit code; returns stdout and stderr. */
function tags(env: Record<string, string>, args: string[], status = 0) {
  const run = fanfold(["tags", ...args], env);
  assert.equal(run.status, status, `fanfold tags ${args.join(" ")}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  return run;
}

async function makeCreator(db: Db): Promise<number> {
  const user = await createUser(db, { login: "cli_wrangler", email: "cli_wrangler@example.com", password: "a fine password" });
  assert.ok(user.ok);
  return (await db.selectFrom("pseuds").select("id").where("user_id", "=", user.value.id).executeTakeFirstOrThrow()).id;
}

async function makeWork(db: Db, pseudId: number, tags: { fandoms: string[]; characters?: string[]; freeforms?: string[] }): Promise<number> {
  const { workId } = await createWork(
    db,
    {
      title: "A work",
      pseudIds: [pseudId],
      rating: "General Audiences",
      warnings: ["No Archive Warnings Apply"],
      categories: [],
      tags: { Fandom: tags.fandoms, Relationship: [], Character: tags.characters ?? [], Freeform: tags.freeforms ?? [] },
      language: "en",
      summary: "",
      notes: "",
      endnotes: "",
      restricted: false,
      commentPermission: "all",
      expectedChapters: 1,
      publishedOn: null,
    },
    [{ title: "", summary: "", notes: "", endnotes: "", content: "<p>Some words to read.</p>" }],
    { draft: false },
  );
  return workId;
}

/** Three works: A (hurt/comfort, Alice), B (Hurt and Comfort), C (Fluff, Comfort, a fandom with quotes). */
async function seed(db: Db) {
  const pseudId = await makeCreator(db);
  const a = await makeWork(db, pseudId, { fandoms: ["Fandom One"], characters: ["Alice"], freeforms: ["hurt/comfort"] });
  const b = await makeWork(db, pseudId, { fandoms: ["Fandom One"], freeforms: ["Hurt and Comfort"] });
  const c = await makeWork(db, pseudId, { fandoms: ['The "Good" Place'], freeforms: ["Fluff", "Comfort"] });
  return { a, b, c };
}

async function apply(db: Db, ...ops: WranglingOp[]) {
  const result = await wrangle(db, null, ops);
  assert.ok(result.ok, result.ok ? "" : result.message);
  if (result.jobId !== null) await runRefilterNow(db, result.jobId);
}

/** Names of the tags in a work's stored filter set, sorted. */
async function filterNames(db: Db, workId: number): Promise<string[]> {
  const rows = await db.selectFrom("work_filters").innerJoin("tags", "tags.id", "work_filters.tag_id").select("tags.name").where("work_filters.work_id", "=", workId).execute();
  return rows.map((r) => r.name).sort();
}

/** A snapshot of everything wrangling may change, to show a refused command changed nothing. */
async function graphSnapshot(db: Db) {
  return {
    tags: await db.selectFrom("tags").select(["id", "canonical", "merger_id", "unwrangleable"]).orderBy("id").execute(),
    parents: await db.selectFrom("tag_parents").selectAll().orderBy("child_id").orderBy("parent_id").execute(),
    metas: await db.selectFrom("tag_meta").selectAll().orderBy("sub_id").orderBy("meta_id").execute(),
    filters: await db.selectFrom("work_filters").selectAll().orderBy("work_id").orderBy("tag_id").execute(),
    log: await db.selectFrom("wrangling_log").select("id").execute(),
    jobs: await db.selectFrom("jobs").select("id").execute(),
  };
}

/** The stored filter sets equal a from-scratch recomputation for every work. */
async function assertExact(db: Db) {
  const ids = (await db.selectFrom("works").select("id").orderBy("id").execute()).map((w) => w.id);
  const wanted = await computeFilterSets(db, ids);
  for (const id of ids) {
    const stored = await db.selectFrom("work_filters").select(["tag_id", "inherited"]).where("work_id", "=", id).orderBy("tag_id").execute();
    const want = [...wanted.get(id)!.filters].sort((x, y) => x[0] - y[0]).map(([tag_id, inherited]) => ({ tag_id, inherited: inherited ? 1 : 0 }));
    assert.deepEqual(stored, want, `work ${id}: stored filter set equals a recomputation`);
  }
}

function env(url: string) {
  return { DATABASE_URL: url, DATA_DIR: mkdtempSync(join(tmpdir(), "fanfold-tags-cli-")) };
}

test("CSV parsing: quoted fields with commas, doubled quotes and line breaks; line numbers; malformed rows", () => {
  const parsed = parseCsv('\ufeffaction,tag,target\r\ncanonical,"a, b",\r\n\r\nsynonym, "The ""Good"" Place" ,x\n"multi\nline",y,z\nlast,row,"end"');
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.records, [
    { line: 1, fields: ["action", "tag", "target"] },
    { line: 2, fields: ["canonical", "a, b", ""] },
    { line: 4, fields: ["synonym", 'The "Good" Place', "x"] },
    { line: 5, fields: ["multi\nline", "y", "z"] },
    { line: 7, fields: ["last", "row", "end"] },
  ]);
  assert.deepEqual(parseCsv('a,b\n"open,c\n'), { ok: false, line: 2, message: 'a quoted field is not closed (a " is missing)' });
  assert.equal((parseCsv('a,b\nx,y"z\n') as { line: number }).line, 2);
  assert.equal((parseCsv('a,b\n"x"y,z\n') as { line: number }).line, 2);

  const csv = readWranglingCsv('action,tag,target\ncanonical,"Fandom One",\nSYNONYM,"hurt/comfort", Hurt and Comfort\nunparent,Alice,"Fandom One"\nunsynonym,x,\nnot-canonical,y\n');
  assert.ok(csv.ok);
  assert.deepEqual(csv.lines, [2, 3, 4, 5, 6]);
  assert.deepEqual(csv.ops, [
    { action: "canonical", tag: "Fandom One", value: true },
    { action: "synonym", tag: "hurt/comfort", of: "Hurt and Comfort" },
    { action: "parent", tag: "Alice", parent: "Fandom One", remove: true },
    { action: "synonym", tag: "x", of: null },
    { action: "canonical", tag: "y", value: false },
  ]);
  const bad = (text: string) => {
    const result = readWranglingCsv(text);
    assert.equal(result.ok, false, text);
    return result as { line: number; message: string };
  };
  assert.match(bad("tag,action\n").message, /header row must be action,tag,target/);
  assert.match(bad("").message, /empty/);
  assert.deepEqual(bad("action,tag,target\ncanonical,a,\nsynonym,Fluff, probably,Comfort\n").line, 3);
  assert.match(bad("action,tag,target\nsynonym,Fluff, probably,Comfort\n").message, /4 fields, but the header has 3/);
  assert.match(bad("action,tag,target\nmerge,a,b\n").message, /unknown action "merge"/);
  assert.match(bad("action,tag,target\nsynonym,a,\n").message, /synonym needs a target/);
  assert.match(bad("action,tag,target\ncanonical,a,b\n").message, /takes no target/);
  assert.match(bad("action,tag,target\nmeta,,b\n").message, /the tag is empty/);
});

test("fanfold tags: every command prints what changed and how many works were re-filtered", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { a, b, c } = await seed(db);
    const e = env(url);

    let run = tags(e, ["canonical", "Fandom One", "Hurt and Comfort", "Alice", "comfort"]);
    assert.equal(run.stdout, '"Fandom One" is now canonical.\n"Hurt and Comfort" is now canonical.\n"Alice" is now canonical.\n"Comfort" is now canonical.\nRe-filtered 3 works.\n');
    assert.match(run.stderr, /^re-filtering 3\/3$/m, "progress on stderr, plain lines when not a terminal");
    assert.deepEqual(await filterNames(db, a), ["Alice", "Fandom One", "General Audiences", "No Archive Warnings Apply"]);

    run = tags(e, ["synonym", "HURT/COMFORT", "--of", "hurt and comfort"]);
    assert.equal(run.stdout, '"hurt/comfort" is now a synonym of "Hurt and Comfort".\nRe-filtered 1 work.\n');
    assert.ok((await filterNames(db, a)).includes("Hurt and Comfort"), "a synonym's works are found under its canonical");

    run = tags(e, ["meta", "Hurt and Comfort", "--meta", "Comfort"]);
    assert.equal(run.stdout, '"Comfort" is now a metatag of "Hurt and Comfort".\nRe-filtered 2 works.\n');
    for (const id of [a, b, c]) assert.ok((await filterNames(db, id)).includes("Comfort"));

    run = tags(e, ["parent", "Alice", "--parent", "Fandom One"]);
    assert.equal(run.stdout, '"Fandom One" is now a parent of "Alice".\nRe-filtered 0 works.\n');

    run = tags(e, ["show", "hurt and comfort"]);
    assert.equal(
      run.stdout,
      [
        "name:                Hurt and Comfort",
        "type:                Additional Tags",
        "status:              canonical",
        'synonyms:            "hurt/comfort"',
        "parents:             (none)",
        "child tags:          (none)",
        'metatags:            "Comfort"',
        "subtags:             (none)",
        "works tagged:        1",
        "works in filter set: 2",
        "",
      ].join("\n"),
    );
    assert.match(tags(e, ["show", "Comfort"]).stdout, /subtags: +"Hurt and Comfort"\n[^]*works tagged: +1\nworks in filter set: 3\n/);
    assert.match(tags(e, ["show", "hurt/comfort"]).stdout, /status: +synonym of "Hurt and Comfort"\n/);
    run = tags(e, ["show", "Alice"]);
    assert.match(run.stdout, /type: +Character\n/);
    assert.match(run.stdout, /parents: +"Fandom One" \(Fandom\)\n/);
    assert.match(tags(e, ["show", "Fandom One"]).stdout, /child tags: +1 Character\n/);

    // And each link undone.
    assert.equal(tags(e, ["parent", "Alice", "--parent", "Fandom One", "--remove"]).stdout, '"Fandom One" is no longer a parent of "Alice".\nRe-filtered 0 works.\n');
    assert.equal(tags(e, ["meta", "Hurt and Comfort", "--meta", "Comfort", "--remove"]).stdout, '"Comfort" is no longer a metatag of "Hurt and Comfort".\nRe-filtered 2 works.\n');
    assert.ok(!(await filterNames(db, a)).includes("Comfort"));
    assert.ok(!(await filterNames(db, b)).includes("Comfort"));
    assert.equal(tags(e, ["synonym", "hurt/comfort", "--of", ""]).stdout, '"hurt/comfort" is no longer a synonym.\nRe-filtered 1 work.\n');
    assert.ok(!(await filterNames(db, a)).includes("Hurt and Comfort"));
    assert.equal(tags(e, ["synonym", "hurt/comfort", "--remove"]).stdout, '"hurt/comfort" was not a synonym.\nRe-filtered 0 works.\n');
    assert.equal(tags(e, ["canonical", "Alice", "--not"]).stdout, '"Alice" is no longer canonical.\nRe-filtered 1 work.\n');
    assert.ok(!(await filterNames(db, a)).includes("Alice"));

    assert.equal(tags(e, ["unwrangleable", "fluff"]).stdout, '"Fluff" is now unwrangleable.\nRe-filtered 0 works.\n');
    assert.match(tags(e, ["show", "Fluff"]).stdout, /status: +unwrangleable\n/);
    assert.equal(tags(e, ["unwrangleable", "Fluff", "--not"]).stdout, '"Fluff" is no longer unwrangleable.\nRe-filtered 0 works.\n');
    assert.match(tags(e, ["show", "Fluff"]).stdout, /status: +unwrangled\n/);

    assert.equal(tags(e, ["show", "No Such Tag"], 1).stderr, 'fanfold: There is no tag named "No Such Tag".\n');
    assert.match(tags(e, ["synonym", "Fluff"], 1).stderr, /^fanfold: Usage: fanfold tags synonym NAME --of CANONICAL/);
    assert.match(tags(e, ["frobnicate"], 1).stderr, /unknown tags command "frobnicate"/);
    await assertExact(db);
  });
});

test("fanfold tags apply: a CSV applies every row, or none when one row is bad", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    const { a, b, c } = await seed(db);
    const e = env(url);
    const before = await graphSnapshot(db);

    // A malformed row (an unquoted comma) on line 4: nothing is applied, the line is named.
    const malformed = join(e.DATA_DIR, "malformed.csv");
    writeFileSync(malformed, 'action,tag,target\ncanonical,"Fandom One",\ncanonical,Comfort,\nsynonym,Fluff, probably,Comfort\n');
    assert.equal(tags(e, ["apply", malformed], 1).stderr, `fanfold: ${malformed}:4: 4 fields, but the header has 3 (a name with a comma must be in quotes)\n`);
    // A well-formed row the archive refuses (no such tag; quoted, with a comma): nothing is applied.
    const refused = join(e.DATA_DIR, "refused.csv");
    writeFileSync(refused, 'action,tag,target\ncanonical,"Fandom One",\ncanonical,Comfort,\nunwrangleable,"Fluff, probably",\n');
    assert.equal(tags(e, ["apply", refused], 1).stderr, `fanfold: ${refused}:4: There is no tag named "Fluff, probably".\n`);
    assert.deepEqual(await graphSnapshot(db), before, "a refused file applies nothing");

    const good = join(e.DATA_DIR, "good.csv");
    writeFileSync(
      good,
      [
        "action,tag,target",
        'canonical,"Fandom One",',
        'canonical,"The ""Good"" Place",',
        'canonical, "Hurt and Comfort" ,',
        "canonical,Comfort,",
        'synonym,"hurt/comfort","Hurt and Comfort"',
        'meta,"Hurt and Comfort",Comfort',
        'parent,Alice,"Fandom One"',
        "unwrangleable,Fluff,",
        "",
      ].join("\r\n"),
    );
    const run = tags(e, ["apply", good]);
    assert.equal(
      run.stdout,
      [
        '"Fandom One" is now canonical.',
        '"The "Good" Place" is now canonical.',
        '"Hurt and Comfort" is now canonical.',
        '"Comfort" is now canonical.',
        '"hurt/comfort" is now a synonym of "Hurt and Comfort".',
        '"Comfort" is now a metatag of "Hurt and Comfort".',
        '"Fandom One" is now a parent of "Alice".',
        '"Fluff" is now unwrangleable.',
        "Re-filtered 3 works.",
        `${good}: applied 8 actions.`,
        "",
      ].join("\n"),
    );
    assert.deepEqual(await filterNames(db, a), ["Comfort", "Fandom One", "General Audiences", "Hurt and Comfort", "No Archive Warnings Apply"]);
    assert.deepEqual(await filterNames(db, b), ["Comfort", "Fandom One", "General Audiences", "Hurt and Comfort", "No Archive Warnings Apply"]);
    assert.deepEqual(await filterNames(db, c), ["Comfort", "General Audiences", "No Archive Warnings Apply", 'The "Good" Place']);
    const row = await db
      .selectFrom("work_filters")
      .select("inherited")
      .where("work_id", "=", b)
      .where("tag_id", "=", (await findTagByName(db, "Comfort"))!.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.inherited, 1, "a metatag is an inherited filter");

    const undo = join(e.DATA_DIR, "undo.csv");
    writeFileSync(undo, 'action,tag,target\nunmeta,"Hurt and Comfort",Comfort\nunsynonym,hurt/comfort,\nunparent,Alice,Fandom One\nnot-canonical,Comfort,\n');
    assert.match(tags(e, ["apply", undo]).stdout, /"Comfort" is no longer canonical\.\nRe-filtered 3 works\.\n/);
    assert.deepEqual(await filterNames(db, a), ["Fandom One", "General Audiences", "No Archive Warnings Apply"]);
    await assertExact(db);
  });
});

test("fanfold tags: refusals say why on one line, exit 1 and change nothing", async (t) => {
  await eachDialect(t, async (_t, { db, url }) => {
    await seed(db);
    await apply(
      db,
      { action: "canonical", tag: "Fandom One", value: true },
      { action: "canonical", tag: "Alice", value: true },
      { action: "canonical", tag: "Hurt and Comfort", value: true },
      { action: "canonical", tag: "Comfort", value: true },
      { action: "synonym", tag: "hurt/comfort", of: "Hurt and Comfort" },
      { action: "meta", tag: "Hurt and Comfort", meta: "Comfort" },
    );
    const e = env(url);
    const before = await graphSnapshot(db);
    const refusals: [string[], RegExp][] = [
      [["meta", "Comfort", "--meta", "Hurt and Comfort"], /"Comfort" is already above "Hurt and Comfort"; making "Hurt and Comfort" its metatag would make a cycle\./],
      [["synonym", "Fluff", "--of", "hurt/comfort"], /"hurt\/comfort" is itself a synonym; choose its canonical tag instead \(a synonym of a synonym is not allowed\)\./],
      [["parent", "Fandom One", "--parent", "Alice"], /A Fandom tag can't have the Character tag "Alice" as a parent \(allowed parent types: Media\)\./],
      [["canonical", "General Audiences", "--not"], /"General Audiences" is one of the archive's fixed tags and is always canonical\./],
      [["synonym", "Comfort", "--of", "Comfort"], /can't be a synonym of itself/],
    ];
    for (const [args, message] of refusals) {
      const run = tags(e, args, 1);
      assert.match(run.stderr, message);
      assert.equal(run.stderr.split("\n").filter(Boolean).length, 1, `one line: ${run.stderr}`);
      assert.equal(run.stdout, "");
    }
    // Several names in one command are all or nothing too.
    assert.match(tags(e, ["canonical", "Alice", "Not Rated", "--not"], 1).stderr, /"Not Rated" is one of the archive's fixed tags/);
    const csv = join(e.DATA_DIR, "cycle.csv");
    writeFileSync(csv, 'action,tag,target\ncanonical,Fluff,\nmeta,Comfort,"Hurt and Comfort"\n');
    assert.equal(tags(e, ["apply", csv], 1).stderr, `fanfold: ${csv}:3: "Comfort" is already above "Hurt and Comfort"; making "Hurt and Comfort" its metatag would make a cycle.\n`);
    assert.deepEqual(await graphSnapshot(db), before, "no refused command changed anything");
  });
});
