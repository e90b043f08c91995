/**
 * The records msrptap emits. A record = task + where/when + session correlation + one event.
 * Correlation (src/correlate) fills these; encoders (src/encode) read them and know nothing of
 * SIP/MSRP parsing.
 */
import type { AnomalyCode } from '../core/anomaly.js';
import type { CcEvent } from './cc-event.js';
import type { Direction } from './direction.js';
import type { IriEvent, IriType } from './iri-event.js';
import type { NetworkContext } from './network-context.js';
import type { TaskRef } from './task-ref.js';

/** Fields every LI record has. */
export interface LiRecordBase {
  readonly task: TaskRef;
  readonly network: NetworkContext;
  /**
   * 8 bytes identifying the intercepted session for this task (X2/X3 Correlation ID,
   * TS 103 221-2 header octets 32..39): equal for all IRI and CC of one SIP/MSRP session.
   */
  readonly correlationId: Uint8Array;
  /** TS 102 232-1 communicationIdentityNumber (0..2^32-1): per-session number on HI2/HI3. */
  readonly communicationIdentityNumber: number;
  /** Direction of this message/packet relative to the target. */
  readonly direction: Direction;
}

export interface IriRecord extends LiRecordBase {
  readonly kind: 'iri';
  readonly iriType: IriType;
  readonly event: IriEvent;
}

export interface CcRecord extends LiRecordBase {
  readonly kind: 'cc';
  readonly event: CcEvent;
}

export type LiRecord = IriRecord | CcRecord;

/** An anomaly reported to analytics consumers (protobuf output only; never on X2/X3 or HI2/HI3). */
export interface AnomalyRecord {
  readonly kind: 'anomaly';
  readonly code: AnomalyCode;
  readonly frameNo?: number;
  /** Numbers and field names only (see src/core/anomaly.ts). */
  readonly detail?: string;
  readonly tsSec: number;
  readonly tsNsec: number;
}

/** Everything the protobuf analytics stream can carry. */
export type MsrptapRecord = LiRecord | AnomalyRecord;
