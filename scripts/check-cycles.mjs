// Finds import cycles among the TypeScript sources of apps/* and packages/* (or of the folders
// given as arguments). Every import counts, `import type` and `export … from` included: a type-only
// cycle still means two files that cannot be read apart. Specifiers are read with TypeScript's own
// scanner (ts.preProcessFile); relative ones are resolved to files, package names are skipped (pnpm
// refuses a dependency cycle between workspace packages anyway). Prints each cycle as a chain of
// files, one shortest cycle through every file that is on one, and exits 1 when there is any.
//
//   node scripts/check-cycles.mjs [folder …]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const SOURCE = /\.(?:ts|tsx|mts|cts)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.git', '.turbo', '.data']);

/** The TypeScript files under `dir`, node_modules and build output left out. */
export function sourceFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) out.push(...sourceFiles(path));
    } else if (entry.isFile() && SOURCE.test(entry.name)) out.push(path);
  }
  return out;
}

const isFile = (path) => existsSync(path) && statSync(path).isFile();

/** The file a relative specifier names: as written, `.js` for `.ts`, no extension, or a folder's index. */
function resolveRelative(from, specifier) {
  const base = resolve(dirname(from), specifier);
  const candidates = [
    base,
    base.replace(/\.js$/, '.ts'),
    base.replace(/\.js$/, '.tsx'),
    base.replace(/\.mjs$/, '.mts'),
    base.replace(/\.cjs$/, '.cts'),
    `${base}.ts`,
    `${base}.tsx`,
    join(base, 'index.ts'),
  ];
  return candidates.find((c) => SOURCE.test(c) && isFile(c));
}

/** file -> the source files it imports (relative specifiers only). */
export function importGraph(files) {
  const graph = new Map();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = new Set();
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('./') && !fileName.startsWith('../')) continue;
      const target = resolveRelative(file, fileName);
      if (target) targets.add(target);
    }
    graph.set(file, [...targets].sort());
  }
  return graph;
}

/** The strongly connected components of the graph with a cycle in them (Tarjan). */
function cyclicComponents(graph) {
  let next = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) !== index.get(v)) return;
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(new Set(component));
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return components;
}

/** The shortest chain start -> … -> start inside `component` (breadth first). */
function shortestCycle(graph, component, start) {
  const parent = new Map();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i];
    for (const w of graph.get(v) ?? []) {
      if (!component.has(w)) continue;
      if (w === start) {
        const chain = [start];
        for (let u = v; u !== start; u = parent.get(u)) chain.splice(1, 0, u);
        return chain;
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}

/** Every cycle to report: one shortest chain through each file on a cycle, each chain once. */
export function findCycles(graph) {
  const seen = new Set();
  const cycles = [];
  for (const component of cyclicComponents(graph)) {
    for (const file of [...component].sort()) {
      const chain = shortestCycle(graph, component, file);
      // The same loop found from another of its files: compare from its smallest file.
      const first = chain.indexOf([...chain].sort()[0]);
      const key = [...chain.slice(first), ...chain.slice(0, first)].join('\n');
      if (seen.has(key)) continue;
      seen.add(key);
      cycles.push(chain);
    }
  }
  return cycles.sort((a, b) => (a.join('\n') < b.join('\n') ? -1 : 1));
}

/** The folders checked by default: every app and package of the repository. */
function defaultFolders(root) {
  return ['apps', 'packages'].flatMap((group) => {
    const dir = join(root, group);
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => join(dir, e.name));
  });
}

function main(args) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const folders = args.length > 0 ? args.map((a) => resolve(a)) : defaultFolders(root);
  const missing = folders.filter((f) => !existsSync(f) || !statSync(f).isDirectory());
  if (missing.length > 0) {
    console.error(`check-cycles: not a folder: ${missing.join(', ')}`);
    return 2;
  }
  const files = folders.flatMap(sourceFiles);
  const cycles = findCycles(importGraph(files));
  const shown = (f) => relative(process.cwd(), f) || f;
  if (cycles.length === 0) {
    console.log(`no import cycles in ${files.length} TypeScript files`);
    return 0;
  }
  for (const chain of cycles) console.log(`cycle: ${[...chain, chain[0]].map(shown).join(' -> ')}`);
  console.log(
    `${cycles.length} import cycle${cycles.length === 1 ? '' : 's'} in ${files.length} TypeScript files`,
  );
  return 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
