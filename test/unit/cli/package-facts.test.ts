/**
 * Facts the code states about the package that nothing else keeps true: the version written
 * into outputs and manifests equals package.json's, and the declared Node range covers every
 * built-in the code uses (node:zlib `crc32` arrived in Node 20.15.0 and 22.2.0), and the package
 * holds what a user needs and nothing else (no tests, samples, bench or CI files).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../../src/cli/version.js';

const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../package.json'), 'utf8')) as {
  version: string;
  engines: { node: string };
  dependencies: Record<string, string>;
  bin: Record<string, string>;
};

/** Lowest version of each `>=X.Y[.Z]` comparator in an engines range, per major line. */
function lowerBounds(range: string): Array<[number, number, number]> {
  return [...range.matchAll(/>=\s*(\d+)\.(\d+)(?:\.(\d+))?/g)].map((m) => [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)]);
}

function atLeast(v: [number, number, number], min: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) if (v[i] !== min[i]) return v[i]! > min[i]!;
  return true;
}

describe('package facts', () => {
  it('VERSION equals package.json version', () => {
    expect(VERSION).toBe(pkg.version);
  });

  it('engines.node admits no Node without zlib.crc32 (20.15.0 on 20.x, 22.2.0 on 22.x)', () => {
    const bounds = lowerBounds(pkg.engines.node);
    expect(bounds.length).toBeGreaterThan(0);
    for (const b of bounds) {
      const min: [number, number, number] = b[0] === 20 ? [20, 15, 0] : b[0] === 21 ? [21, 99, 0] : [22, 2, 0];
      expect(atLeast(b, min), `engines lower bound ${b.join('.')}`).toBe(true);
    }
    expect(typeof zlib.crc32).toBe('function');
  });

  it('every runtime dependency is imported by src/', async () => {
    const { execFileSync } = await import('node:child_process');
    const root = resolve(import.meta.dirname, '../../..');
    for (const dep of Object.keys(pkg.dependencies)) {
      let hits = '';
      try {
        hits = execFileSync('grep', ['-rlE', `from '${dep}(/[^']*)?'|import\\('${dep}`, 'src'], { cwd: root, encoding: 'utf8' }).trim();
      } catch {
        // grep exits 1 when nothing matches: hits stays empty.
      }
      expect(hits, `${dep} is listed in dependencies but src/ never imports it`).not.toBe('');
    }
  });

  it('npm pack lists only dist/, schemas/, docs/, README.md, CHANGELOG.md and package.json', async () => {
    const { execFileSync } = await import('node:child_process');
    const root = resolve(import.meta.dirname, '../../..');
    // --ignore-scripts: no `prepare` build here; test/global-setup.ts has built dist/ already.
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    const allowed = (p: string): boolean => /^(dist|schemas|docs)\//.test(p) || ['README.md', 'CHANGELOG.md', 'package.json'].includes(p);
    expect(files.filter((f) => !allowed(f))).toEqual([]);
    // And what a user needs is there: the command, the schemas and the docs the README links.
    for (const f of ['package.json', 'README.md', 'CHANGELOG.md', ...Object.values(pkg.bin).map((b) => b.replace(/^\.\//, ''))]) expect(files).toContain(f);
    expect(files.some((f) => f.startsWith('schemas/'))).toBe(true);
    const linked = [...readFileSync(resolve(root, 'README.md'), 'utf8').matchAll(/\]\((docs\/[\w.-]+\.md)/g)].map((m) => m[1]!);
    expect(linked.length).toBeGreaterThan(0);
    for (const d of linked) expect(files).toContain(d);
  });
});
