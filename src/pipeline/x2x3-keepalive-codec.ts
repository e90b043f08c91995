/**
 * The X2/X3 side of a delivery link (src/deliver/destination-link.ts handles opaque bytes):
 * Keepalive PDUs out, Keepalive Acknowledgements in (ETSI TS 103 221-2 clause 5.3: PDU types 3
 * and 4, no payload, the acknowledgement echoes the keepalive's sequence number attribute).
 */
import type { KeepaliveCodec } from '../deliver/destination-link.js';
import { encodeKeepalive, formatDecodeError, PduType, X2X3Framer } from '../encode/index.js';

export const x2x3KeepaliveCodec: KeepaliveCodec = {
  keepalive: encodeKeepalive,
  ackReader() {
    // Acknowledgements are 48 bytes; anything big from a receiver is wrong, so keep the caps small.
    const framer = new X2X3Framer({ maxPayloadLength: 0, maxHeaderLength: 4096 });
    return (chunk) => {
      const r = framer.push(chunk);
      const acks: number[] = [];
      for (const pdu of r.pdus) {
        if (pdu.pduType === PduType.KEEPALIVE_ACK) {
          const seq = pdu.attributes.find((a) => a.kind === 'sequenceNumber');
          if (seq?.kind === 'sequenceNumber') acks.push(seq.value);
          else return { acks, error: 'keepalive acknowledgement without sequence number' };
        } else if (pdu.pduType !== PduType.KEEPALIVE) {
          // A mediation function sends nothing but acknowledgements (and maybe keepalives) back.
          return { acks, error: `unexpected PDU type ${pdu.pduType} from the receiver` };
        }
      }
      return r.error !== undefined ? { acks, error: formatDecodeError(r.error) } : { acks };
    };
  },
};
