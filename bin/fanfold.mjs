#!/usr/bin/env node
// The `fanfold` command. In a checkout with dev dependencies it runs the TypeScript source
// through tsx, so it is never stale; an installed build runs the compiled dist/.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const source = `${root}src/cli/run.ts`;
const built = `${root}dist/cli/run.js`;
const useSource = !process.env.FANFOLD_USE_DIST && existsSync(source) && existsSync(`${root}node_modules/tsx`);

if (useSource) {
  const { register } = await import(pathToFileURL(`${root}node_modules/tsx/dist/esm/api/index.mjs`).href);
  register({ tsconfig: `${root}tsconfig.json` }); // JSX settings live there, whatever the cwd
  await import(pathToFileURL(source).href);
} else if (existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  console.error("fanfold: not built yet. Run `npm run build` (or `npm start`, which builds first).");
  process.exit(1);
}
