/**
 * The connection table of `TcpTracker` (./tcp-tracker.ts): connections by the hash of their
 * unordered endpoint pair, exact matching of both endpoints, and which way a packet goes.
 * The key is a small integer (./endpoint-hash.ts), so a lookup allocates nothing: no key string
 * per packet; connections whose hashes collide are chained through `TcpConnection.nextSame`.
 * Caps, LRU order and lifecycle stay with the tracker.
 */
import type { DecodedPacket } from '../decode/decoded-packet.js';
import { addr32, sameBytesAt } from './endpoint-hash.js';
import type { TcpConnection as Connection } from './tcp-connection.js';

export class TcpConnectionTable {
  private readonly buckets = new Map<number, Connection>();
  /** Connections in the table. */
  size = 0;
  /** Set by {@link find} when it finds one: whether the packet goes from server to client. */
  fromServer = false;

  /**
   * The connection of `pkt`'s endpoint pair, or undefined; sets `fromServer` when found.
   * Matching compares both endpoints exactly: the hash only picks the bucket.
   */
  find(hash: number, pkt: DecodedPacket): Connection | undefined {
    let c: Connection | null = this.buckets.get(hash) ?? null;
    if (c === null) return undefined;
    const s = pkt.src;
    const d = pkt.dst;
    const sp = pkt.srcPort;
    const dp = pkt.dstPort;
    const v4 = s.length === 4 && d.length === 4;
    const s32 = v4 ? addr32(s) : 0;
    const d32 = v4 ? addr32(d) : 0;
    for (; c !== null; c = c.nextSame) {
      if (v4) {
        if (c.ipVersion !== 4) continue;
        if (sp === c.clientPort && dp === c.serverPort && s32 === c.client32 && d32 === c.server32) {
          this.fromServer = false;
          return c;
        }
        if (sp === c.serverPort && dp === c.clientPort && s32 === c.server32 && d32 === c.client32) {
          this.fromServer = true;
          return c;
        }
      } else {
        const a = c.addr6;
        if (a === null) continue;
        if (sp === c.clientPort && dp === c.serverPort && sameBytesAt(s, a, 0) && sameBytesAt(d, a, 16)) {
          this.fromServer = false;
          return c;
        }
        if (sp === c.serverPort && dp === c.clientPort && sameBytesAt(s, a, 16) && sameBytesAt(d, a, 0)) {
          this.fromServer = true;
          return c;
        }
      }
    }
    return undefined;
  }

  /** Adds a connection (its `hash` set, not in the table yet). */
  add(conn: Connection): void {
    conn.nextSame = this.buckets.get(conn.hash) ?? null;
    this.buckets.set(conn.hash, conn);
    this.size++;
  }

  /** Takes the connection out of its bucket; false when it was not in the table. */
  remove(conn: Connection): boolean {
    let c = this.buckets.get(conn.hash);
    if (c === undefined) return false;
    if (c === conn) {
      if (conn.nextSame === null) this.buckets.delete(conn.hash);
      else this.buckets.set(conn.hash, conn.nextSame);
    } else {
      while (c.nextSame !== null && c.nextSame !== conn) c = c.nextSame;
      if (c.nextSame !== conn) return false;
      c.nextSame = conn.nextSame;
    }
    conn.nextSame = null;
    this.size--;
    return true;
  }
}
