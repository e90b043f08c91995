/**
 * Seeded PRNG and byte mutator shared by the encode fuzz tests (test/fuzz/encode*.test.ts).
 */
import { concatBytes } from '../../src/util/bytes.js';

export { mulberry32 as prng } from '../../samples/gen/lib/prng.js';

export function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  let b: Uint8Array = src.slice();
  const n = 1 + Math.floor(rnd() * 6);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(rnd() * Math.max(1, b.length));
    switch (Math.floor(rnd() * 6)) {
      case 0: // bit flip
        if (b.length) b[at] = b[at]! ^ (1 << Math.floor(rnd() * 8));
        break;
      case 1: // interesting byte
        if (b.length) b[at] = [0, 0xff, 0x7f, 0x80, 0x01, 0x28][Math.floor(rnd() * 6)]!;
        break;
      case 2: // truncate
        b = b.subarray(0, at);
        break;
      case 3: // insert random bytes
        b = concatBytes([b.subarray(0, at), Uint8Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => Math.floor(rnd() * 256)), b.subarray(at)]);
        break;
      case 4: // duplicate a slice
        b = concatBytes([b, b.subarray(at, at + Math.floor(rnd() * 64))]);
        break;
      case 5: // delete a slice
        b = concatBytes([b.subarray(0, at), b.subarray(at + Math.floor(rnd() * 16))]);
        break;
    }
  }
  return b;
}
