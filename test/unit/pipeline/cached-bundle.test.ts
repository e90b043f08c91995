/**
 * src/pipeline/cached-bundle.ts runs the CommonJS bundles of the build through `vm.Script`
 * (for V8's code cache; the real bundles and caches are checked in test/integration/bundle.test.ts).
 * Here: a small bundle of the same shape runs and gives its exports once per thread, and its
 * `require` is Node's (how the bundle loads the optional native `cap` module).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildIdLine, bundleBuildId, runCachedBundle } from '../../../src/pipeline/cached-bundle.js';

const dir = mkdtempSync(join(tmpdir(), 'msrptap-cached-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BODY = `#!/usr/bin/env node
"use strict";
let evaluated = (globalThis.__msrptapTestEvaluations ?? 0) + 1;
globalThis.__msrptapTestEvaluations = evaluated;
const name = ['node', 'path'].join(':');
exports.load = () => require(name);
exports.file = __filename;
module.exports.answer = 42;
`;
const BUNDLE = BODY + buildIdLine(Buffer.from(BODY));

describe('runCachedBundle', () => {
  it('runs a CommonJS bundle (hashbang kept out), once per thread, without a cache file', () => {
    const file = join(dir, 'b.cjs');
    writeFileSync(file, BUNDLE);
    const a = runCachedBundle(pathToFileURL(file));
    expect(a.cache).toBe('absent');
    expect(a.exports.answer).toBe(42);
    expect(a.exports.file).toBe(file);
    expect(runCachedBundle(pathToFileURL(file))).toBe(a);
    expect((globalThis as { __msrptapTestEvaluations?: number }).__msrptapTestEvaluations).toBe(1);
    expect((a.exports.load as () => { join: (...p: string[]) => string })().join('a', 'b')).toBe(join('a', 'b'));
  });

  it('reads the build id at the end of a bundle only while it is the hash of the text before it', () => {
    const id = createHash('sha256').update(BODY).digest('hex');
    expect(bundleBuildId(Buffer.from(BUNDLE))).toBe(id);
    expect(bundleBuildId(Buffer.from('exports.a = 1;\n'))).toBeUndefined();
    // Changed in place, length and id line kept: no id, so no cache.
    expect(bundleBuildId(Buffer.from(BUNDLE.replace('answer = 42', 'answer = 43')))).toBeUndefined();
    expect(bundleBuildId(Buffer.from(`${BODY}\n//# msrptap-build 0123abcd\n`))).toBeUndefined();
  });
});
