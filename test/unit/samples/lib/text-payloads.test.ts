/** SIP and MSRP text builders used as realistic sample payloads. */
import { describe, expect, it } from 'vitest';
import { msrpFrame } from '../../../../samples/gen/lib/msrp-frame.js';
import { sdpBody, sipMessage } from '../../../../samples/gen/lib/sip-message.js';

describe('sipMessage', () => {
  it('adds Content-Length of the body in bytes (RFC 3261 section 20.14)', () => {
    const m = Buffer.from(sipMessage('MESSAGE sip:b@x SIP/2.0', [['Call-ID', 'c1']], 'hé')).toString('utf8');
    expect(m).toBe('MESSAGE sip:b@x SIP/2.0\r\nCall-ID: c1\r\nContent-Length: 3\r\n\r\nhé');
  });

  it('keeps a given Content-Length (also compact form l)', () => {
    const m = Buffer.from(sipMessage('SIP/2.0 200 OK', [['l', '99']])).toString();
    expect(m).toBe('SIP/2.0 200 OK\r\nl: 99\r\n\r\n');
  });

  it('sdpBody ends every line with CRLF', () => {
    expect(sdpBody(['v=0', 's=-'])).toBe('v=0\r\ns=-\r\n');
  });
});

describe('msrpFrame', () => {
  it('request with body: blank line, body, CRLF, end-line (RFC 4975 section 7.1)', () => {
    const f = Buffer.from(msrpFrame({ transactionId: 'a1', startLine: 'SEND', headers: [['Message-ID', 'm']], body: 'hi', flag: '+' })).toString();
    expect(f).toBe('MSRP a1 SEND\r\nMessage-ID: m\r\n\r\nhi\r\n-------a1+\r\n');
  });

  it('response without body: end-line right after the headers', () => {
    const f = Buffer.from(msrpFrame({ transactionId: 'a1', startLine: '200 OK', headers: [['To-Path', 'msrp://x:1/s;tcp']] })).toString();
    expect(f).toBe('MSRP a1 200 OK\r\nTo-Path: msrp://x:1/s;tcp\r\n-------a1$\r\n');
  });
});
