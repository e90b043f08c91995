/** SDP fixtures: lines joined with CRLF, as bytes. */
import { AnomalyCounter } from '../../../../src/core/anomaly.js';

export function sdp(...lines: string[]): Uint8Array {
  return new Uint8Array(Buffer.from(lines.join('\r\n') + '\r\n', 'utf8'));
}

export function newSink(): AnomalyCounter {
  return new AnomalyCounter(10);
}
