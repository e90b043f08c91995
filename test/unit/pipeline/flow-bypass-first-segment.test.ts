/**
 * Review R2: the start-line watch of a bypassed MSRP direction does not look at offset 0 of the
 * FIRST segment it is shown: a new watch starts with lineStart = false, yet a bypass always
 * begins at a frame boundary (just after the end-line's LF), i.e. at a line start. A frame of
 * another session (here: a target's without SIP) in that first bypassed segment is passed over
 * unframed, and the target session is seen only from its second frame.
 */
import { describe, expect, it } from 'vitest';
import { bypassPipeline as pipeline, CAROL, DAVE, dialog, type Feed, MARK, messageIds, msrpConnection, sendFrame, TARGET } from '../../helpers/flow-bypass-scenario.js';
import { MsrpStartWatch } from '../../../src/protocols/msrp/msrp-start-watch.js';

function connection(f: Feed): (fromSid: string, toSid: string, mid: string, from: string, to: string, text: string) => void {
  const conn = msrpConnection(f);
  return (fromSid, toSid, mid, from, to, text) => {
    for (const s of conn.send('c2s', sendFrame(fromSid, toSid, mid, from, to, text))) f.put(s.ip);
  };
}

describe('flow bypass start-line watch: the first bypassed segment (review R2)', () => {
  it('unit: a fresh watch refuses another session’s frame at offset 0 (bypass starts at a frame boundary)', () => {
    const w = new MsrpStartWatch();
    expect(w.allow(['To-Path: msrp://10.0.0.2:2855/nB;tcp', 'From-Path: msrp://10.0.0.1:2855/nA;tcp'])).toBe(true);
    const other = 'MSRP x1 SEND\r\nTo-Path: msrp://10.0.0.2:2855/xB;tcp\r\nFrom-Path: msrp://10.0.0.1:2855/xA;tcp\r\nMessage-ID: m\r\nByte-Range: 1-2/2\r\nContent-Type: text/plain\r\n\r\nhi\r\n-------x1$\r\n';
    expect(w.passes(new Uint8Array(Buffer.from(other, 'latin1')))).toBe(false);
  });

  it('end to end: a session without SIP whose first frame directly follows the frame let go is recorded from its first message', () => {
    const { p, f, records } = pipeline(TARGET, { tcp: { bypass: true, bypassReprobeSec: 600, bypassProbeSec: 1 } });
    dialog(f, 'nt-r2', CAROL, DAVE, 'nA', 'nB');
    const sendOn = connection(f);
    sendOn('nA', 'nB', 'n1', CAROL, DAVE, `${MARK} 1`);
    sendOn('xA', 'xB', 'x1', TARGET, 'sip:someone@ims.example.net', 'no SIP for this one');
    sendOn('nA', 'nB', 'n2', CAROL, DAVE, `${MARK} 2`);
    sendOn('xA', 'xB', 'x2', TARGET, 'sip:someone@ims.example.net', 'and another');
    p.finish();
    expect(messageIds(records)).toEqual(['x1', 'x2']);
  });
});
