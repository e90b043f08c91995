import { describe, expect, it } from 'vitest';
import {
  DIRECTIONS,
  fromPayloadDirection,
  fromSessionDirection,
  fromTs33128Direction,
  fromX2X3Direction,
  toPayloadDirection,
  toSessionDirection,
  toTs33128Direction,
  toX2X3Direction,
  type Direction,
} from '../../../src/records/direction.js';

/** The mapping table of li-standards 1.4 and 3, one row per Direction. */
const TABLE: [Direction, number, number, number | undefined, number][] = [
  // direction,      X2/X3, SessionDirection, 33.128 Direction, 102 232-1 PayloadDirection
  ['fromTarget', 3, 1, 1, 0],
  ['toTarget', 2, 2, 2, 1],
  ['combined', 4, 3, undefined, 3],
  ['unknown', 1, 4, undefined, 2],
  ['notApplicable', 5, 4, undefined, 4],
];

describe('direction mapping to the three wire vocabularies', () => {
  it('covers every Direction', () => {
    expect(TABLE.map((r) => r[0]).sort()).toEqual([...DIRECTIONS].sort());
  });
  it.each(TABLE)('%s → X2/X3 %i, SessionDirection %i, Direction %s, PayloadDirection %i', (d, x, s, t, p) => {
    expect(toX2X3Direction(d)).toBe(x);
    expect(fromX2X3Direction(x)).toBe(d);
    expect(toSessionDirection(d)).toBe(s);
    expect(toTs33128Direction(d)).toBe(t);
    if (t !== undefined) expect(fromTs33128Direction(t)).toBe(d);
    expect(toPayloadDirection(d)).toBe(p);
    expect(fromPayloadDirection(p)).toBe(d);
  });
  it('indeterminate SessionDirection reads back as unknown', () => {
    expect(fromSessionDirection(4)).toBe('unknown');
    expect(fromSessionDirection(3)).toBe('combined');
  });
  it.each([0, 6, 65535])('X2/X3 code %i has no Direction (0 is the keepalive value)', (c) => {
    expect(fromX2X3Direction(c)).toBeUndefined();
  });
  it('out-of-range codes of the other vocabularies', () => {
    expect(fromSessionDirection(0)).toBeUndefined();
    expect(fromTs33128Direction(3)).toBeUndefined();
    expect(fromPayloadDirection(5)).toBeUndefined();
  });
});
