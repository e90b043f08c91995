/**
 * The single direction vocabulary of msrptap, and the ONE place where it is mapped to the three
 * wire vocabularies that LI standards use for the same idea (li-standards.md 1.4 and 3):
 *
 * | Direction       | X2/X3 payload direction (TS 103 221-2) | 33.128 SessionDirection | 33.128 Direction | TS 102 232-1 PayloadDirection |
 * | --------------- | -------------------------------------- | ----------------------- | ---------------- | ----------------------------- |
 * | 'fromTarget'    | 3 sent from the target                 | fromTarget(1)           | fromTarget(1)    | fromTarget(0)                 |
 * | 'toTarget'      | 2 sent to the target                   | toTarget(2)             | toTarget(2)      | toTarget(1)                   |
 * | 'combined'      | 4 more than one direction              | combined(3)             | (none)           | combined(3)                   |
 * | 'unknown'       | 1 unknown to the POI                   | indeterminate(4)        | (none)           | indeterminate(2)              |
 * | 'notApplicable' | 5 not applicable                       | indeterminate(4)        | (none)           | notapplicable(4)              |
 *
 * Value 0 of the X2/X3 field is reserved for keepalives and never maps to a Direction.
 * The 33.128 `Direction` type has only two values: callers get `undefined` for the others and
 * must decide (encoders treat it as an invariant violation, see src/encode/asn1).
 */

/** Direction of a message or packet relative to the intercepted target. */
export type Direction = 'fromTarget' | 'toTarget' | 'combined' | 'unknown' | 'notApplicable';

/** All Direction values, e.g. for table-driven tests and option parsing. */
export const DIRECTIONS: readonly Direction[] = ['fromTarget', 'toTarget', 'combined', 'unknown', 'notApplicable'];

/** TS 103 221-2 Payload Direction codes (li-standards 1.4). */
export const X2X3Direction = {
  RESERVED: 0,
  UNKNOWN: 1,
  TO_TARGET: 2,
  FROM_TARGET: 3,
  COMBINED: 4,
  NOT_APPLICABLE: 5,
} as const;

const TO_X2X3: Record<Direction, number> = {
  fromTarget: X2X3Direction.FROM_TARGET,
  toTarget: X2X3Direction.TO_TARGET,
  combined: X2X3Direction.COMBINED,
  unknown: X2X3Direction.UNKNOWN,
  notApplicable: X2X3Direction.NOT_APPLICABLE,
};

/** Direction → X2/X3 Payload Direction code (1..5). */
export function toX2X3Direction(d: Direction): number {
  return TO_X2X3[d];
}

/** X2/X3 Payload Direction code → Direction; undefined for 0 (keepalive) and unassigned codes. */
export function fromX2X3Direction(code: number): Direction | undefined {
  for (const [d, c] of Object.entries(TO_X2X3)) if (c === code) return d as Direction;
  return undefined;
}

/** 3GPP TS 33.128 `SessionDirection` ENUMERATED values. */
export const SessionDirectionCode = { fromTarget: 1, toTarget: 2, combined: 3, indeterminate: 4 } as const;

/**
 * Direction → 33.128 SessionDirection (1..4). 'unknown' and 'notApplicable' both become
 * indeterminate(4): the type has no "not applicable" value.
 */
export function toSessionDirection(d: Direction): number {
  switch (d) {
    case 'fromTarget':
      return SessionDirectionCode.fromTarget;
    case 'toTarget':
      return SessionDirectionCode.toTarget;
    case 'combined':
      return SessionDirectionCode.combined;
    default:
      return SessionDirectionCode.indeterminate;
  }
}

/** 33.128 SessionDirection → Direction (indeterminate → 'unknown'); undefined for other values. */
export function fromSessionDirection(code: number): Direction | undefined {
  switch (code) {
    case 1:
      return 'fromTarget';
    case 2:
      return 'toTarget';
    case 3:
      return 'combined';
    case 4:
      return 'unknown';
    default:
      return undefined;
  }
}

/** 33.128 `Direction` ENUMERATED values (only two). */
export const Ts33128DirectionCode = { fromTarget: 1, toTarget: 2 } as const;

/** Direction → 33.128 Direction (1 or 2); undefined when the direction is not one of those two. */
export function toTs33128Direction(d: Direction): number | undefined {
  if (d === 'fromTarget') return Ts33128DirectionCode.fromTarget;
  if (d === 'toTarget') return Ts33128DirectionCode.toTarget;
  return undefined;
}

/** 33.128 Direction → Direction. */
export function fromTs33128Direction(code: number): Direction | undefined {
  if (code === 1) return 'fromTarget';
  if (code === 2) return 'toTarget';
  return undefined;
}

/** ETSI TS 102 232-1 `PayloadDirection` ENUMERATED values. */
export const PayloadDirectionCode = { fromTarget: 0, toTarget: 1, indeterminate: 2, combined: 3, notapplicable: 4 } as const;

const TO_PAYLOAD_DIRECTION: Record<Direction, number> = {
  fromTarget: PayloadDirectionCode.fromTarget,
  toTarget: PayloadDirectionCode.toTarget,
  combined: PayloadDirectionCode.combined,
  unknown: PayloadDirectionCode.indeterminate,
  notApplicable: PayloadDirectionCode.notapplicable,
};

/** Direction → TS 102 232-1 PayloadDirection (0..4). */
export function toPayloadDirection(d: Direction): number {
  return TO_PAYLOAD_DIRECTION[d];
}

/** TS 102 232-1 PayloadDirection → Direction; undefined for values outside 0..4. */
export function fromPayloadDirection(code: number): Direction | undefined {
  for (const [d, c] of Object.entries(TO_PAYLOAD_DIRECTION)) if (c === code) return d as Direction;
  return undefined;
}
