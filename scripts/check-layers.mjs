#!/usr/bin/env node
// The dependency rules of src/ (.dependency-cruiser.cjs), run by `npm test` and `npm run layers`.
// It prints every violation with the rule's name and reason, then checks what dependency-cruiser's
// module-level rules cannot see: an import loop between folders (a → b → a through different
// files). Exit code 1 on any violation or loop.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { cruise } from "dependency-cruiser";

const root = fileURLToPath(new URL("..", import.meta.url));
process.chdir(root);
const config = createRequire(import.meta.url)("../.dependency-cruiser.cjs");

const result = await cruise(["src", "test", "bench"], { ruleSet: { forbidden: config.forbidden }, validate: true, ...config.options });
const output = result.output;
const violations = output.summary.violations.filter((v) => v.rule.severity === "error");
const ruleComments = new Map(config.forbidden.map((rule) => [rule.name, rule.comment]));

for (const v of violations) {
  const where = v.cycle ? v.cycle.map((step) => step.name ?? step).join(" → ") : `${v.from} → ${v.to}`;
  console.log(`  ✗ ${v.rule.name}: ${where}\n      ${ruleComments.get(v.rule.name) ?? ""}`);
}

// Folder-level loops: the top folder of src/ of each module (a file directly under src/ is its own
// folder), an edge for every import between two folders, then the strongly connected groups.
const isTest = (path) => /\.test\.tsx?$/.test(path) || !path.startsWith("src/");
const folderOf = (path) => path.split("/").slice(0, 2).join("/");
const edges = new Map();
for (const module of output.modules) {
  if (isTest(module.source)) continue;
  for (const dep of module.dependencies) {
    if (!dep.resolved.startsWith("src/") || isTest(dep.resolved)) continue;
    const [a, b] = [folderOf(module.source), folderOf(dep.resolved)];
    if (a === b) continue;
    if (!edges.has(a)) edges.set(a, new Map());
    const examples = edges.get(a);
    if (!examples.has(b)) examples.set(b, `${module.source} → ${dep.resolved}`);
  }
}
const loops = stronglyConnected([...new Set([...edges.keys(), ...[...edges.values()].flatMap((m) => [...m.keys()])])], (n) => [...(edges.get(n)?.keys() ?? [])]).filter((group) => group.length > 1);
for (const group of loops) {
  console.log(`  ✗ no-loop-between-folders: ${group.join(", ")} import each other in a loop`);
  for (const a of group) for (const b of group) if (edges.get(a)?.has(b)) console.log(`      ${a} → ${b}: ${edges.get(a).get(b)}`);
}

const folders = new Set(output.modules.filter((m) => !isTest(m.source)).map((m) => folderOf(m.source)));
console.log(
  `Layers: ${output.summary.totalCruised} modules, ${folders.size} folders under src/; ${violations.length} rule violation(s), ${loops.length} loop(s) between folders.`,
);
process.exit(violations.length || loops.length ? 1 : 0);

/** Tarjan's algorithm: the strongly connected groups of a directed graph. */
function stronglyConnected(nodes, next) {
  let counter = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const groups = [];
  const visit = (v) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const group = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      groups.push(group.sort());
    }
  };
  for (const n of nodes) if (!index.has(n)) visit(n);
  return groups;
}
