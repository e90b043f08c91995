/**
 * Fixed start-up cost (issue 13): what `msrptap --version`, `--help` and a usage error load is
 * only what src/cli/main.ts imports statically. The work of each command (pipeline, decoders,
 * delivery, metrics, live capture) and the heavy packages (zod, protobufjs, prom-client, cap,
 * cli-progress) must be behind a dynamic import() in the command's action.
 */
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../../src');
/** Value imports and re-exports, and side-effect imports; `import type` and `import()` are not loaded at start. */
const STATIC_RE = /^(?:import|export)\s+(?!type\s)(?:[^;]*?\sfrom\s+)?'([^']+)';/gm;

function staticGraph(entry: string): { files: Set<string>; packages: Set<string> } {
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

describe('start-up loads only the command line', () => {
  const g = staticGraph(resolve(SRC, 'cli/main.ts'));

  it('finds the command modules', () => {
    expect([...g.files].map((f) => relative(SRC, f))).toContain('cli/run-command.ts');
  });

  it('no npm package but commander', () => {
    expect([...g.packages]).toEqual(['commander']);
  });

  it('no module outside cli/ and the pure core/ and util/', () => {
    const outside = [...g.files].map((f) => relative(SRC, f)).filter((f) => !/^(cli|core|util)\//.test(f));
    expect(outside).toEqual([]);
  });
});
