/**
 * A minimal X2/X3 mediation-function endpoint (ETSI TS 103 221-2) for tests, demos and labs,
 * behind `msrptap receive`: accepts TCP or mutual-TLS connections from POIs, validates every PDU
 * with the X2/X3 decoder (framing, version 00 05, PDU type, lengths, attributes), answers each
 * Keepalive with a Keepalive Acknowledgement echoing its sequence number, and stores X2/X3 PDUs
 * per XID through {@link ReceivedPduStore} (which drops duplicate sequence numbers).
 *
 * Order of effects per connection: PDUs are stored (written and, before any acknowledgement,
 * fsynced) in arrival order, and a keepalive is acknowledged only after every PDU before it was
 * stored. So an acknowledgement is a durable receipt of everything sent before the keepalive.
 *
 * A stream that breaks the framing cannot be resynchronised (length-framed): the connection is
 * closed and the sender reconnects and resends from its spool.
 */
import net from 'node:net';
import tls from 'node:tls';
import { ReceivedPduStore } from '../deliver/received-pdu-store.js';
import { MIN_TLS_VERSION, type TlsMaterial } from '../deliver/tls-material.js';
import { encodeKeepaliveAck, formatDecodeError, PduType, X2X3Framer } from '../encode/index.js';
import type { X2X3Pdu } from '../encode/index.js';

/** Receiver events for the log: addresses, XIDs and counts only. */
export type ReceiverLog = (level: 'info' | 'warn' | 'error', event: string, fields: Record<string, unknown>, msg?: string) => void;

export interface X2X3ReceiverOptions {
  readonly host: string;
  /** 0 = any free port (see {@link X2X3Receiver.port}). */
  readonly port: number;
  /** Mutual TLS: server certificate/key, and the CA that client certificates must chain to. */
  readonly tls?: TlsMaterial | null;
  readonly outDir: string;
  readonly log?: ReceiverLog;
  /** Cap on simultaneous connections (default 64). */
  readonly maxConnections?: number;
}

/** Counters of a receiver. */
export interface ReceiverStats {
  connections: number;
  keepalives: number;
  stored: number;
  duplicates: number;
  gaps: number;
  invalid: number;
  protocolErrors: number;
}

const ZERO_XID = '00000000-0000-0000-0000-000000000000';

export class X2X3Receiver {
  private server: net.Server | undefined;
  private readonly store: ReceivedPduStore;
  private readonly log: ReceiverLog;
  private readonly sockets = new Set<net.Socket>();
  readonly counters: ReceiverStats = { connections: 0, keepalives: 0, stored: 0, duplicates: 0, gaps: 0, invalid: 0, protocolErrors: 0 };

  constructor(private readonly o: X2X3ReceiverOptions) {
    this.store = new ReceivedPduStore(o.outDir);
    this.log = o.log ?? (() => {});
  }

  /** The bound port (after {@link listen}). */
  get port(): number {
    const a = this.server?.address();
    return typeof a === 'object' && a !== null ? a.port : 0;
  }

  /** Re-reads existing XID folders, then listens. */
  async listen(): Promise<void> {
    const resumed = this.store.loadExisting();
    if (resumed > 0) this.log('info', 'receiver.resumed', { xids: resumed }, 'resuming existing output');
    const m = this.o.tls ?? null;
    const server =
      m === null
        ? net.createServer((s) => this.accept(s))
        : tls.createServer(
            {
              cert: m.cert,
              key: m.key,
              ...(m.ca !== undefined ? { ca: m.ca } : {}),
              minVersion: MIN_TLS_VERSION,
              // Mutual TLS: the POI must present a certificate signed by the pinned CA.
              requestCert: true,
              rejectUnauthorized: true,
            },
            (s) => this.accept(s),
          );
    server.maxConnections = this.o.maxConnections ?? 64;
    server.on('tlsClientError', (e: Error, s: tls.TLSSocket) => {
      this.counters.protocolErrors++;
      this.log('warn', 'receiver.tls_failed', { peer: `${s.remoteAddress}:${s.remotePort}`, reason: e.message });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.port, this.o.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.log('info', 'receiver.listening', { address: `${this.o.host}:${this.port}`, tls: m !== null });
  }

  /** Stops listening, closes connections, fsyncs and closes the files. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const server = this.server;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
    this.store.close();
  }

  private accept(s: net.Socket): void {
    this.sockets.add(s);
    this.counters.connections++;
    const peer = `${s.remoteAddress}:${s.remotePort}`;
    this.log('info', 'receiver.connection', { peer });
    const framer = new X2X3Framer();
    // The raw bytes not yet consumed by complete PDUs: stored PDUs must be the bytes as received.
    let chunks: Buffer[] = [];
    let chunksBytes = 0;
    let rawStart = 0;
    let pushed = 0;
    s.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      chunksBytes += chunk.length;
      pushed += chunk.length;
      const r = framer.push(chunk);
      if (r.pdus.length > 0) {
        const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, chunksBytes);
        const consumedEnd = pushed - framer.buffered;
        for (let i = 0; i < r.pdus.length; i++) {
          const start = r.offsets[i]! - rawStart;
          const end = (i + 1 < r.pdus.length ? r.offsets[i + 1]! : consumedEnd) - rawStart;
          if (!this.onPdu(s, r.pdus[i]!, raw.subarray(start, end), peer)) return;
        }
        const rest = raw.subarray(consumedEnd - rawStart);
        chunks = rest.length > 0 ? [rest] : [];
        chunksBytes = rest.length;
        rawStart = consumedEnd;
      }
      if (r.error !== undefined) {
        this.counters.protocolErrors++;
        this.log('warn', 'receiver.framing_error', { peer, error: formatDecodeError(r.error) }, 'X2/X3 framing error: closing the connection');
        s.destroy();
      }
    });
    s.on('error', (e: NodeJS.ErrnoException) => this.log('info', 'receiver.connection_error', { peer, reason: e.code ?? e.message }));
    s.on('close', () => {
      this.sockets.delete(s);
      this.log('info', 'receiver.connection_closed', { peer });
    });
  }

  /** Handles one complete, decoded PDU; false when the connection was closed. */
  private onPdu(s: net.Socket, pdu: X2X3Pdu, bytes: Uint8Array, peer: string): boolean {
    if (pdu.pduType === PduType.KEEPALIVE) {
      this.counters.keepalives++;
      // Everything stored before this keepalive is made durable before we vouch for it.
      this.store.sync();
      const ack = encodeKeepaliveAck(pdu);
      if (ack !== undefined) s.write(ack);
      return true;
    }
    if (pdu.pduType === PduType.KEEPALIVE_ACK) return true;
    const seq = pdu.attributes.find((a) => a.kind === 'sequenceNumber');
    if (seq?.kind !== 'sequenceNumber' || pdu.xid === ZERO_XID) {
      // Without a sequence number a PDU cannot be deduplicated or checked for gaps.
      this.counters.invalid++;
      this.log('warn', 'receiver.pdu_not_stored', { peer, pduType: pdu.pduType }, 'X2/X3 PDU without sequence number or XID: not stored');
      return true;
    }
    const r = this.store.accept({ xid: pdu.xid, sequenceNumber: seq.value, pduType: pdu.pduType, payloadFormat: pdu.payloadFormat }, bytes);
    if (r === 'duplicate') this.counters.duplicates++;
    else {
      this.counters.stored++;
      if (r === 'gap') {
        this.counters.gaps++;
        this.log('warn', 'receiver.sequence_gap', { xid: pdu.xid, seq: seq.value });
      }
    }
    return true;
  }
}
