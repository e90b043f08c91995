/**
 * SCTP packet decoding (RFC 9260, which obsoletes RFC 4960): the common header as a transport
 * layer step, and a chunk reader the flow layer walks the chunks with. Pure and zero-copy.
 */
import type { AnomalySink } from '../core/anomaly.js';
import { u16be, u32be } from '../util/bytes.js';
import { Layer, type Cursor, type LayerCode } from './cursor.js';
import { IpProto, type DecodedPacket } from './decoded-packet.js';

/** RFC 9260 section 3.1: source port, destination port, verification tag, CRC32c checksum. */
export const SCTP_COMMON_HEADER = 12;
/** RFC 9260 section 3.2: chunk type, flags, length. */
const CHUNK_HEADER = 4;
/** RFC 9260 section 3.3.1: chunk header + TSN + stream identifier + SSN + PPID. */
const DATA_HEADER = 16;

/** Chunk types msrptap looks at (IANA "Chunk Types"). */
export const SctpChunkType = {
  DATA: 0,
  /** RFC 8260 section 2.1: DATA with a message identifier, for interleaved user messages. */
  I_DATA: 64,
} as const;

/** DATA chunk flags (RFC 9260 section 3.3.1). */
export const SctpDataFlag = {
  /** Last fragment of a user message. */
  E: 0x01,
  /** First fragment of a user message. */
  B: 0x02,
  /** Unordered: the SSN is not used. */
  U: 0x04,
  /** The receiver should SACK at once (RFC 7053). */
  I: 0x08,
} as const;

/**
 * Decodes the SCTP common header at the cursor (RFC 9260 section 3.1): ports and verification tag
 * into `out`, and the chunks (everything after the header) as `out.payload`. The checksum is not
 * verified (CRC32c offload leaves it wrong in captures of sent packets, as for TCP and UDP).
 */
export function decodeSctp(c: Cursor, out: DecodedPacket, sink: AnomalySink): LayerCode {
  const b = c.buf;
  const off = c.off;
  if (c.end - off < SCTP_COMMON_HEADER) {
    sink.report('sctp.truncated_header', c.frameNo);
    return Layer.DONE;
  }
  out.l4 = IpProto.SCTP;
  out.srcPort = u16be(b, off);
  out.dstPort = u16be(b, off + 2);
  out.sctpVtag = u32be(b, off + 4);
  out.setPayload(b, off + SCTP_COMMON_HEADER, c.end);
  return Layer.DONE;
}

/**
 * One chunk, filled by {@link readSctpChunk}. The DATA fields are set for DATA chunks only;
 * `data[dataOff, dataEnd)` is the user data (it aliases the packet: copy to keep).
 */
export interface SctpChunk {
  type: number;
  flags: number;
  /** TSN, stream identifier, stream sequence number, payload protocol identifier (DATA). */
  tsn: number;
  stream: number;
  ssn: number;
  ppid: number;
  data: Uint8Array;
  dataOff: number;
  dataEnd: number;
}

export function createSctpChunk(): SctpChunk {
  return { type: 0, flags: 0, tsn: 0, stream: 0, ssn: 0, ppid: 0, data: new Uint8Array(0), dataOff: 0, dataEnd: 0 };
}

/**
 * Reads the chunk at `b[off, end)` (the chunks of one packet, e.g. `pkt.payload`) into `chunk`
 * and returns the offset of the next chunk, or -1 when there is none or the rest cannot be used.
 *
 * - A packet may bundle several chunks; each is padded to a multiple of 4 bytes and the padding
 *   is not counted in Chunk Length (RFC 9260 section 3.2). Padding cut off by the end of the
 *   packet is accepted (the last chunk needs none to be read).
 * - Chunk Length below 4, or a DATA chunk without user data (Length 16 or less, which RFC 9260
 *   section 3.3.1 forbids: "MUST NOT" be sent, the receiver aborts), is `sctp.bad_chunk`: the
 *   chunks after it cannot be located, so the walk stops.
 * - A chunk running past the packet is `sctp.truncated_chunk` unless `snapCut` (the capture cut
 *   the frame; the capture layer reports that).
 */
export function readSctpChunk(b: Uint8Array, off: number, end: number, chunk: SctpChunk, sink: AnomalySink, frameNo: number, snapCut: boolean): number {
  const avail = end - off;
  if (avail <= 0) return -1;
  if (avail < CHUNK_HEADER) {
    // Fewer than 4 bytes can only be padding (zeros) or damage.
    if (!snapCut && !allZero(b, off, end)) sink.report('sctp.truncated_chunk', frameNo, 'header');
    return -1;
  }
  const type = b[off]!;
  const len = u16be(b, off + 2);
  if (len < CHUNK_HEADER || (type === SctpChunkType.DATA && len <= DATA_HEADER)) {
    sink.report('sctp.bad_chunk', frameNo, `type=${type} length=${len}`);
    return -1;
  }
  if (len > avail) {
    if (!snapCut) sink.report('sctp.truncated_chunk', frameNo, `type=${type}`);
    return -1;
  }
  chunk.type = type;
  chunk.flags = b[off + 1]!;
  if (type === SctpChunkType.DATA) {
    chunk.tsn = u32be(b, off + 4);
    chunk.stream = u16be(b, off + 8);
    chunk.ssn = u16be(b, off + 10);
    chunk.ppid = u32be(b, off + 12);
    chunk.data = b;
    chunk.dataOff = off + DATA_HEADER;
    chunk.dataEnd = off + len;
  }
  const next = off + ((len + 3) & ~3);
  return next < end ? next : end;
}

function allZero(b: Uint8Array, off: number, end: number): boolean {
  for (let i = off; i < end; i++) if (b[i] !== 0) return false;
  return true;
}
