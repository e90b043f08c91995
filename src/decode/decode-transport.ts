/** Transport decoding of an IP datagram already in a DecodedPacket (e.g. after reassembly). */
import type { AnomalySink } from '../core/anomaly.js';
import { clearTransport, Layer } from './cursor.js';
import type { DecodedPacket } from './decoded-packet.js';
import { runLayers } from './layer-driver.js';

/**
 * Decodes the upper layer of `out.ipPayload` according to `out.ipProto`: TCP, UDP (and VXLAN on
 * UDP port 4789), SCTP, or GRE / IP-in-IP, which are decapsulated (an outer datagram carrying a tunnel may
 * itself have been fragmented). The transport fields are reset first; nothing is decoded when
 * `out` holds no IP datagram or still is a fragment.
 *
 * The flow layer calls this after IP reassembly, having replaced `out.ipPayload` with the whole
 * datagram payload and cleared `out.isFragment`. When a tunnel is removed here, the IP fields
 * of `out` are overwritten by the inner datagram's (which may itself be a fragment again:
 * check `out.isFragment` afterwards). `out.tunnelDepth` carries the nesting limit across calls.
 *
 * @remarks `out.payload` and any inner views alias `out.ipPayload`'s buffer.
 */
export function decodeTransport(out: DecodedPacket, frameNo: number, sink: AnomalySink): void {
  clearTransport(out);
  if (out.ipVersion === 0 || out.isFragment) return;
  // runLayers(TRANSPORT) re-points the cursor at the ipPayload range itself.
  runLayers(Layer.TRANSPORT, out.ipBuf, out.ipOff, out.ipEnd, frameNo, out.ipTruncated, out, sink);
}
