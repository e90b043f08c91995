/**
 * Public API of the decode layer: stateless, zero-copy decoding of captured frames down to the
 * innermost IP datagram and its TCP/UDP header.
 */
export { decodeFrame, isDecodedLinkType } from './decode-frame.js';
export { decodeTransport } from './decode-transport.js';
export { formatEndpoint, formatIp } from './format-ip.js';
export { ipv4HeaderChecksumOk } from './ipv4.js';
export { EtherType } from './ethernet.js';
export { VXLAN_PORT } from './vxlan.js';
export { MAX_TUNNEL_DEPTH } from './cursor.js';
export {
  IpProto,
  TcpFlag,
  Tunnel,
  createDecodedPacket,
  resetDecodedPacket,
  type DecodedPacket,
  type TunnelKind,
} from './decoded-packet.js';
