/** Anomalies of the msrp layer (RFC 4975, RFC 4976, RFC 7701). See ../anomaly.ts for the rules. */
import type { AnomalyDef } from '../anomaly.js';

export const MSRP_ANOMALIES = {
  // --- framer (RFC 4975 sections 7 and 9) ---
  'msrp.garbage_skipped': { severity: 'warning', mayHideTarget: true, description: 'bytes that are not part of an MSRP frame were skipped to resynchronise at the next "MSRP " line' },
  'msrp.bad_start_line': { severity: 'warning', mayHideTarget: true, description: 'a line starting "MSRP " is not a valid request or response start line; the frame was skipped' },
  'msrp.bad_transaction_id': { severity: 'info', mayHideTarget: false, description: 'a transaction id is outside the 4..32 character length of RFC 4975 ident (accepted)' },
  'msrp.unknown_method': { severity: 'info', mayHideTarget: false, description: 'a request uses a method other than SEND, REPORT, AUTH or NICKNAME (kept)' },
  'msrp.bad_header_line': { severity: 'warning', mayHideTarget: false, description: 'a header line has no "name:" part or is folded; it was ignored' },
  'msrp.bad_header_value': { severity: 'warning', mayHideTarget: false, description: 'a known header has a value that does not match its grammar (detail names the header)' },
  'msrp.bad_uri': { severity: 'warning', mayHideTarget: false, description: 'an MSRP URI in a path header does not match RFC 4975 section 9; it was left out' },
  'msrp.duplicate_header': { severity: 'info', mayHideTarget: false, description: 'a single-valued header appears more than once; the first one is used' },
  'msrp.missing_header': { severity: 'warning', mayHideTarget: false, description: 'a header that RFC 4975 requires for this request or response is absent (detail names it)' },
  'msrp.bare_lf': { severity: 'info', mayHideTarget: false, description: 'a start or header line ends in LF without CR' },
  'msrp.headers_too_large': { severity: 'error', mayHideTarget: true, description: 'a frame start line and headers exceed the header cap; the frame was skipped' },
  'msrp.response_with_body': { severity: 'warning', mayHideTarget: false, description: 'a response carries a body, which RFC 4975 does not allow (body streamed anyway)' },
  'msrp.body_too_large': { severity: 'error', mayHideTarget: true, description: 'no end-line was found within the body cap; the frame was cut and the stream resynchronised' },
  'msrp.body_overrun': {
    severity: 'error',
    mayHideTarget: true,
    description: 'no end-line of the transaction where its numeric Byte-Range says the body ends; the frame was cut at the declared length and the stream resynchronised (detail: body bytes, declared length)',
  },
  'msrp.frame_boundary_in_body': {
    severity: 'error',
    mayHideTarget: true,
    description: 'a start line (or, in a body without a numeric range-end, another transaction end-line) inside a body whose end-line was not verified; the frame was cut before it and the line framed as the next frame',
  },
  'msrp.frame_lost_in_gap': {
    severity: 'warning',
    mayHideTarget: true,
    description: 'a TCP gap, or a retransmission contradicting bytes already seen (gap=0), cut a frame; its remaining bytes were skipped (detail: bytes received and gap length)',
  },
  'msrp.late_stream_start': {
    severity: 'warning',
    mayHideTarget: true,
    description: 'a TCP direction joined mid-way (no SYN, or after a gap) showed its first MSRP start line only past the classifier window; the bytes before it (detail: skipped) were not seen as MSRP',
  },
  'msrp.truncated_frame': { severity: 'warning', mayHideTarget: true, description: 'the stream ended in the middle of a frame' },
  'msrp.unterminated_frame': { severity: 'warning', mayHideTarget: true, description: 'a new start line appeared before the previous frame headers ended; the partial frame was dropped' },
  // --- message reassembly (RFC 4975 sections 5.1, 7.1, 7.3) ---
  'msrp.byte_range_mismatch': { severity: 'warning', mayHideTarget: false, description: 'a chunk body length differs from its Byte-Range (actual bytes placed at the range start)' },
  'msrp.byte_range_beyond_total': { severity: 'warning', mayHideTarget: false, description: 'chunk bytes lie beyond the message total; they were dropped' },
  'msrp.total_mismatch': { severity: 'warning', mayHideTarget: false, description: 'chunks of one message declare different totals; the first known total is kept' },
  'msrp.chunk_overlap_different_data': { severity: 'warning', mayHideTarget: false, description: 'a chunk overlaps bytes already received with different content (first data wins)' },
  'msrp.reorder_cap_exceeded': { severity: 'warning', mayHideTarget: false, description: 'out-of-order chunk bytes exceeded the per-message or global hold cap; they were dropped and the message will be incomplete' },
  'msrp.message_evicted': { severity: 'warning', mayHideTarget: false, description: 'a message in reassembly was evicted because the in-flight message cap was reached' },
  'msrp.message_timeout': { severity: 'info', mayHideTarget: false, description: 'a message in reassembly saw no chunk within the idle timeout and was closed' },
  'msrp.message_incomplete': { severity: 'warning', mayHideTarget: false, description: 'a message was closed with byte ranges missing' },
  'msrp.missing_final_chunk': { severity: 'info', mayHideTarget: false, description: 'all bytes of a message arrived but no chunk ended with "$" before it was closed' },
  'msrp.chunk_records_capped': { severity: 'info', mayHideTarget: false, description: 'a message has more chunks than the per-message chunk list cap; later chunks are counted only' },
} as const satisfies Record<string, AnomalyDef>;
