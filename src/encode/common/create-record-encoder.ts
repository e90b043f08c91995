/**
 * One interface over the three output formats, for the pipeline and the deliver sinks: it owns
 * the per-stream sequence numbers (X2/X3 attribute 8 per XID, TS 102 232-1 sequenceNumber per
 * LIID + communicationIdentityNumber) and skips what a format or task does not carry.
 */
import type { MsrptapRecord } from '../../records/li-record.js';
import { wantsCc, wantsIri } from '../../records/task-ref.js';
import { encodePsPdu, type PsPduHeaderParams } from '../asn1/encode-ps-pdu.js';
import { encodeProtobufRecord } from '../protobuf/encode-protobuf-record.js';
import { encodeX2X3Record } from '../x2x3/encode-x2x3-record.js';
import { SequenceAllocator, type SequencePersistence } from './sequence-allocator.js';

export type RecordFormat = 'x2x3' | 'etsi' | 'protobuf';

export interface RecordEncoderOptions {
  /** Mediation fields of the PS-PDU header (format 'etsi'); sequenceNumber is allocated here. */
  readonly psHeader?: Omit<PsPduHeaderParams, 'sequenceNumber'>;
  /** Cap on remembered sequence streams (default 100 000). */
  readonly maxStreams?: number;
  /**
   * Durable sequence reservations (`run --deliver`: numbers never reused across restarts, see
   * ./sequence-allocator.ts). Absent: every stream starts at 0 (file output, reproducible bytes).
   */
  readonly sequencePersistence?: SequencePersistence;
}

export interface EncodedRecord {
  readonly bytes: Uint8Array;
  /** The sequence number written (X2/X3 and ETSI), for audit logs. */
  readonly sequenceNumber?: number;
}

export interface RecordEncoder {
  readonly format: RecordFormat;
  /**
   * Encodes one record; undefined when the format does not carry it (anomalies on X2/X3 and
   * ETSI, IRI for X3Only tasks, CC for X2Only tasks). Throws InvariantError for invalid records.
   */
  encode(r: MsrptapRecord): EncodedRecord | undefined;
  /** Sequence streams evicted by the cap (each restarts at 0 if seen again). */
  readonly evictions: number;
}

/** Creates the encoder for one output format. */
export function createRecordEncoder(format: RecordFormat, opts: RecordEncoderOptions = {}): RecordEncoder {
  const seq = new SequenceAllocator({
    ...(opts.maxStreams !== undefined ? { maxKeys: opts.maxStreams } : {}),
    ...(opts.sequencePersistence !== undefined ? { persistence: opts.sequencePersistence } : {}),
  });
  const wanted = (r: MsrptapRecord): boolean => r.kind !== 'anomaly' && (r.kind === 'iri' ? wantsIri(r.task) : wantsCc(r.task));
  return {
    format,
    get evictions() {
      return seq.evictions;
    },
    encode(r) {
      // The delivery type binds every format (an X2Only task gets no CC anywhere, X3Only no IRI);
      // anomalies exist only on the protobuf analytics stream.
      if (format === 'protobuf') return r.kind === 'anomaly' || wanted(r) ? { bytes: encodeProtobufRecord(r) } : undefined;
      if (r.kind === 'anomaly' || !wanted(r)) return undefined;
      if (format === 'x2x3') {
        // TS 103 221-2 sequence numbers count PDUs per XID (li-standards decision 7).
        const n = seq.allocate(r.task.xid);
        return { bytes: encodeX2X3Record(r, n), sequenceNumber: n };
      }
      // TS 102 232-1 5.2.5: sequence numbers per LIID and communication identity (CIN) stream.
      const n = seq.allocate(`${r.task.liid}\u0000${r.communicationIdentityNumber}\u0000${r.kind}`);
      return { bytes: encodePsPdu(r, { operatorIdentifier: 'msrptap', ...opts.psHeader, sequenceNumber: n }), sequenceNumber: n };
    },
  };
}
