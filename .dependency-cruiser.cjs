// The layers of src/ and the import rules that keep them (docs/architecture.md explains them).
// `npm test` checks these through scripts/check-layers.mjs, which also fails on any import loop
// between folders; `npx depcruise src --config .dependency-cruiser.cjs` runs the same rules alone.
//
// Each top folder of src/ sits on one floor. A file may import from its own folder and from any
// floor below its own; never from a floor above. On the capabilities floor and the front-ends
// floor, a folder uses another folder of its floor only through that folder's public module
// (`index.ts`), never its handlers, views or internals. Test files are outside the rules: a
// test may reach into what it tests.

/** Bottom to top. A folder not listed here fails the check, so every new folder is placed on purpose. */
const FLOORS = [
  { name: "platform", folders: ["platform"], about: "config, database and migrations, HTTP, HTML sanitizing, i18n, mail, jobs" },
  { name: "read model", folders: ["model"], about: "works/tags/users/series reads, the one visibility rule, paths, blurbs, bylines, vocabulary" },
  { name: "engines", folders: ["listing", "formats"], about: "the listing engine (in-memory index and its column table) and pure format converters" },
  {
    name: "capabilities",
    folders: ["users", "blocking", "tags", "search", "browse", "series", "subscriptions", "responses", "comments", "downloads", "works", "transfer", "admin", "moderation", "reports", "invitations", "news", "leaving", "gifts", "related"],
    about: "use cases that decide and return outcomes, each with its own pages, tables and rules",
    publicModules: true,
  },
  { name: "front-ends", folders: ["pages", "api", "feeds"], about: "pages combining several capabilities, the JSON API, Atom and OPDS", publicModules: true },
  { name: "wiring", folders: ["cli", "app.ts", "app", "oracles"], about: "the route table of every front-end, the fanfold command, and the SQL oracles only the tests and `fanfold bench` use" },
];

const TESTS = ["\\.test\\.tsx?$", "^test/", "^bench/"];
const folderPattern = (folders) => `^src/(${folders.map((f) => f.replace(".", "\\.")).join("|")})(/|$)`;

const upward = FLOORS.slice(0, -1).map((floor, i) => ({
  name: `no-upward-import-from-${floor.name.replace(/ /g, "-")}`,
  comment: `${floor.name} (${floor.folders.join(", ")}) may import only from its own floor and the floors below it: ${floor.about}.`,
  severity: "error",
  from: { path: folderPattern(floor.folders), pathNot: TESTS },
  to: { path: folderPattern(FLOORS.slice(i + 1).flatMap((f) => f.folders)) },
}));

const publicOnly = FLOORS.filter((floor) => floor.publicModules).map((floor) => ({
  name: `public-module-only-on-${floor.name.replace(/ /g, "-")}`,
  comment: `On the ${floor.name} floor a folder uses another folder only through its public module (src/NAME/index.ts), never its handlers, views or internals.`,
  severity: "error",
  from: { path: `^src/([^/]+)/`, pathNot: TESTS },
  to: { path: `${folderPattern(floor.folders)}`, pathNot: ["^src/$1/", `^src/[^/]+/index\\.ts$`] },
}));

module.exports = {
  FLOORS,
  forbidden: [
    ...upward,
    ...publicOnly,
    {
      name: "migrations-are-frozen",
      comment: "A migration imports nothing from src/ outside the database layer (src/platform/db): later changes to application code must not change what an old migration does.",
      severity: "error",
      from: { path: "^src/platform/db/migrations/" },
      to: { path: "^src/", pathNot: ["^src/platform/db/"] },
    },
    {
      name: "every-folder-on-a-floor",
      comment: `Every top folder of src/ is placed on a floor in .dependency-cruiser.cjs (FLOORS).`,
      severity: "error",
      from: { path: "^src/", pathNot: [folderPattern(FLOORS.flatMap((f) => f.folders)), ...TESTS] },
      to: {},
    },
    {
      name: "no-circular-modules",
      comment: "No import loop between modules.",
      severity: "error",
      from: { pathNot: TESTS },
      to: { circular: true },
    },
    {
      name: "application-code-does-not-import-tests",
      comment: "Application code does not import test helpers, test files or benchmarks.",
      severity: "error",
      from: { path: "^src/", pathNot: TESTS },
      to: { path: TESTS },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["node_modules", "^dist/"] },
    includeOnly: "^(src|test|bench)/",
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensionAlias: { ".js": [".ts", ".tsx", ".js"] } },
  },
};
