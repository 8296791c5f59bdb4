#!/usr/bin/env node
// `npm test`: the whole suite. Installs what it needs (npm packages; Debian's chromium for the
// browser tests when running as root), makes sure PostgreSQL answers on 127.0.0.1:5432, checks
// types and unescaped JSX, then runs every test file with node's test runner.
// Whatever could not be set up is said loudly; under CI=true it is a failure instead.
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const ci = Boolean(process.env.CI);
const missing = [];

const sh = (command, args, options = {}) => spawnSync(command, args, { cwd: root, stdio: "inherit", ...options });
const quiet = (command, args) => spawnSync(command, args, { cwd: root, encoding: "utf8" });
const has = (command) => quiet("sh", ["-c", `command -v ${command}`]).status === 0;
const step = (title) => console.log(`\n== ${title}`);

step("npm dependencies");
const installed = join(root, "node_modules/.package-lock.json");
// A node_modules that is a link to an install shared by several checkouts is left alone: npm ci
// would first empty the folder it points to (breaking every checkout that uses it), then replace
// the link with a private install. Reinstall where the link points instead.
if (existsSync(join(root, "node_modules")) && lstatSync(join(root, "node_modules")).isSymbolicLink()) {
  console.log("node_modules is a link to a shared install: not reinstalling (run npm ci where it points if it is out of date)");
} else if (!existsSync(installed) || statSync(join(root, "package-lock.json")).mtimeMs > statSync(installed).mtimeMs) {
  if (sh("npm", ["ci", "--no-audit", "--no-fund"]).status !== 0) process.exit(1);
} else console.log("up to date");

step("Debian packages (chromium for browser tests and PDFs; epubcheck, poppler-utils and Noto fonts for downloads)");
// Each: a file that shows it is installed, its Debian packages, and what cannot run without it.
const debian = [
  { file: "/usr/bin/chromium", packages: ["chromium"], without: "Chromium (/usr/bin/chromium): browser tests and PDF downloads will not run" },
  { file: "/usr/share/java/epubcheck.jar", packages: ["epubcheck"], without: "epubcheck (/usr/share/java/epubcheck.jar): EPUB downloads will not be validated" },
  { file: "/usr/bin/pdftotext", packages: ["poppler-utils"], without: "poppler-utils (pdftotext): PDF downloads will not be tested" },
  { file: "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", packages: ["fonts-noto-core", "fonts-noto-cjk", "fonts-noto-color-emoji"], without: "Noto fonts (fonts-noto-cjk): PDFs cannot show CJK text" },
  { file: "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf", packages: ["fonts-noto-color-emoji"], without: "Noto Color Emoji (fonts-noto-color-emoji): PDFs cannot show emoji" },
];
const absent = debian.filter((d) => !existsSync(d.file));
if (absent.length && process.getuid?.() === 0 && has("apt-get")) {
  sh("apt-get", ["update", "-qq"]);
  const packages = [...new Set(absent.flatMap((d) => d.packages))];
  sh("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...packages], { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
}
for (const d of debian) {
  if (!existsSync(d.file)) missing.push(d.without);
}
if (debian.every((d) => existsSync(d.file))) console.log("chromium, epubcheck, poppler-utils and fonts present");
if (!has("java")) missing.push("Java: the Nu HTML checker and epubcheck will not run");

step("PostgreSQL on 127.0.0.1:5432");
const pgReady = () => quiet("pg_isready", ["-h", "127.0.0.1", "-p", "5432", "-t", "3"]).status === 0;
if (!pgReady() && has("pg_ctlcluster")) {
  const versions = existsSync("/etc/postgresql") ? readdirSync("/etc/postgresql") : [];
  for (const version of versions) quiet("pg_ctlcluster", ["--skip-systemctl-redirect", version, "main", "start"]);
}
if (pgReady()) console.log("accepting connections");
else missing.push("PostgreSQL at 127.0.0.1:5432: the PostgreSQL half of every database test will not run");

step("../shared beside the repository (reference sample files some tests also read)");
if (existsSync(join(root, "../shared/fixtures/seed-work.txt"))) console.log("present");
else missing.push("../shared/fixtures/seed-work.txt: the seed work's round-trip tests will not run");

step("FanFicFare's Python environment (.test-data/fanficfare-venv, for test/fanficfare.test.ts)");
// FanFicFare itself stays in ../shared/tools (never copied here); its Python dependencies come
// from PyPI into a venv under the ignored .test-data/, remade only when its requirements change.
const fanficfare = join(root, "../shared/tools/fanficfare");
const requirements = join(fanficfare, "requirements.txt");
const venv = join(root, ".test-data/fanficfare-venv");
const venvPython = join(venv, "bin/python");
const installedStamp = join(venv, ".requirements-installed");
if (!existsSync(requirements)) {
  missing.push("../shared/tools/fanficfare: the FanFicFare test will not run");
} else if (existsSync(venvPython) && existsSync(installedStamp) && statSync(installedStamp).mtimeMs >= statSync(requirements).mtimeMs) {
  console.log("up to date");
} else if (!has("python3")) {
  missing.push("python3: FanFicFare's environment cannot be made, the FanFicFare test will not run");
} else {
  const made =
    (existsSync(venvPython) || sh("python3", ["-m", "venv", venv]).status === 0) &&
    sh(venvPython, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", requirements]).status === 0;
  if (made) writeFileSync(installedStamp, `${new Date().toISOString()}\n`);
  else missing.push("FanFicFare's Python dependencies (python3 -m venv, pip install -r ../shared/tools/fanficfare/requirements.txt) could not be installed: the FanFicFare test will not run");
}

if (missing.length) {
  console.error(`\n${"!".repeat(72)}\nNOT AVAILABLE, so parts of the suite CANNOT RUN:\n${missing.map((m) => `  - ${m}`).join("\n")}\n${"!".repeat(72)}\n`);
  if (ci) {
    console.error("CI=true: nothing may be skipped in CI. Failing.");
    process.exit(1);
  }
}

step("Type check");
if (sh("npx", ["tsc", "--noEmit", "-p", "tsconfig.json"]).status !== 0) process.exit(1);
step("Unescaped JSX check (xss-scan)");
if (sh("npx", ["xss-scan", "--cwd", "."]).status !== 0) process.exit(1);
step("Dependency rules (.dependency-cruiser.cjs: floors, public modules, no loops between folders)");
if (sh("node", ["scripts/check-layers.mjs"]).status !== 0) process.exit(1);

// Node 20's --test does not expand globs itself, so the files are listed here.
function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : testFiles(path);
    return /\.test\.tsx?$/.test(entry.name) ? [relative(root, path)] : [];
  });
}
const files = [...testFiles(join(root, "src")), ...testFiles(join(root, "test"))].sort();
step(`Tests (${files.length} files)`);
const result = sh("node", ["--import", "tsx", "--test", "--test-reporter=spec", ...files], {
  env: { ...process.env, NODE_ENV: "test", FANFOLD_BROWSER_REQUIRED: ci ? "1" : process.env.FANFOLD_BROWSER_REQUIRED ?? "" },
});
if (missing.length) console.error(`\nReminder: these did not run: ${missing.join("; ")}`);
process.exit(result.status ?? 1);
