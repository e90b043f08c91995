/**
 * How much garbage V8 may keep: imported first by ./main.ts, before any work.
 *
 * V8 lets the old generation grow to up to ~4× the data that survived the last full GC before
 * it collects again. msrptap's live data is bounded (every table has a cap and a timeout) but a
 * tap should also have a predictable footprint (container limits, appliances): with the default,
 * the peak RSS of `run` depended on when the few full GCs of a run happened to fall (215-255 MiB
 * on the 1000 MB bench capture for ~30 MB of live data). A growing factor of 1.5 keeps the heap
 * near its live data; measured with `npm run bench`-style runs, interleaved: peak RSS -14 %,
 * time within noise (+0.8 %). V8 reads the flag at each heap-limit computation, so setting it at
 * start-up takes effect; it is process-wide (the worker threads get it too).
 */
import { setFlagsFromString } from 'node:v8';

export const HEAP_GROWING_PERCENT = 50;

setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
