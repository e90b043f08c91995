/**
 * Decoders for the LI structures msrptap writes, for the `decode` command and receivers:
 * XIRIPayload (X2 format 2), 33.128 IRIPayload / CCPayload, and TS 102 232-1 PS-PDUs (whose
 * threeGPP33128Defined* OCTET STRINGs are decoded in place, CONTAINING).
 */
import type { DecodeResult } from '../common/decode-error.js';
import type { AsnType } from './asn-schema.js';
import { decodeBer, type AsnNode, type BerDecodeOptions } from './ber-decoder.js';
import { PS_PDU } from './li-ps-pdu/ps-pdu.js';
import { CCPayload } from './ts33128/cc-payload.js';
import { IRIPayload } from './ts33128/iri-payload.js';
import { XIRIPayload } from './ts33128/xiri-payload.js';

/** The top-level types a decoder can be asked for. */
export const LI_TOP_TYPES = {
  XIRIPayload,
  IRIPayload,
  CCPayload,
  'PS-PDU': PS_PDU,
} as const satisfies Record<string, AsnType>;

export type LiTopTypeName = keyof typeof LI_TOP_TYPES;

/** Decodes one element of the named type at `off`; `end` is where it ends. */
export function decodeLiStructure(name: LiTopTypeName, b: Uint8Array, off = 0, opts?: BerDecodeOptions): DecodeResult<{ node: AsnNode; end: number }> {
  return decodeBer(LI_TOP_TYPES[name], b, off, opts);
}
