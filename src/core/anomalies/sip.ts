/** Anomalies of the sip layer (RFC 3261 message syntax and SIP-over-TCP framing). See ../anomaly.ts for the rules. */
import type { AnomalyDef } from '../anomaly.js';

export const SIP_ANOMALIES = {
  'sip.bad_start_line': { severity: 'error', mayHideTarget: true, description: 'the first line is neither a SIP request line nor a status line; message dropped' },
  'sip.lax_start_line': { severity: 'warning', mayHideTarget: false, description: 'the start line breaks RFC 3261 7.1/7.2 syntax (extra white space) but was understood' },
  'sip.bad_version': { severity: 'warning', mayHideTarget: false, description: 'the SIP-Version is not SIP/2.0' },
  'sip.bare_lf': { severity: 'info', mayHideTarget: false, description: 'lines end in LF without CR (RFC 3261 7 requires CRLF)' },
  'sip.bad_header': { severity: 'warning', mayHideTarget: false, description: 'a header line has no colon or an invalid field name; line skipped' },
  'sip.too_many_headers': {
    severity: 'warning',
    mayHideTarget: true,
    description: 'more header fields than the parser keeps; past the cap only the identity, dialog and body headers (From, To, P-Asserted-Identity, Call-ID, CSeq, Via, Contact, Content-Type...) were kept, within their own cap',
  },
  'sip.truncated_headers': { severity: 'warning', mayHideTarget: true, description: 'the header section is not ended by an empty line' },
  'sip.missing_header': { severity: 'warning', mayHideTarget: false, description: 'a mandatory header (RFC 3261 8.1.1) is missing' },
  'sip.bad_cseq': { severity: 'warning', mayHideTarget: false, description: 'the CSeq header is not "number method"' },
  'sip.cseq_method_mismatch': { severity: 'warning', mayHideTarget: false, description: 'the CSeq method differs from the request method' },
  'sip.bad_name_addr': { severity: 'warning', mayHideTarget: false, description: 'a From/To header is not a valid name-addr or addr-spec' },
  'sip.bad_content_length': { severity: 'warning', mayHideTarget: true, description: 'the Content-Length is not a non-negative integer, or two differ' },
  'sip.missing_content_length': { severity: 'warning', mayHideTarget: true, description: 'no Content-Length on a stream transport (RFC 3261 18.3); treated as 0' },
  'sip.content_length_mismatch': { severity: 'warning', mayHideTarget: true, description: 'the Content-Length is larger than the bytes of the datagram; body truncated' },
  'sip.trailing_bytes': { severity: 'info', mayHideTarget: false, description: 'a datagram has bytes after the body that Content-Length declares (RFC 3261 18.3: discarded)' },
  'sip.bad_multipart': { severity: 'warning', mayHideTarget: true, description: 'a multipart body has no boundary or no valid delimiter (RFC 2046 5.1.1)' },
  'sip.stream_resync': { severity: 'warning', mayHideTarget: true, description: 'bytes of a SIP stream were skipped to find the next start line' },
  'sip.message_too_large': {
    severity: 'warning',
    mayHideTarget: true,
    description: 'a SIP message on a stream exceeds the buffer cap; it was framed by Content-Length and cut to an excerpt (start line, first and identity/dialog headers, SDP), the rest skipped',
  },
  'sip.gap_in_message': { severity: 'warning', mayHideTarget: true, description: 'a stream gap fell inside a message; the message was dropped' },
  'sip.stream_truncated': { severity: 'info', mayHideTarget: true, description: 'a SIP stream ended in the middle of a message' },
} as const satisfies Record<string, AnomalyDef>;
