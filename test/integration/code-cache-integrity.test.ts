/**
 * The code cache is checked before V8 sees it (src/pipeline/cached-bundle.ts): V8 on a release
 * build compares only its version, flags and the source's length and verifies no checksum, so
 * without our checks
 * - a cache damaged behind an intact header killed the process (V8 fatal error, SIGTRAP) instead
 *   of costing a compile;
 * - a bundle edited in place (same length, id line kept) ran the cached old code.
 * Runs the built loader (dist/pipeline/cached-bundle.js) in child processes: a V8 fatal error
 * would take the test worker down. (Found by the round-22 review.)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildIdLine, codeCachePath } from '../../src/pipeline/cached-bundle.js';
import { ROOT } from '../helpers/run-cli.js';

const loader = pathToFileURL(join(ROOT, 'dist/pipeline/cached-bundle.js')).href;
const dir = mkdtempSync(join(tmpdir(), 'msrptap-review-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A bundle with enough compiled functions that its cache carries real bytecode; `id`: its build line as built. */
function bundleText(answer: number, idOf = answer): string {
  const body = (a: number): string => {
    const fns: string[] = [];
    for (let i = 0; i < 200; i++) fns.push(`function f${i}(x) { const o = { a: x, b: 'value-${i}', c: [x, x + ${i}] }; return o.c[1] - o.a + ${i % 7}; }`);
    const calls = Array.from({ length: 200 }, (_, i) => `f${i}(1)`).join(' + ');
    return `"use strict";\n${fns.join('\n')}\nexports.sum = () => ${calls};\nexports.answer = ${a};\nexports.sum();\n`;
  };
  return body(answer) + buildIdLine(Buffer.from(body(idOf)));
}

/** Runs the bundle through the built loader in a fresh process. */
function run(file: string, train = false): { status: number | null; signal: string | null; out: { cache: string; answer: number; sum: number } | null; stderr: string } {
  const code = `import { runCachedBundle } from '${loader}'; const r = runCachedBundle(new URL('${pathToFileURL(file).href}')); console.log(JSON.stringify({ cache: r.cache, answer: r.exports.answer, sum: r.exports.sum() }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, MSRPTAP_CODE_CACHE_TRAIN: train ? '1' : '' } });
  let out: { cache: string; answer: number; sum: number } | null = null;
  try {
    out = JSON.parse(r.stdout.trim());
  } catch {}
  return { status: r.status, signal: r.signal, out, stderr: r.stderr.slice(0, 300) };
}

describe('code cache integrity', () => {
  it('a damaged cache file (header intact) costs a compile, not the process', () => {
    const file = join(dir, 'damaged.cjs');
    writeFileSync(file, bundleText(42));
    const trained = run(file, true);
    expect(trained.status).toBe(0);
    expect(run(file).out?.cache).toBe('used');
    const expected = trained.out;
    // Damage the V8 payload (past the module's header line and V8's own 64-byte header).
    const cache = readFileSync(codeCachePath(file));
    const body = cache.indexOf(10) + 1 + 64;
    for (let i = body; i < cache.length; i++) cache[i]! ^= 0x5a;
    writeFileSync(codeCachePath(file), cache);
    const r = run(file);
    expect({ status: r.status, signal: r.signal }, r.stderr).toEqual({ status: 0, signal: null });
    expect(r.out?.answer).toBe(expected?.answer);
    expect(r.out?.sum).toBe(expected?.sum);
  });

  it('a bundle changed in place (same length, same build id line) does not run the cached old code', () => {
    const file = join(dir, 'patched.cjs');
    writeFileSync(file, bundleText(42));
    expect(run(file, true).status).toBe(0);
    // The text changed, its length and its build line (the old build's) kept.
    writeFileSync(file, bundleText(43, 42));
    const r = run(file);
    expect(r.status, r.stderr).toBe(0);
    expect(r.out?.answer).toBe(43);
    expect(r.out?.cache).toBe('absent');
  });
});
