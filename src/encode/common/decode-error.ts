/**
 * Result contract of every record decoder in src/encode (X2/X3, BER, protobuf): decoders never
 * throw on input bytes; they return either a value or a typed error that says where (byte
 * offset from the start of the input the caller passed) and what was expected there.
 */

/** Stable error codes; the `decode` command prints them and tests assert them. */
export type RecordDecodeErrorCode =
  | 'truncated' // the input ends before a length field says it should
  | 'bad_version' // X2/X3 version is not 00 05
  | 'bad_pdu_type' // X2/X3 PDU type not 1..4
  | 'bad_header_length' // X2/X3 header length < 40 or beyond the cap
  | 'bad_attribute' // X2/X3 conditional attribute with a wrong type or length
  | 'bad_keepalive' // keepalive/ack with a payload or without sequence number
  | 'too_large' // a length exceeds the configured cap (bounded buffering)
  | 'bad_tag' // BER tag not what the schema expects
  | 'bad_length' // BER length malformed (reserved 0xff, too long, indefinite on primitive)
  | 'bad_value' // BER content invalid for its type (e.g. UTF8String not UTF-8)
  | 'too_deep' // BER nesting beyond the cap
  | 'bad_protobuf' // protobuf message or length prefix invalid
  | 'unknown_format'; // the record file kind could not be detected

export interface RecordDecodeError {
  readonly code: RecordDecodeErrorCode;
  /** Byte offset of the problem, relative to the start of the input given to the decoder. */
  readonly offset: number;
  /** What the decoder expected at that offset, e.g. "version 00 05", "4 more bytes". */
  readonly expected: string;
}

export type DecodeResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: RecordDecodeError };

/** Builds a failed result. */
export function decodeFail<T>(code: RecordDecodeErrorCode, offset: number, expected: string): DecodeResult<T> {
  return { ok: false, error: { code, offset, expected } };
}

/** One-line text of an error for the CLI. */
export function formatDecodeError(e: RecordDecodeError): string {
  return `${e.code} at offset ${e.offset}: expected ${e.expected}`;
}
