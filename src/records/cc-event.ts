/**
 * CC (content of communication) events: one MSRP request exactly as seen on the wire
 * (li-standards section 7: one X3 PDU / one CCPayload per SEND chunk or REPORT).
 */

export interface MsrpRequestEvent {
  readonly kind: 'msrpRequest';
  /** The whole request: start line, headers, body and end-line (RFC 4975 section 7). Owned copy. */
  readonly bytes: Uint8Array;
  /** MSRP method, e.g. "SEND", "REPORT". */
  readonly method: string;
  /** SDP of the session (for IMSCCPDU sDPInfo when the request is delivered as bytes). */
  readonly sdp?: Uint8Array;
  /** The frame was cut (capture gap or end of stream before its end-line): `bytes` is what was seen. */
  readonly truncated?: boolean;
}

export type CcEvent = MsrpRequestEvent;
