/**
 * The dispatcher: runs the layer steps over one buffer until a step says DONE. A loop over
 * numbered layers instead of mutual recursion keeps the stack flat, the files free of import
 * cycles, and the per-packet path free of closures and result objects.
 */
import type { AnomalySink } from '../core/anomaly.js';
import { decodeBsdLoop, decodeBsdNull } from './bsd-loopback.js';
import { EMPTY_BYTES, Layer, type Cursor, type LayerCode } from './cursor.js';
import type { DecodedPacket } from './decoded-packet.js';
import { decodeErspanII, decodeErspanIII } from './erspan.js';
import { decodeEtherType, decodeEthernet } from './ethernet.js';
import { decodeGre, decodeGrePayload } from './gre.js';
import { decodeIpPayload } from './ip-payload.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { decodeLinuxSll, decodeLinuxSll2 } from './linux-sll.js';
import { decodeRawIp } from './raw-ip.js';
import { decodeSctp } from './sctp.js';
import { decodeTcp } from './tcp.js';
import { decodeUdp } from './udp.js';
import { decodeVxlan } from './vxlan.js';

/**
 * The one cursor. Decoding is synchronous and never re-entered (an AnomalySink must not decode
 * frames from inside `report`), so a single module-level instance is safe and saves an object
 * per frame.
 */
const cursor: Cursor = { buf: EMPTY_BYTES, off: 0, end: 0, type: 0, greSeq: false, frameNo: 0, snapCut: false };

/**
 * Decodes `buf[off, end)` starting at layer `first`, writing into `out`.
 * Terminates: every step consumes a header or moves to a later layer, except tunnel entries,
 * which are counted against MAX_TUNNEL_DEPTH.
 */
export function runLayers(first: LayerCode, buf: Uint8Array, off: number, end: number, frameNo: number, snapCut: boolean, out: DecodedPacket, sink: AnomalySink): void {
  const c = cursor;
  c.buf = buf;
  c.off = off;
  c.end = end;
  c.type = 0;
  c.greSeq = false;
  c.frameNo = frameNo;
  c.snapCut = snapCut;
  let layer: LayerCode = first;
  while (layer !== Layer.DONE) {
    switch (layer) {
      case Layer.ETHERNET:
        layer = decodeEthernet(c, out, sink);
        break;
      case Layer.ETHERTYPE:
        layer = decodeEtherType(c, out, sink);
        break;
      case Layer.LINUX_SLL:
        layer = decodeLinuxSll(c, out, sink);
        break;
      case Layer.LINUX_SLL2:
        layer = decodeLinuxSll2(c, out, sink);
        break;
      case Layer.BSD_NULL:
        layer = decodeBsdNull(c, out, sink);
        break;
      case Layer.BSD_LOOP:
        layer = decodeBsdLoop(c, out, sink);
        break;
      case Layer.RAW_IP:
        layer = decodeRawIp(c, out, sink);
        break;
      case Layer.IPV4:
        layer = decodeIpv4(c, out, sink);
        break;
      case Layer.IPV6:
        layer = decodeIpv6(c, out, sink);
        break;
      case Layer.TRANSPORT:
        layer = decodeIpPayload(c, out, sink);
        break;
      case Layer.TCP:
        layer = decodeTcp(c, out, sink);
        break;
      case Layer.UDP:
        layer = decodeUdp(c, out, sink);
        break;
      case Layer.GRE:
        layer = decodeGre(c, out, sink);
        break;
      case Layer.GRE_PAYLOAD:
        layer = decodeGrePayload(c, out, sink);
        break;
      case Layer.ERSPAN_II:
        layer = decodeErspanII(c, out, sink);
        break;
      case Layer.ERSPAN_III:
        layer = decodeErspanIII(c, out, sink);
        break;
      case Layer.VXLAN:
        layer = decodeVxlan(c, out, sink);
        break;
      case Layer.SCTP:
        layer = decodeSctp(c, out, sink);
        break;
      default:
        layer = Layer.DONE;
    }
  }
  c.buf = EMPTY_BYTES; // do not keep the frame's buffer alive between frames
}
