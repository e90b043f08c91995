/**
 * Property and fuzz runs on fast-check: shrinking, and replayable seeds.
 *
 * A test states its property (`fc.property`) over fast-check arbitraries; the random choices an imperative
 * generator makes (mutation operations, push boundaries, scenario steps) are drawn through
 * {@link Rand}, a `() => number` in [0, 1) backed by `fc.gen()`, so they shrink too (towards 0:
 * the first option, the shortest length). Bulk bytes are one draw each ({@link Rand.bytes}),
 * not one per byte, which keeps runs as fast as the seeded loops they replace.
 *
 * Runs are deterministic by default (each test passes its own seed, as the seeded loops did).
 * Environment knobs:
 * - `MSRPTAP_SEED=<n>` replaces every test's seed (`MSRPTAP_SEED=random`: a fresh one);
 * - `MSRPTAP_FC_PATH=<path>` with the seed replays one failing case, shrunk, as printed on failure;
 * - per-test case counts (`MSRPTAP_MUTANTS`, `MSRPTAP_PATH_CASES`, ...) are read by the tests and
 *   given as `numRuns`;
 * - `MSRPTAP_FC_TIME_LIMIT_MS` (default 45 000, 0: none) bounds a run, shrinking included, below
 *   vitest's 60 s test timeout: a failure still prints its seed and path (shrunk as far as the
 *   time allowed) instead of dying in a timeout, and a run cut short fails (never silently
 *   fewer cases).
 */
import fc from 'fast-check';
import { mulberry32 } from '../../samples/gen/lib/prng.js';

/** Random choices for one case: `rnd()` is uniform-ish in [0, 1) (fast-check biases towards the ends). */
export interface Rand {
  (): number;
  /** An integer in [min, max], inclusive. */
  int(min: number, max: number): number;
  /**
   * `n` bytes in one draw: up to {@link SHRINKABLE_BYTES} as a fast-check array (the contents
   * shrink too), longer ones filled from one drawn 32-bit seed (only the length shrinks: drawing
   * 100 KiB through fast-check byte by byte would dominate the run time).
   */
  bytes(n: number): Uint8Array;
  /** A value of any fast-check arbitrary, drawn (and shrunk) with the rest of the case. */
  draw<T>(arb: fc.Arbitrary<T>): T;
  /** `n` bytes, each one of `alphabet` with probability `p`, any byte otherwise. */
  bytesMixed(n: number, alphabet: readonly number[], p: number): Uint8Array;
}

const U32 = 0x1_0000_0000;

/** Byte strings up to this length are drawn byte by byte through fast-check (see {@link Rand.bytes}). */
export const SHRINKABLE_BYTES = 256;

/** `n` bytes from a 32-bit seed (mulberry32, as samples/gen/lib/prng.ts). */
function fill(n: number, seed: number): Uint8Array {
  const next = mulberry32(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(next() * 256);
  return out;
}

/** A {@link Rand} drawing from fast-check's generator of the current case. */
export function randOf(g: fc.GeneratorValue): Rand {
  const rnd = (): number => g(fc.integer, { min: 0, max: U32 - 1 }) / U32;
  return Object.assign(rnd, {
    int: (min: number, max: number): number => g(fc.integer, { min, max }),
    draw: <T>(arb: fc.Arbitrary<T>): T => g(() => arb),
    bytes: (n: number): Uint8Array => (n <= SHRINKABLE_BYTES ? g(fc.uint8Array, { minLength: n, maxLength: n }) : fill(n, g(fc.integer, { min: 0, max: U32 - 1 }))),
    bytesMixed: (n: number, alphabet: readonly number[], p: number): Uint8Array => {
      // One draw for the whole array: each byte is a (special?, special byte, any byte) triple.
      const cells = g(fc.array, fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(...alphabet), fc.integer({ min: 0, max: 255 })), { minLength: n, maxLength: n });
      return Uint8Array.from(cells, ([u, s, b]) => (u < p ? s : b));
    },
  });
}

/** Options of one property run. */
export interface PropertyOptions {
  /** The test's own seed: runs are the same on every machine unless MSRPTAP_SEED says otherwise. */
  seed: number;
  /** Cases to run (the old loop count, or the test's env knob). */
  numRuns: number;
}

function parameters(o: PropertyOptions): fc.Parameters<unknown> {
  const env = process.env.MSRPTAP_SEED;
  const p: fc.Parameters<unknown> = { numRuns: o.numRuns, seed: o.seed };
  const limit = envCount('MSRPTAP_FC_TIME_LIMIT_MS', 45_000);
  if (limit > 0) {
    p.interruptAfterTimeLimit = limit;
    p.markInterruptAsFailure = true;
  }
  if (env === 'random') delete p.seed;
  else if (env !== undefined && env !== '') p.seed = Number(env);
  const path = process.env.MSRPTAP_FC_PATH;
  if (path !== undefined && path !== '') {
    p.path = path;
    p.endOnFailure = true;
  }
  return p;
}

/** The failure text: fast-check's report (counterexample, shrink count) and how to replay it. */
function failure(d: fc.RunDetails<unknown>): Error {
  const replay = `replay: MSRPTAP_SEED=${d.seed} MSRPTAP_FC_PATH=${d.counterexamplePath ?? ''} npx vitest run <this test file>`;
  return new Error(`${replay}\n${fc.defaultReportMessage(d) ?? 'property failed'}`, { cause: d.errorInstance });
}

/** Runs `property` on `o.numRuns` cases; throws with the seed and the shrunk path on a failure. */
export function checkProperty<Ts>(o: PropertyOptions, property: fc.IProperty<Ts>): void {
  const d = fc.check(property, parameters(o) as fc.Parameters<Ts>);
  if (d.failed) throw failure(d as fc.RunDetails<unknown>);
}

/** {@link checkProperty} for an async property. */
export async function checkAsyncProperty<Ts>(o: PropertyOptions, property: fc.IAsyncProperty<Ts>): Promise<void> {
  const d = await fc.check(property, parameters(o) as fc.Parameters<Ts>);
  if (d.failed) throw failure(d as fc.RunDetails<unknown>);
}

/** A number from an env knob, or `fallback`. */
export function envCount(name: string, fallback: number): number {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : Number(v);
}
