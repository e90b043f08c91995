/**
 * What each complete TLS record does to its connection, by content type (RFC 5246 6.2.1, RFC 8446
 * 5.1) and negotiated version: the clear handshake (ClientHello, ServerHello: version, suite,
 * randoms), alerts, ChangeCipherSpec, TLS 1.2 protected records under the key_block of the master
 * secret (RFC 5246 6.3), TLS 1.3 protected records under the handshake then application traffic
 * secrets and their KeyUpdate successors (RFC 8446 7.1-7.3). The keys come from the
 * {@link TlsKeyLog}; a record that needs keys not logged yet, or the ServerHello not seen yet,
 * answers 'block' and its connection (./tls-decryptor.ts) holds it and tries again.
 *
 * Stopping, failing and handing plaintext on are the connection's: they go through
 * {@link TlsRecordHost}. Nothing here throws or puts key material in a detail.
 */
import type { AnomalySink } from '../../core/anomaly.js';
import { bytesEqual } from '../../util/bytes.js';
import { TlsCandidateCipher } from './tls-candidate-cipher.js';
import { type TlsSuite, tlsSuite } from './tls-cipher-suites.js';
import type { TlsDirection, TlsFailReason } from './tls-direction.js';
import { HS_CLIENT_HELLO, HS_FINISHED, HS_KEY_UPDATE, HS_SERVER_HELLO, type HandshakeMessage } from './tls-handshake-reader.js';
import { type ClientHello, parseClientHello, parseServerHello, type ServerHello } from './tls-hello-parser.js';
import type { TlsKeyLog } from './tls-key-log.js';
import { tls12Keys, tls13Keys, tls13NextSecret } from './tls-key-schedule.js';
import type { OpenedRecord } from './tls-record-decrypter.js';

/** 'done': the record is used up; 'block': keep it and try again later (keys or ServerHello missing). */
export type TlsRecordStep = 'done' | 'block';

/** What the record processor asks of its connection. */
export interface TlsRecordHost {
  /** The frame being processed, for anomalies. */
  frame(): number;
  /** Application data of `d`, authenticated and decrypted (a fresh array). */
  emit(d: TlsDirection, data: Uint8Array): void;
  /** Stops `d`, reported as `tls.<reason>`. */
  failDir(d: TlsDirection, reason: TlsFailReason, detail: string): void;
  /** Stops the connection, reported as `tls.<reason>`. */
  failConn(reason: TlsFailReason, detail: string): void;
  /** close_notify or a fatal alert ended `d` (not an anomaly). */
  close(d: TlsDirection): void;
}

const CT_CCS = 20;
const CT_ALERT = 21;
const CT_HANDSHAKE = 22;
const CT_APP = 23;
const CT_HEARTBEAT = 24;

