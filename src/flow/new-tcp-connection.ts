/**
 * The connection a packet of an unknown endpoint pair opens (./tcp-tracker.ts): who is the
 * client, and the {@link TcpConnection} with its endpoints in client/server order.
 *
 * Roles: a SYN without ACK comes from the client, a SYN/ACK from the server (RFC 9293 section
 * 3.5, the three-way handshake). Without a SYN the first packet's sender is the client unless
 * its source port looks like a server port (./endpoint-hash.ts looksLikeServerPort).
 */
import { TcpFlag, type DecodedPacket } from '../decode/decoded-packet.js';
import { addr32, looksLikeServerPort } from './endpoint-hash.js';
import { TcpConnection } from './tcp-connection.js';

const SYN = TcpFlag.SYN;
const ACK = TcpFlag.ACK;

/** True when the first packet of a connection was sent by its client (see the file comment). */
export function senderIsClient(pkt: DecodedPacket): boolean {
  const flags = pkt.tcpFlags;
  if ((flags & (SYN | ACK)) === SYN) return true;
  if ((flags & (SYN | ACK)) === (SYN | ACK)) return false;
  return !looksLikeServerPort(pkt.srcPort, pkt.dstPort);
}

/** The connection `pkt` opens, numbered `id`; `fromClient`: {@link senderIsClient} of `pkt`. */
export function newTcpConnection(hash: number, id: number, pkt: DecodedPacket, fromClient: boolean, frameNo: number, tsSec: number, tsNsec: number): TcpConnection {
  const flags = pkt.tcpFlags;
  const v6 = pkt.ipVersion === 6;
  const client = fromClient ? pkt.src : pkt.dst;
  const server = fromClient ? pkt.dst : pkt.src;
  let addr6: Uint8Array | null = null;
  if (v6) {
    addr6 = new Uint8Array(32);
    addr6.set(client, 0);
    addr6.set(server, 16);
  }
  return new TcpConnection(
    hash,
    id,
    v6 ? 0 : addr32(client),
    v6 ? 0 : addr32(server),
    addr6,
    fromClient ? pkt.srcPort : pkt.dstPort,
    fromClient ? pkt.dstPort : pkt.srcPort,
    pkt.ipVersion === 6 ? 6 : 4,
    (flags & (SYN | ACK)) === SYN || (flags & (SYN | ACK)) === (SYN | ACK),
    frameNo,
    tsSec,
    tsNsec,
  );
}
