/**
 * Anomalies of the tls layer: decryption of TLS 1.2 (RFC 5246) and TLS 1.3 (RFC 8446) with an NSS
 * key log. Each says why a connection (or one direction) could not be decrypted; all of them
 * may hide a target, since the plaintext would have gone to the SIP/MSRP parsers. Details carry
 * numbers and field names only, never key material. See ../anomaly.ts for the rules.
 */
import type { AnomalyDef } from '../anomaly.js';

export const TLS_ANOMALIES = {
  'tls.no_keys': { severity: 'warning', mayHideTarget: true, description: 'the key log has no secret for the client_random of a TLS connection (when the connection ended or its held ciphertext was given up): it was not decrypted' },
  'tls.mid_connection': { severity: 'warning', mayHideTarget: true, description: 'a TLS connection was seen without its ClientHello/ServerHello (capture started mid-connection, or a gap): it cannot be decrypted' },
  'tls.unsupported_cipher': { severity: 'warning', mayHideTarget: true, description: 'the negotiated cipher suite (number in the detail) is not one msrptap decrypts; the connection is not decrypted' },
  'tls.unsupported_version': { severity: 'warning', mayHideTarget: true, description: 'the negotiated protocol version is neither TLS 1.2 nor TLS 1.3 (SSL 3.0, TLS 1.0/1.1, DTLS): the connection is not decrypted' },
  'tls.bad_record_mac': { severity: 'error', mayHideTarget: true, description: 'a record failed authentication (AEAD tag, CBC padding or HMAC) with the logged keys: that direction stops, no unauthenticated plaintext is handed on' },
  'tls.decode_error': { severity: 'warning', mayHideTarget: true, description: 'a malformed TLS record or handshake message (bad length, record over 2^14+2048 bytes, truncated hello): that direction stops' },
  'tls.pending_overflow': {
    severity: 'warning',
    mayHideTarget: true,
    description:
      'ciphertext held while waiting for keys (or for the other direction) exceeded the per-connection cap, or the budget shared by all connections (the connection holding longest gives up first): the held records were dropped and the connection is not decrypted',
  },
  'tls.unauthenticated_alert': {
    severity: 'warning',
    mayHideTarget: false,
    description: 'an alert record in the clear where the direction is protected (TLS 1.3 after the ServerHello, TLS 1.2 after ChangeCipherSpec, or one failing authentication): possibly forged, it was ignored and decryption went on',
  },
  'tls.data_after_close': { severity: 'warning', mayHideTarget: true, description: 'bytes arrived in a TLS direction after its close_notify or fatal alert (RFC 8446 6.1): they were not decrypted (count in the detail)' },
  'tls.early_data_skipped': { severity: 'warning', mayHideTarget: true, description: 'TLS 1.3 0-RTT early data records were skipped (not decrypted; RFC 8446 4.2.10)' },
  'tls.renegotiation': { severity: 'warning', mayHideTarget: true, description: 'a TLS 1.2 renegotiation (a second ChangeCipherSpec in a direction) was seen; its new keys are not followed and that direction stops' },
  'tls.keylog_bad_line': { severity: 'info', mayHideTarget: true, description: 'a key log line is neither a comment nor a well-formed "LABEL <64 hex client_random> <hex secret>" line; it was ignored' },
  'tls.keylog_evicted': { severity: 'warning', mayHideTarget: true, description: 'the key log table was full: its oldest entry was dropped (connections using it can no longer be decrypted)' },
  'tls.keylog_secrets_capped': {
    severity: 'warning',
    mayHideTarget: true,
    description: 'one (label, client_random) of the key log already had 8 distinct secrets (connections sharing a ClientHello random, e.g. forked workers): the oldest was dropped, a connection needing it is not decrypted',
  },
  'tls.ambiguous_keys': { severity: 'error', mayHideTarget: true, description: 'several key log secrets logged under one client_random authenticated the same first record (should never happen): none is taken, that direction stops' },
} as const satisfies Record<string, AnomalyDef>;
