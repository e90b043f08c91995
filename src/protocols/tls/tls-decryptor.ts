/**
 * One TLS connection, both directions (0 = client to server, 1 = server to client), decrypted
 * with the secrets of a {@link TlsKeyLog}: TLS 1.2 (RFC 5246) and TLS 1.3 (RFC 8446).
 *
 * SKELETON (API contract for the wiring branch): bodies are not finished yet.
 */
import type { AnomalySink } from '../../core/anomaly.js';
import type { TlsKeyLog } from './tls-key-log.js';

/** Where a connection stands. `closed`: both directions ended (close_notify or fatal alert). */
export type TlsDecryptState = 'handshake' | 'decrypting' | 'waiting-keys' | 'failed' | 'closed';

/** Why a connection (or a direction) is not decrypted; each is the anomaly code `tls.<reason>`. */
export type TlsFailReason = 'no_keys' | 'mid_connection' | 'unsupported_cipher' | 'unsupported_version' | 'bad_record_mac' | 'decode_error' | 'pending_overflow' | 'early_data_skipped' | 'renegotiation';

export interface TlsDecryptorOptions {
  /** Ciphertext held per connection while waiting for keys (or the other direction). Default 1 MiB. */
  readonly maxPendingBytes?: number;
  /** TCP connection id passed on with every anomaly (the analyzers' connId). */
  readonly conn?: number;
}

export const DEFAULT_TLS_MAX_PENDING_BYTES = 1 << 20;

export class TlsDecryptor {
  constructor(
    private readonly keys: TlsKeyLog,
    private readonly anomalies: AnomalySink,
    opts: TlsDecryptorOptions = {},
  ) {
    void opts;
    void this.keys;
    void this.anomalies;
  }

  get state(): TlsDecryptState {
    return 'handshake';
  }
  get failReason(): TlsFailReason | null {
    return null;
  }
  get version(): 'TLS1.2' | 'TLS1.3' | null {
    return null;
  }
  get cipherSuite(): number | null {
    return null;
  }
  /** server_name of the ClientHello (RFC 6066 3), host_name type only. */
  get sni(): string | null {
    return null;
  }

  /** Feeds in-order TCP payload of one direction; returns that direction's decrypted application data (in order, possibly empty). Never throws. */
  push(dir: 0 | 1, bytes: Uint8Array, frameNo: number): Uint8Array[] {
    void dir;
    void bytes;
    void frameNo;
    return [];
  }

  /** After the key log grew: decrypts what was held for keys; returns plaintext per direction, in order. Also returns any plaintext of the other direction that an earlier push released. */
  retry(frameNo: number): { dir: 0 | 1; data: Uint8Array }[] {
    void frameNo;
    return [];
  }

  /** The connection ended (FIN/RST/timeout): a connection still waiting for keys reports `tls.no_keys`. */
  end(frameNo: number): void {
    void frameNo;
  }
}
