/**
 * The state of one direction of a TLS connection (0 = client to server, 1 = server to client),
 * shared by the connection that feeds and holds its records (./tls-decryptor.ts) and the record
 * processor that gives them meaning (./tls-record-processor.ts).
 */
import type { TlsCandidateCipher } from './tls-candidate-cipher.js';
import { TlsHandshakeReader } from './tls-handshake-reader.js';
import { TlsRecordFramer } from './tls-record-framer.js';

/** Why a connection (or one direction) is not decrypted; each is the anomaly code `tls.<reason>`. */
export type TlsFailReason = 'no_keys' | 'mid_connection' | 'unsupported_cipher' | 'unsupported_version' | 'bad_record_mac' | 'decode_error' | 'pending_overflow' | 'early_data_skipped' | 'renegotiation' | 'ambiguous_keys';

/** A complete record (a copy) held with the frame and time it arrived in, so its plaintext keeps them when released later. */
export interface HeldRecord {
  readonly rec: Uint8Array;
  readonly frameNo: number;
  readonly tsSec: number;
  readonly tsNsec: number;
}

export interface TlsDirection {
  readonly dir: 0 | 1;
  readonly framer: TlsRecordFramer;
  /** Complete records (copies) waiting, oldest first. */
  readonly held: HeldRecord[];
  readonly hs: TlsHandshakeReader;
  records: number;
  messages: number;
  stopped: TlsFailReason | 'closed' | null;
  /** Several key log secrets under one client_random: the first record that authenticates picks one (tls-candidate-cipher.ts). */
  cipher: TlsCandidateCipher | null;
  waitingKeys: boolean;
  /** TLS 1.3: which traffic secret protects the records ('hs' until this side's Finished), the current application secret, and whether any record opened. */
  phase: 'hs' | 'app';
  secret: Uint8Array | null;
  opened: boolean;
  /** Bytes that arrived after the direction closed (reported once, as `tls.data_after_close`). */
  afterClose: number;
}

export function tlsDirection(dir: 0 | 1): TlsDirection {
  return { dir, framer: new TlsRecordFramer(), held: [], hs: new TlsHandshakeReader(), records: 0, messages: 0, stopped: null, cipher: null, waitingKeys: false, phase: 'hs', secret: null, opened: false, afterClose: 0 };
}
