/**
 * WebSocket frames for tests (RFC 6455 section 5.2), built field by field, and a streaming
 * permessage-deflate sender (RFC 7692 7.2.1: a real zlib deflater, sync-flushed per message,
 * the trailing 0x00 0x00 0xff 0xff removed), so the decoder is checked against zlib's own output.
 */
import { constants, createDeflateRaw, type DeflateRaw } from 'node:zlib';

export interface WsFrameOptions {
  fin?: boolean;
  /** RSV1: the message is compressed (RFC 7692 6). */
  rsv1?: boolean;
  rsv?: number;
  opcode: number;
  payload: Uint8Array;
  /** Masking key (client frames, RFC 6455 5.3); none for server frames. */
  mask?: Uint8Array | null;
  /** Force a 16- or 64-bit length field even for short payloads. */
  lengthForm?: 7 | 16 | 64;
}

export function wsFrame(o: WsFrameOptions): Uint8Array {
  const n = o.payload.length;
  const form = o.lengthForm ?? (n < 126 ? 7 : n < 65536 ? 16 : 64);
  const ext = form === 7 ? 0 : form === 16 ? 2 : 8;
  const mask = o.mask ?? null;
  const out = new Uint8Array(2 + ext + (mask !== null ? 4 : 0) + n);
  out[0] = (o.fin === false ? 0 : 0x80) | (o.rsv1 === true ? 0x40 : 0) | ((o.rsv ?? 0) << 4) | o.opcode;
  out[1] = (mask !== null ? 0x80 : 0) | (form === 7 ? n : form === 16 ? 126 : 127);
  let p = 2;
  if (form === 16) {
    out[2] = n >> 8;
    out[3] = n & 0xff;
    p = 4;
  } else if (form === 64) {
    new DataView(out.buffer).setBigUint64(2, BigInt(n));
    p = 10;
  }
  if (mask !== null) {
    out.set(mask, p);
    p += 4;
  }
  for (let i = 0; i < n; i++) out[p + i] = mask !== null ? o.payload[i]! ^ mask[i & 3]! : o.payload[i]!;
  return out;
}

/** One data message cut into `parts` frames (first: opcode, then continuations), control frames inserted after frame `pingAfter`. */
export function wsMessage(payload: Uint8Array, o: { opcode?: number; parts?: number; mask?: Uint8Array | null; rsv1?: boolean; pingAfter?: number } = {}): Uint8Array[] {
  const parts = Math.max(1, Math.min(o.parts ?? 1, Math.max(1, payload.length)));
  const size = Math.ceil(payload.length / parts);
  const frames: Uint8Array[] = [];
  for (let i = 0; i < parts; i++) {
    const piece = payload.subarray(i * size, Math.min(payload.length, (i + 1) * size));
    frames.push(wsFrame({ fin: i === parts - 1, rsv1: i === 0 && o.rsv1 === true, opcode: i === 0 ? (o.opcode ?? 1) : 0, payload: piece, mask: o.mask ?? null }));
    if (o.pingAfter === i) frames.push(wsFrame({ opcode: 9, payload: new TextEncoder().encode('ka'), mask: o.mask ?? null }));
  }
  return frames;
}

/** A permessage-deflate sender: with context takeover one deflater for all messages, else a new one each. */
export class DeflateSender {
  private z: DeflateRaw | null = null;
  constructor(private readonly contextTakeover: boolean) {}

  async compress(data: Uint8Array): Promise<Uint8Array> {
    if (this.z === null || !this.contextTakeover) this.z = createDeflateRaw({ windowBits: 15 });
    const z = this.z;
    const chunks: Buffer[] = [];
    const on = (c: Buffer): void => void chunks.push(c);
    z.on('data', on);
    z.write(data);
    await new Promise<void>((resolve) => z.flush(constants.Z_SYNC_FLUSH, () => resolve()));
    z.off('data', on);
    const all = Buffer.concat(chunks);
    // RFC 7692 7.2.1: remove the 4 octets of the empty stored block that ends the sync flush.
    return new Uint8Array(all.subarray(0, all.length - 4));
  }
}
