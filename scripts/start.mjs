#!/usr/bin/env node
// `npm start`: installs dependencies when missing, builds, brings the schema up to date and
// serves the archive on an embedded SQLite file under ./data. Extra arguments go to
// `fanfold serve` (`npm start -- --port 8080`).
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const run = (command, args, env = {}) => {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

const installed = `${root}node_modules/.package-lock.json`;
if (!existsSync(installed) || statSync(`${root}package-lock.json`).mtimeMs > statSync(installed).mtimeMs) {
  console.log("Installing dependencies (npm ci; the first time takes a minute or two)…");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
}
console.log("Building…");
run("npx", ["tsc", "-p", "tsconfig.build.json"]);
run("node", ["bin/fanfold.mjs", "serve", "--migrate", ...process.argv.slice(2)], { FANFOLD_USE_DIST: "1" });
