/**
 * Which interception task a record belongs to: the X1-provisioned task (ETSI TS 103 221-1
 * concepts: XID, delivery type) plus the warrant reference (LIID, TS 103 280) and which target
 * identifier matched.
 */

/** X1 delivery type: which of X2 (IRI) and X3 (CC) the task asks for. */
export type DeliveryType = 'X2andX3' | 'X2Only' | 'X3Only';

/** The target's role in the SIP session the record belongs to (RFC 3261 caller / callee). */
export type TargetRole = 'originating' | 'terminating' | 'unknown';

export interface TaskRef {
  /** X1 task identifier (XID): a UUID string, e.g. "0b8e6e0c-...". Written on the wire in RFC 4122 byte order. */
  readonly xid: string;
  /** Lawful interception identifier of the warrant (TS 103 280 LIID, 1..25 characters). */
  readonly liid: string;
  readonly deliveryType: DeliveryType;
  /** The target identifier text that matched, as provisioned (e.g. "sip:alice@example.com", "tel:+4930123"). */
  readonly matchedTargetId: string;
  readonly targetRole: TargetRole;
}

/** True when the task wants IRI (X2 / HI2) records. */
export function wantsIri(t: TaskRef): boolean {
  return t.deliveryType !== 'X3Only';
}

/** True when the task wants CC (X3 / HI3) records. */
export function wantsCc(t: TaskRef): boolean {
  return t.deliveryType !== 'X2Only';
}