const hex16 = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`;

export class TlsRecordProcessor {
  private ch: ClientHello | null = null;
  /** The final ServerHello (not a HelloRetryRequest). */
  private sh: ServerHello | null = null;
  private suiteInfo: TlsSuite | null = null;
  private is13: boolean | null = null;
  private earlyOffered = false;
  private earlySkipped = 0;
  private updates = 0;

  /** `maxEarlyData`: client records skipped as rejected 0-RTT at most (bytes); `conn`: passed on with every anomaly. */
  constructor(
    private readonly keys: TlsKeyLog,
    private readonly anomalies: AnomalySink,
    private readonly host: TlsRecordHost,
    private readonly maxEarlyData: number,
    private readonly conn: number | undefined,
  ) {}

  /** A ClientHello was seen. */
  get hasClientHello(): boolean {
    return this.ch !== null;
  }
  get version(): 'TLS1.2' | 'TLS1.3' | null {
    return this.is13 === null ? null : this.is13 ? 'TLS1.3' : 'TLS1.2';
  }
  get cipherSuite(): number | null {
    return this.suiteInfo?.id ?? null;
  }
  /** server_name of the ClientHello (RFC 6066 3), host_name type only. An identity: for records of targets only, never for logs. */
  get sni(): string | null {
    return this.ch?.sni ?? null;
  }
  /** TLS 1.3 KeyUpdate messages followed, both directions. */
  get keyUpdates(): number {
    return this.updates;
  }

  /** One complete record (header included) of `d`. */
  process(d: TlsDirection, rec: Uint8Array): TlsRecordStep {
    if (d.stopped !== null) return 'done';
    const type = rec[0]!;
    const header = rec.subarray(0, 5);
    const frag = rec.subarray(5);
    let r: TlsRecordStep;
    if (d.records === 0 && type !== CT_HANDSHAKE && type !== CT_ALERT) {
      this.host.failConn('mid_connection', `dir=${d.dir} first content_type=${type}`);
      return 'done';
    }
    if (d.cipher !== null && this.is13 === false) r = this.opened(d, d.cipher.open(header, frag), d.cipher.ambiguous, type, frag);
    else if (type === CT_HANDSHAKE) r = this.clearHandshake(d, frag);
    else if (type === CT_ALERT) r = this.is13 === true && this.sh !== null ? this.unauthenticatedAlert(d, frag) : this.alert(d, frag);
    else if (type === CT_HEARTBEAT) r = 'done';
    else if (this.is13 === null) r = d.dir === 0 && this.ch !== null ? 'block' : this.decodeError(d, `content_type=${type} before ServerHello`);
    else if (type === CT_CCS) r = this.is13 ? this.compatCcs(d, frag) : this.changeCipherSpec(d, frag);
    else if (this.is13) r = this.record13(d, header, frag);
    else r = this.decodeError(d, 'application_data before ChangeCipherSpec');
    if (r === 'done') d.records++;
    return r;
  }

  private decodeError(d: TlsDirection, detail: string): TlsRecordStep {
    this.host.failDir(d, 'decode_error', detail);
    return 'done';
  }

  /**
   * An alert in the clear where the direction is protected: in TLS 1.3 after the ServerHello every
   * record, alerts included, is protected (RFC 8446 5, 6), in TLS 1.2 after ChangeCipherSpec too
   * (RFC 5246 6.2.3). Nothing authenticates it: anyone able to put 7 bytes in the TCP stream can
   * forge it, so it is reported and decryption goes on (the tag of the next real record is the
   * proof either way). A peer that aborts the handshake in the clear sends nothing after it.
   */
  private unauthenticatedAlert(d: TlsDirection, data: Uint8Array): TlsRecordStep {
    this.anomalies.report('tls.unauthenticated_alert', this.host.frame(), `dir=${d.dir} length=${data.length} level=${data[0] ?? -1} description=${data[1] ?? -1}`, this.conn, d.dir);
    return 'done';
  }

  private alert(d: TlsDirection, data: Uint8Array): TlsRecordStep {
    // RFC 5246 7.2 / RFC 8446 6: close_notify (0) or any fatal (level 2) alert ends the direction; warnings are ignored.
    for (let i = 0; i + 1 < data.length; i += 2) if (data[i] === 2 || data[i + 1] === 0) this.host.close(d);
    return 'done';
  }

  private clearHandshake(d: TlsDirection, frag: Uint8Array): TlsRecordStep {
    const msgs = d.hs.push(frag);
    if (msgs === null) return this.decodeError(d, 'handshake message over cap');
    for (let i = 0; i < msgs.length && d.stopped === null; i++) {
      const m = msgs[i]!;
      if (d.messages++ === 0 && m.type !== (d.dir === 0 ? HS_CLIENT_HELLO : HS_SERVER_HELLO)) {
        this.host.failConn('mid_connection', `dir=${d.dir} first handshake_type=${m.type}`);
        break;
      }
      if (m.type === HS_CLIENT_HELLO && d.dir === 0) this.clientHello(d, m);
      else if (m.type === HS_SERVER_HELLO && d.dir === 1) {
        this.serverHello(d, m);
        // RFC 8446 5.1: the ServerHello ends its record; what follows is under handshake keys.
        if (this.is13 === true && (i !== msgs.length - 1 || !d.hs.atBoundary)) this.decodeError(d, 'data after ServerHello in its record');
      }
    }
    return 'done';
  }

  private clientHello(d: TlsDirection, m: HandshakeMessage): void {
    const ch = parseClientHello(m.body);
    if (ch === null) return void this.decodeError(d, 'ClientHello');
    if (this.ch !== null && !bytesEqual(this.ch.random, ch.random)) return void this.decodeError(d, 'second ClientHello with another random');
    this.ch = ch;
    this.earlyOffered ||= ch.earlyData;
  }

  private serverHello(d: TlsDirection, m: HandshakeMessage): void {
    const sh = parseServerHello(m.body);
    if (sh === null) return void this.decodeError(d, 'ServerHello');
    if (sh.version !== 0x0303 && sh.version !== 0x0304) return void this.host.failConn('unsupported_version', `version=${hex16(sh.version)}`);
    const suite = tlsSuite(sh.suite);
    if (suite === undefined || suite.tls13 !== (sh.version === 0x0304) || sh.compression !== 0) return void this.host.failConn('unsupported_cipher', `suite=${hex16(sh.suite)} compression=${sh.compression}`);
    this.is13 = sh.version === 0x0304;
    this.suiteInfo = suite;
    // RFC 8446 4.1.4: after a HelloRetryRequest the client sends a new ClientHello and the server a real ServerHello.
    if (!sh.helloRetry) this.sh = sh;
  }

  /** TLS 1.2 ChangeCipherSpec (RFC 5246 7.1): this direction's next records use the new keys, sequence number 0. */
  private changeCipherSpec(d: TlsDirection, frag: Uint8Array): TlsRecordStep {
    if (this.sh === null || this.ch === null) return 'block';
    if (frag.length !== 1 || frag[0] !== 1 || !d.hs.atBoundary) return this.decodeError(d, 'ChangeCipherSpec');
    const masters = this.keys.lookupAll(this.ch.random, 'CLIENT_RANDOM');
    if (masters.length === 0) {
      d.waitingKeys = true;
      return 'block';
    }
    d.waitingKeys = false;
    const suite = this.suiteInfo!;
    // RFC 7366 3: encrypt_then_mac applies when the server echoed it for a CBC suite.
    const [cr, sr] = [this.ch.random, this.sh.random];
    d.cipher = new TlsCandidateCipher(suite, masters, (m) => tls12Keys(suite, m, cr, sr)[d.dir], suite.kind === 'cbc' && this.sh.encryptThenMac);
    return 'done';
  }

  /** RFC 8446 5: a change_cipher_spec record of value 0x01 is ignored in TLS 1.3 (middlebox compatibility). */
  private compatCcs(d: TlsDirection, frag: Uint8Array): TlsRecordStep {
    return frag.length === 1 && frag[0] === 1 ? 'done' : this.decodeError(d, 'ChangeCipherSpec in TLS 1.3');
  }

  /** A TLS 1.2 record opened with the direction's keys. */
  private opened(d: TlsDirection, o: OpenedRecord | null, ambiguous: number, type: number, frag: Uint8Array): TlsRecordStep {
    // A failed open consumed no sequence number (./tls-record-decrypter.ts, ./tls-candidate-cipher.ts):
    // an alert that does not authenticate is skipped, the real records still open.
    if (o === null && type === CT_ALERT && ambiguous === 0) return this.unauthenticatedAlert(d, frag);
    if (o === null) return this.unopened(d, ambiguous);
    if (o.type === CT_APP) this.host.emit(d, o.data);
    else if (o.type === CT_ALERT) this.alert(d, o.data);
    else if (o.type === CT_HANDSHAKE) {
      if (d.hs.push(o.data) === null) return this.decodeError(d, 'handshake message over cap');
    } else if (o.type === CT_CCS) this.host.failDir(d, 'renegotiation', 'second ChangeCipherSpec');
    return 'done';
  }

  /** A record no key opened (bad_record_mac), or that several candidate secrets opened (ambiguous_keys: none is taken). */
  private unopened(d: TlsDirection, ambiguous: number): TlsRecordStep {
    if (ambiguous > 0) this.host.failDir(d, 'ambiguous_keys', `record=${d.records} candidates=${ambiguous}`);
    else this.host.failDir(d, 'bad_record_mac', `record=${d.records}`);
    return 'done';
  }

  /** TLS 1.3 protected record (outer type application_data, RFC 8446 5.2). */
  private record13(d: TlsDirection, header: Uint8Array, frag: Uint8Array): TlsRecordStep {
    if (this.sh === null || this.ch === null) return 'block';
    const suite = this.suiteInfo!;
    if (d.cipher === null) {
      const label = `${d.dir === 0 ? 'CLIENT' : 'SERVER'}_${d.phase === 'hs' ? 'HANDSHAKE_TRAFFIC_SECRET' : 'TRAFFIC_SECRET_0'}`;
      const secrets = this.keys.lookupAll(this.ch.random, label);
      if (secrets.length === 0) {
        d.waitingKeys = true;
        return 'block';
      }
      d.waitingKeys = false;
      d.secret = null; // known once a record picked the candidate
      d.cipher = new TlsCandidateCipher(suite, secrets, (s) => tls13Keys(suite, s));
    }
    const o = d.cipher.open(header, frag);
    if (o === null && d.cipher.ambiguous > 0) return this.unopened(d, d.cipher.ambiguous);
    if (o === null) {
      // RFC 8446 4.2.10: a server that rejects (or cannot see) 0-RTT skips client records that fail to open with the handshake keys, up to a limit.
      if (d.dir === 0 && d.phase === 'hs' && !d.opened && this.earlyOffered && this.earlySkipped + frag.length <= this.maxEarlyData) {
        if (this.earlySkipped === 0) this.anomalies.report('tls.early_data_skipped', this.host.frame(), `dir=0 record=${d.records}`, this.conn, 0);
        this.earlySkipped += frag.length;
        return 'done';
      }
      return this.unopened(d, 0);
    }
    d.opened = true;
    d.secret ??= d.cipher.secret;
    if (o.type === CT_APP && d.phase === 'app') this.host.emit(d, o.data);
    else if (o.type === CT_ALERT) this.alert(d, o.data);
    else if (o.type === CT_HANDSHAKE) this.handshake13(d, o.data);
    else this.decodeError(d, `inner content_type=${o.type} phase=${d.phase}`);
    return 'done';
  }

  /** Protected handshake messages: Finished switches to the application secret, KeyUpdate to the next one (RFC 8446 4.4.4, 4.6.3, 7.2). */
  private handshake13(d: TlsDirection, data: Uint8Array): void {
    const msgs = d.hs.push(data);
    if (msgs === null) return void this.decodeError(d, 'handshake message over cap');
    const suite = this.suiteInfo!;
    for (let i = 0; i < msgs.length; i++) {
      const m = msgs[i]!;
      const keyChange = (m.type === HS_FINISHED && d.phase === 'hs') || m.type === HS_KEY_UPDATE;
      if (!keyChange) continue;
      // RFC 8446 5.1: handshake messages must not span a key change: it ends the record.
      if (i !== msgs.length - 1 || !d.hs.atBoundary) return void this.decodeError(d, `data after handshake_type=${m.type} in its record`);
      if (m.type === HS_FINISHED) {
        d.phase = 'app';
        d.cipher = null; // CLIENT/SERVER_TRAFFIC_SECRET_0, looked up at the next record
      } else {
        if (d.phase !== 'app' || d.secret === null || m.body.length !== 1 || m.body[0]! > 1) return void this.decodeError(d, 'KeyUpdate');
        d.secret = tls13NextSecret(suite, d.secret);
        this.updates++;
        d.cipher = new TlsCandidateCipher(suite, [d.secret], (s) => tls13Keys(suite, s));
      }
    }
  }
}
