/**
 * The modules a source file loads when it is imported: its value imports, re-exports and
 * side-effect imports, followed through our own .ts files (`import type` and `import()` are not
 * loaded then). For the start-up tests (issue 13: fixed cost is what every run loads).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Value imports and re-exports, and side-effect imports; `import type` and `import()` are not loaded at start. */
const STATIC_RE = /^(?:import|export)\s+(?!type\s)(?:[^;]*?\sfrom\s+)?'([^']+)';/gm;

/** Files (absolute .ts paths) reached from `entry`, and the npm packages they import. */
export function staticGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const f = todo.pop()!;
    if (files.has(f)) continue;
    files.add(f);
    for (const m of readFileSync(f, 'utf8').matchAll(STATIC_RE)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) todo.push(resolve(dirname(f), spec.replace(/\.js$/, '.ts')));
      else if (!spec.startsWith('node:')) packages.add(spec);
    }
  }
  return { files, packages };
}
