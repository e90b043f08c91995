/**
 * Commented hex fixtures: each line starts with hex byte pairs, then two or more spaces and a
 * comment; continuation lines may hold only hex. Everything after the hex run is ignored.
 */
import { fromHex } from '../../../../src/util/bytes.js';

export function bytesOf(commented: string): Uint8Array {
  const hexOnly = commented
    .split('\n')
    .map((l) => l.trim())
    .map((l) => /^([0-9a-f]{2}(?: [0-9a-f]{2})*)(?:\s{2,}|$)/.exec(l)?.[1] ?? '')
    .join(' ');
  return fromHex(hexOnly);
}
