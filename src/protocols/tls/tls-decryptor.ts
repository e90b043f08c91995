/**
 * One TLS connection, both directions (0 = client to server, 1 = server to client), decrypted
 * with the secrets of a {@link TlsKeyLog}: TLS 1.2 (RFC 5246) and TLS 1.3 (RFC 8446).
 *
 * The tap must see the handshake: the ClientHello gives the client_random (the key log's index),
 * the ServerHello the version, suite and server_random. Records (RFC 5246 6.2, RFC 8446 5.1) are
 * framed per direction; a record that cannot be processed yet (keys not in the log, or a client
 * record before the ServerHello) is held, with the frame and time it came in, within
 * `maxPendingBytes` for the connection and the run's shared budget (./tls-held-budget.ts), and
 * {@link TlsDecryptor.retry} takes it up again. Anything odd is a `tls.*` anomaly and stops the
 * direction (or the connection), except an alert that nothing authenticates (reported, ignored);
 * nothing throws, nothing is guessed, no unauthenticated plaintext is handed on, and no key
 * material is ever put in a detail. When the key log holds several secrets for the
 * client_random (forked peers reusing a random), the first protected record of each key phase
 * picks the one it authenticates under (tls-candidate-cipher.ts).
 */
import type { AnomalySink } from '../../core/anomaly.js';
import { toHex } from '../../util/bytes.js';
import { type TlsSuite, tlsSuite } from './tls-cipher-suites.js';
import { type ClientHello, parseClientHello, parseServerHello, type ServerHello } from './tls-hello-parser.js';
import { HS_CLIENT_HELLO, HS_FINISHED, HS_KEY_UPDATE, HS_SERVER_HELLO, type HandshakeMessage, TlsHandshakeReader } from './tls-handshake-reader.js';
import { tls12Keys, tls13Keys, tls13NextSecret } from './tls-key-schedule.js';
import type { TlsKeyLog } from './tls-key-log.js';
import type { OpenedRecord } from './tls-record-decrypter.js';
import { TlsCandidateCipher } from './tls-candidate-cipher.js';
import { TlsRecordFramer } from './tls-record-framer.js';
import type { TlsHeldBudget, TlsHeldBudgetHolder } from './tls-held-budget.js';

/** Where a connection stands. `closed`: both directions ended by close_notify or a fatal alert. */
export type TlsDecryptState = 'handshake' | 'decrypting' | 'waiting-keys' | 'failed' | 'closed';

/** Why a connection (or one direction) is not decrypted; each is the anomaly code `tls.<reason>`. */
export type TlsFailReason = 'no_keys' | 'mid_connection' | 'unsupported_cipher' | 'unsupported_version' | 'bad_record_mac' | 'decode_error' | 'pending_overflow' | 'early_data_skipped' | 'renegotiation' | 'ambiguous_keys';

export interface TlsDecryptorOptions {
  /** Ciphertext held per connection while waiting for keys (or for the other direction). Default 1 MiB. */
  readonly maxPendingBytes?: number;
  /** The TCP connection id passed on with every anomaly (the analyzers' connId). */
  readonly conn?: number;
  /** The run's budget of held ciphertext, shared by all its connections (./tls-held-budget.ts). */
  readonly budget?: TlsHeldBudget;
  /** Called after the budget made this connection give up (during another connection's push): its owner settles it. */
  readonly onEvicted?: () => void;
}

/** Plaintext with the provenance of the record that carried it: the frame that completed the record and that frame's capture time. */
export interface TlsPlaintext {
  readonly dir: 0 | 1;
  readonly data: Uint8Array;
  readonly frameNo: number;
  readonly tsSec: number;
  readonly tsNsec: number;
}

/** A complete record (a copy) held with the frame and time it arrived in, so its plaintext keeps them when released later. */
interface HeldRecord {
  readonly rec: Uint8Array;
  readonly frameNo: number;
  readonly tsSec: number;
  readonly tsNsec: number;
}

