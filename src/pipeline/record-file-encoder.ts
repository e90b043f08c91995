/**
 * Encoding of one record for the file output: every format, each routed to the file of its task
 * it belongs in (the names of ./file-record-output.ts's folder layout). Split from
 * ./file-record-output.ts because `msrptap verify` and bench/encode-throughput.ts use it without
 * writing any file.
 */
import type { LiRecord } from '../records/li-record.js';
// Not the encoders' index: it also loads the record-file decoders (and protobufjs), which the
// output thread would load for nothing.
import { createRecordEncoder, type RecordEncoder, type RecordEncoderOptions } from '../encode/common/create-record-encoder.js';

export const OUTPUT_FILES = { x2x3: 'x2x3.pdu', hi2: 'hi2.ber', hi3: 'hi3.ber', protobuf: 'records.pb' } as const;

/** One encoded record and the file it goes to. */
export interface RoutedRecord {
  readonly liid: string;
  readonly file: (typeof OUTPUT_FILES)[keyof typeof OUTPUT_FILES];
  readonly bytes: Uint8Array;
}

/**
 * Encodes a record in every format and says which file of its task each encoding goes to. The
 * file output uses it, and `msrptap verify` too, to re-derive the expected files from a capture
 * (same encoders, same sequence numbering, nothing written).
 */
export class RecordFileEncoder {
  private readonly x2x3: RecordEncoder;
  private readonly etsi: RecordEncoder;
  private readonly pb: RecordEncoder;

  constructor(encoderOptions: RecordEncoderOptions = {}) {
    this.x2x3 = createRecordEncoder('x2x3', encoderOptions);
    this.etsi = createRecordEncoder('etsi', encoderOptions);
    this.pb = createRecordEncoder('protobuf', encoderOptions);
  }

  encode(rec: LiRecord): RoutedRecord[] {
    const liid = rec.task.liid;
    const out: RoutedRecord[] = [];
    const x = this.x2x3.encode(rec);
    if (x !== undefined) out.push({ liid, file: OUTPUT_FILES.x2x3, bytes: x.bytes });
    const e = this.etsi.encode(rec);
    if (e !== undefined) out.push({ liid, file: rec.kind === 'iri' ? OUTPUT_FILES.hi2 : OUTPUT_FILES.hi3, bytes: e.bytes });
    const p = this.pb.encode(rec);
    if (p !== undefined) out.push({ liid, file: OUTPUT_FILES.protobuf, bytes: p.bytes });
    return out;
  }
}
