/** Entry point of the decode layer: one captured frame to a DecodedPacket. */
import type { AnomalySink } from '../core/anomaly.js';
import type { CapturedFrame } from '../core/frame.js';
import { LinkType } from '../core/link-type.js';
import { Layer, type LayerCode } from './cursor.js';
import { resetDecodedPacket, type DecodedPacket } from './decoded-packet.js';
import { runLayers } from './layer-driver.js';

/** First layer for each supported LINKTYPE_* value; DONE for unsupported ones. */
function firstLayer(linkType: number): LayerCode {
  switch (linkType) {
    case LinkType.ETHERNET:
      return Layer.ETHERNET;
    case LinkType.LINUX_SLL:
      return Layer.LINUX_SLL;
    case LinkType.LINUX_SLL2:
      return Layer.LINUX_SLL2;
    case LinkType.NULL:
      return Layer.BSD_NULL;
    case LinkType.LOOP:
      return Layer.BSD_LOOP;
    case LinkType.RAW:
    case LinkType.RAW_12:
    case LinkType.RAW_14:
      return Layer.RAW_IP;
    case LinkType.IPV4:
      return Layer.IPV4;
    case LinkType.IPV6:
      return Layer.IPV6;
    default:
      return Layer.DONE;
  }
}

/** True when frames of this LINKTYPE_* value are decoded (else each is `link.unsupported_type`). */
export function isDecodedLinkType(linkType: number): boolean {
  return firstLayer(linkType) !== Layer.DONE;
}

/**
 * Decodes `frame` by its link type down to the innermost IP header and transport header (TCP,
 * UDP, SCTP), removing VLAN tags and GRE / ERSPAN / VXLAN / IP-in-IP tunnels on the way, and writes the result into
 * `out` (reset first). Damaged or unsupported input is reported to `sink` and leaves `out`
 * describing what could be decoded; nothing throws.
 *
 * Link types: Ethernet (1, with 802.1Q/802.1ad/QinQ tags), Linux SLL (113) and SLL2 (276),
 * BSD NULL (0, either byte order) and LOOP (108), raw IP (101, and 12/14, the DLT_RAW values some
 * tools write into files), IPv4 (228), IPv6 (229).
 * Others: `link.unsupported_type`, once per frame.
 *
 * Fragments (out.isFragment) stop at the IP layer; after reassembling, the flow layer calls
 * {@link decodeTransport}.
 *
 * @remarks Every view in `out` aliases the frame's bytes and is valid only as long as that buffer
 * (see CapturedFrame): copy what must outlive the frame. Not re-entrant (see layer-driver.ts).
 */
export function decodeFrame(frame: CapturedFrame, out: DecodedPacket, sink: AnomalySink): void {
  resetDecodedPacket(out);
  const first = firstLayer(frame.linkType);
  if (first === Layer.DONE) {
    sink.report('link.unsupported_type', frame.frameNo, `linktype=${frame.linkType}`);
    return;
  }
  // Through buf/offset when the reader gives them: no view object per frame (CapturedFrame.buf).
  const buf = frame.buf;
  if (buf !== undefined) {
    const off = frame.offset ?? 0;
    runLayers(first, buf, off, off + frame.capLen, frame.frameNo, frame.capLen < frame.origLen, out, sink);
    return;
  }
  const data = frame.data;
  runLayers(first, data, 0, data.length, frame.frameNo, frame.capLen < frame.origLen, out, sink);
}

// Both entry points from one module, for callers that decode and re-decode after reassembly.
export { decodeTransport } from './decode-transport.js';