export const DEFAULT_TLS_MAX_PENDING_BYTES = 1 << 20;

const CT_CCS = 20;
const CT_ALERT = 21;
const CT_HANDSHAKE = 22;
const CT_APP = 23;
const CT_HEARTBEAT = 24;

type Step = 'done' | 'block';

interface Direction {
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

function direction(dir: 0 | 1): Direction {
  return { dir, framer: new TlsRecordFramer(), held: [], hs: new TlsHandshakeReader(), records: 0, messages: 0, stopped: null, cipher: null, waitingKeys: false, phase: 'hs', secret: null, opened: false, afterClose: 0 };
}

const hex16 = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`;

export class TlsDecryptor implements TlsHeldBudgetHolder {
  private readonly dirs: [Direction, Direction] = [direction(0), direction(1)];
  private readonly out: [TlsPlaintext[], TlsPlaintext[]] = [[], []];
  private readonly maxPending: number;
  private readonly conn: number | undefined;
  private readonly budget: TlsHeldBudget | undefined;
  private readonly onEvicted: (() => void) | undefined;
  private heldBytes = 0;
  private frame = 0;
  /** Provenance of the record being processed (the current push, or the held record). */
  private cur: { frameNo: number; tsSec: number; tsNsec: number } = { frameNo: 0, tsSec: 0, tsNsec: 0 };
  private ch: ClientHello | null = null;
  /** The final ServerHello (not a HelloRetryRequest). */
  private sh: ServerHello | null = null;
  private suiteInfo: TlsSuite | null = null;
  private is13: boolean | null = null;
  private earlyOffered = false;
  private earlySkipped = 0;
  private updates = 0;
  private connFailed: TlsFailReason | null = null;
  private firstFail: TlsFailReason | null = null;

  constructor(
    private readonly keys: TlsKeyLog,
    private readonly anomalies: AnomalySink,
    opts: TlsDecryptorOptions = {},
  ) {
    this.maxPending = opts.maxPendingBytes ?? DEFAULT_TLS_MAX_PENDING_BYTES;
    this.conn = opts.conn;
    this.budget = opts.budget;
    this.onEvicted = opts.onEvicted;
  }

  get state(): TlsDecryptState {
    const [a, b] = this.dirs;
    if (this.connFailed !== null) return 'failed';
    if (a.waitingKeys || b.waitingKeys) return 'waiting-keys';
    if (a.stopped !== null && b.stopped !== null) return a.stopped === 'closed' && b.stopped === 'closed' ? 'closed' : 'failed';
    if (a.cipher !== null || b.cipher !== null || a.phase === 'app' || b.phase === 'app') return 'decrypting';
    return 'handshake';
  }
  /** The first reason a direction or the connection stopped (the other direction may still decrypt). */
  get failReason(): TlsFailReason | null {
    return this.firstFail;
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
  /** Bytes of complete records held (waiting for keys or for the other direction). */
  get pendingBytes(): number {
    return this.heldBytes;
  }
  /** Plaintext of the other direction released by a push, waiting to be taken by {@link retry}. */
  get released(): number {
    return this.out[0].length + this.out[1].length;
  }

  /**
   * Feeds in-order TCP payload of one direction; returns that direction's decrypted
   * application data (fresh arrays, in order, possibly none). Plaintext of the other direction
   * that this push unblocked (rare: only when directions are fed out of capture order) is kept
   * for {@link retry} (see {@link released}), with the frame and time of its record. `tsSec` /
   * `tsNsec`: the capture time of `frameNo`, kept with held records. Never throws.
   */
  push(dir: 0 | 1, bytes: Uint8Array, frameNo: number, tsSec = 0, tsNsec = 0): Uint8Array[] {
    this.frame = frameNo;
    const d = this.dirs[dir];
    if (d.stopped !== null) {
      this.afterStop(d, bytes.length);
      return this.take(dir).map((p) => p.data);
    }
    const bad = d.framer.push(bytes, (rec, rest) => {
      this.cur = { frameNo, tsSec, tsNsec };
      this.onRecord(d, rec);
      if (d.stopped !== null) this.afterStop(d, rest);
      return d.stopped === null;
    });
    if (bad !== null) {
      const detail = `record type=${bad.type} version_major=${bad.versionMajor} length=${bad.length}`;
      if (d.framer.framed === 0) this.failConn('mid_connection', `dir=${dir} ${detail}`);
      else this.failDir(d, 'decode_error', detail);
    }
    return this.take(dir).map((p) => p.data);
  }

  /** After the key log grew: processes what was held; returns the plaintext produced (and any released earlier), per direction, each with its record's frame and time. */
  retry(frameNo: number): TlsPlaintext[] {
    this.frame = frameNo;
    for (const d of this.dirs) d.waitingKeys = false;
    this.drainAll();
    return [...this.take(0), ...this.take(1)];
  }

  /** The TCP connection ended (FIN, RST or timeout): says why held ciphertext was never decrypted. */
  end(frameNo: number): void {
    this.frame = frameNo;
    if (this.connFailed !== null) return;
    const [a, b] = this.dirs;
    if (a.waitingKeys || b.waitingKeys) this.failConn('no_keys', `held_bytes=${this.heldBytes}`);
    else if (this.ch === null && b.held.length > 0) this.failConn('mid_connection', 'no ClientHello');
  }

  /** The run's held-ciphertext budget is full and this connection has held longest: it gives up (./tls-held-budget.ts). */
  evictHeld(cap: number): void {
    this.failConn('pending_overflow', `held_bytes=${this.heldBytes} shared_cap=${cap}`);
    this.onEvicted?.();
  }

  /**
   * Bytes of a stopped direction. After a failure the stop was reported; after close_notify or a
   * fatal alert (RFC 8446 6.1, RFC 5246 7.2.1: nothing may follow) they are reported once, never
   * dropped silently: a direction closed by mistake would otherwise hide what follows.
   */
  private afterStop(d: Direction, bytes: number): void {
    if (d.stopped !== 'closed' || bytes === 0) return;
    if (d.afterClose === 0) this.anomalies.report('tls.data_after_close', this.frame, `dir=${d.dir} bytes=${bytes}`, this.conn, d.dir);
    d.afterClose += bytes;
  }

  private emit(d: Direction, data: Uint8Array): void {
    this.out[d.dir].push({ dir: d.dir, data, frameNo: this.cur.frameNo, tsSec: this.cur.tsSec, tsNsec: this.cur.tsNsec });
  }

  private take(dir: 0 | 1): TlsPlaintext[] {
    const o = this.out[dir];
    if (o.length === 0) return [];
    this.out[dir] = [];
    return o;
  }

  private onRecord(d: Direction, rec: Uint8Array): void {
    if (d.held.length > 0 || this.process(d, rec) === 'block') {
      this.hold(d, { rec: rec.slice(), ...this.cur });
      return;
    }
    if (this.dirs[1 - d.dir]!.held.length > 0) this.drainAll();
  }

  private hold(d: Direction, h: HeldRecord): void {
    const n = h.rec.length;
    if (this.heldBytes + n > this.maxPending || (this.budget !== undefined && !this.budget.reserve(this, n))) {
      const cap = this.heldBytes + n > this.maxPending ? `cap=${this.maxPending}` : `shared_cap=${this.budget!.cap}`;
      this.failConn('pending_overflow', `held_bytes=${this.heldBytes} ${cap} waiting=${this.dirs.some((x) => x.waitingKeys) ? 'keys' : 'handshake'}`);
      return;
    }
    d.held.push(h);
    this.heldBytes += n;
  }

  private unhold(n: number): void {
    this.heldBytes -= n;
    this.budget?.release(this, n);
  }

  private drainAll(): void {
    let progress = true;
    while (progress) {
      progress = false;
      for (const d of this.dirs) {
        while (d.held.length > 0 && d.stopped === null) {
          const h = d.held[0]!;
          this.cur = h;
          if (this.process(d, h.rec) === 'block') break;
          // A stop while processing has already dropped (and uncounted) everything held.
          if (d.stopped !== null) break;
          this.unhold(d.held.shift()!.rec.length);
          progress = true;
        }
      }
    }
  }

  private failDir(d: Direction, reason: TlsFailReason, detail: string): void {
    if (d.stopped !== null) return;
    this.anomalies.report(`tls.${reason}`, this.frame, `dir=${d.dir} ${detail}`, this.conn, d.dir);
    this.firstFail ??= reason;
    this.stop(d, reason);
  }

  private failConn(reason: TlsFailReason, detail: string): void {
    if (this.connFailed !== null) return;
    this.anomalies.report(`tls.${reason}`, this.frame, detail, this.conn);
    this.connFailed = reason;
    this.firstFail ??= reason;
    for (const d of this.dirs) this.stop(d, reason);
  }

  private stop(d: Direction, why: TlsFailReason | 'closed'): void {
    d.stopped ??= why;
    d.waitingKeys = false;
    for (const r of d.held) this.unhold(r.rec.length);
    d.held.length = 0;
    d.framer.reset();
  }

  /** One complete record (header included); 'block': keep it and try again later. */
  private process(d: Direction, rec: Uint8Array): Step {
    if (d.stopped !== null) return 'done';
    const type = rec[0]!;
    const header = rec.subarray(0, 5);
    const frag = rec.subarray(5);
    let r: Step;
    if (d.records === 0 && type !== CT_HANDSHAKE && type !== CT_ALERT) {
      this.failConn('mid_connection', `dir=${d.dir} first content_type=${type}`);
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

  private decodeError(d: Direction, detail: string): Step {
    this.failDir(d, 'decode_error', detail);
    return 'done';
  }

  /**
   * An alert in the clear where the direction is protected: in TLS 1.3 after the ServerHello every
   * record, alerts included, is protected (RFC 8446 5, 6), in TLS 1.2 after ChangeCipherSpec too
   * (RFC 5246 6.2.3). Nothing authenticates it: anyone able to put 7 bytes in the TCP stream can
   * forge it, so it is reported and decryption goes on (the tag of the next real record is the
   * proof either way). A peer that aborts the handshake in the clear sends nothing after it.
   */
  private unauthenticatedAlert(d: Direction, data: Uint8Array): Step {
    this.anomalies.report('tls.unauthenticated_alert', this.frame, `dir=${d.dir} length=${data.length} level=${data[0] ?? -1} description=${data[1] ?? -1}`, this.conn, d.dir);
    return 'done';
  }

  private alert(d: Direction, data: Uint8Array): Step {
    // RFC 5246 7.2 / RFC 8446 6: close_notify (0) or any fatal (level 2) alert ends the direction; warnings are ignored.
    for (let i = 0; i + 1 < data.length; i += 2) if (data[i] === 2 || data[i + 1] === 0) this.stop(d, 'closed');
    return 'done';
  }

  private clearHandshake(d: Direction, frag: Uint8Array): Step {
    const msgs = d.hs.push(frag);
    if (msgs === null) return this.decodeError(d, 'handshake message over cap');
    for (let i = 0; i < msgs.length && d.stopped === null; i++) {
      const m = msgs[i]!;
      if (d.messages++ === 0 && m.type !== (d.dir === 0 ? HS_CLIENT_HELLO : HS_SERVER_HELLO)) {
        this.failConn('mid_connection', `dir=${d.dir} first handshake_type=${m.type}`);
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

  private clientHello(d: Direction, m: HandshakeMessage): void {
    const ch = parseClientHello(m.body);
    if (ch === null) return void this.decodeError(d, 'ClientHello');
    if (this.ch !== null && toHex(this.ch.random) !== toHex(ch.random)) return void this.decodeError(d, 'second ClientHello with another random');
    this.ch = ch;
    this.earlyOffered ||= ch.earlyData;
  }

  private serverHello(d: Direction, m: HandshakeMessage): void {
    const sh = parseServerHello(m.body);
    if (sh === null) return void this.decodeError(d, 'ServerHello');
    if (sh.version !== 0x0303 && sh.version !== 0x0304) return void this.failConn('unsupported_version', `version=${hex16(sh.version)}`);
    const suite = tlsSuite(sh.suite);
    if (suite === undefined || suite.tls13 !== (sh.version === 0x0304) || sh.compression !== 0) return void this.failConn('unsupported_cipher', `suite=${hex16(sh.suite)} compression=${sh.compression}`);
    this.is13 = sh.version === 0x0304;
    this.suiteInfo = suite;
    // RFC 8446 4.1.4: after a HelloRetryRequest the client sends a new ClientHello and the server a real ServerHello.
    if (!sh.helloRetry) this.sh = sh;
  }

  /** TLS 1.2 ChangeCipherSpec (RFC 5246 7.1): this direction's next records use the new keys, sequence number 0. */
  private changeCipherSpec(d: Direction, frag: Uint8Array): Step {
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
  private compatCcs(d: Direction, frag: Uint8Array): Step {
    return frag.length === 1 && frag[0] === 1 ? 'done' : this.decodeError(d, 'ChangeCipherSpec in TLS 1.3');
  }

  /** A TLS 1.2 record opened with the direction's keys. */
  private opened(d: Direction, o: OpenedRecord | null, ambiguous: number, type: number, frag: Uint8Array): Step {
    // A failed open consumed no sequence number (./tls-record-decrypter.ts, ./tls-candidate-cipher.ts):
    // an alert that does not authenticate is skipped, the real records still open.
    if (o === null && type === CT_ALERT && ambiguous === 0) return this.unauthenticatedAlert(d, frag);
    if (o === null) return this.unopened(d, ambiguous);
    if (o.type === CT_APP) this.emit(d, o.data);
    else if (o.type === CT_ALERT) this.alert(d, o.data);
    else if (o.type === CT_HANDSHAKE) {
      if (d.hs.push(o.data) === null) return this.decodeError(d, 'handshake message over cap');
    } else if (o.type === CT_CCS) this.failDir(d, 'renegotiation', 'second ChangeCipherSpec');
    return 'done';
  }

  /** A record no key opened (bad_record_mac), or that several candidate secrets opened (ambiguous_keys: none is taken). */
  private unopened(d: Direction, ambiguous: number): Step {
    if (ambiguous > 0) this.failDir(d, 'ambiguous_keys', `record=${d.records} candidates=${ambiguous}`);
    else this.failDir(d, 'bad_record_mac', `record=${d.records}`);
    return 'done';
  }

  /** TLS 1.3 protected record (outer type application_data, RFC 8446 5.2). */
  private record13(d: Direction, header: Uint8Array, frag: Uint8Array): Step {
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
      if (d.dir === 0 && d.phase === 'hs' && !d.opened && this.earlyOffered && this.earlySkipped + frag.length <= this.maxPending) {
        if (this.earlySkipped === 0) this.anomalies.report('tls.early_data_skipped', this.frame, `dir=0 record=${d.records}`, this.conn, 0);
        this.earlySkipped += frag.length;
        return 'done';
      }
      return this.unopened(d, 0);
    }
    d.opened = true;
    d.secret ??= d.cipher.secret;
    if (o.type === CT_APP && d.phase === 'app') this.emit(d, o.data);
    else if (o.type === CT_ALERT) this.alert(d, o.data);
    else if (o.type === CT_HANDSHAKE) this.handshake13(d, o.data);
    else this.decodeError(d, `inner content_type=${o.type} phase=${d.phase}`);
    return 'done';
  }

  /** Protected handshake messages: Finished switches to the application secret, KeyUpdate to the next one (RFC 8446 4.4.4, 4.6.3, 7.2). */
  private handshake13(d: Direction, data: Uint8Array): void {
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
