/**
 * Fixed start-up cost (issue 13): what `msrptap --version`, `--help` and a usage error load is
 * only what src/cli/main.ts imports statically. The work of each command (pipeline, decoders,
 * delivery, metrics, live capture) and the heavy packages (zod, protobufjs, prom-client, cap,
 * cli-progress) must be behind a dynamic import() in the command's action.
 */
import { relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { staticGraph } from '../../helpers/static-graph.js';

const SRC = resolve(import.meta.dirname, '../../../src');

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
