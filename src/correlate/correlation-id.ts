/**
 * The X2/X3 Correlation ID (TS 103 221-2 header octets 32..39): 8 octets equal for every IRI and
 * CC record of one intercepted session of one task, and different between tasks (records of
 * different warrants must not be linkable through it). Deterministic, so two runs over the same
 * capture give the same identifiers: the first 8 octets of SHA-256(session key, 0x00, XID).
 */
import { createHash } from 'node:crypto';

/**
 * @param sessionKey a stable text naming the session (e.g. `sip:<Call-ID>`, `msrp:<sid pair>`).
 * @param xid the task's XID (canonical text).
 */
export function correlationIdOf(sessionKey: string, xid: string): Uint8Array {
  const h = createHash('sha256')
    .update(sessionKey, 'latin1')
    .update(new Uint8Array([0]))
    .update(xid, 'latin1')
    .digest();
  return new Uint8Array(h.buffer, h.byteOffset, 8).slice();
}
