/**
 * The building blocks of the scenario samples: the RCS content builders added to
 * samples/gen/lib (CPIM, IMDN, isComposing, multipart), `TcpConversation.sendCut`, the IMS
 * dialog builder, RFC 4976 route paths, and the truth rules of `MessageRecord`.
 */
import { describe, expect, it } from 'vitest';
import { cpimMessage, imdnXml, ipAddr, isComposingXml, multipartBody, Prng, TcpConversation } from '../../../samples/gen/lib/index.js';
import { fileSelectorHash, hostPort, ImsDialog, msrpSdp } from '../../../samples/gen/scenarios/ims-sip.js';
import { isoTime, MessageRecord, sha256Hex, type MessageSpec } from '../../../samples/gen/scenarios/truth.js';
import { MsrpRoute } from '../../../samples/gen/scenarios/wire.js';

const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

describe('rcs-content builders', () => {
  it('cpimMessage: headers, blank line, content headers, blank line, content (RFC 3862 section 2)', () => {
    const m = cpimMessage({
      headers: [
        ['From', '<sip:a@x>'],
        ['NS', 'imdn <urn:ietf:params:imdn>'],
      ],
      contentHeaders: [['Content-Type', 'text/plain']],
      body: 'hi',
    });
    expect(text(m.bytes)).toBe('From: <sip:a@x>\r\nNS: imdn <urn:ietf:params:imdn>\r\n\r\nContent-Type: text/plain\r\n\r\nhi');
    expect(text(m.inner)).toBe('hi');
  });

  it('imdnXml: delivery by default, display on request, recipient optional (RFC 5438 section 7.1)', () => {
    expect(imdnXml({ messageId: 'M1', dateTime: 'T' })).toContain('<delivery-notification><status><delivered/></status></delivery-notification>');
    const d = imdnXml({ messageId: 'M1', dateTime: 'T', kind: 'display', recipientUri: 'sip:b@x' });
    expect(d).toContain('<display-notification><status><displayed/></status></display-notification>');
    expect(d).toContain('<recipient-uri>sip:b@x</recipient-uri>');
    expect(d).toContain('<message-id>M1</message-id>');
  });

  it('isComposingXml: state, optional refresh (RFC 3994 section 3)', () => {
    expect(isComposingXml({ state: 'active', refresh: 60 })).toMatch(/<state>active<\/state>[\s\S]*<refresh>60<\/refresh>/);
    expect(isComposingXml({ state: 'idle' })).not.toContain('<refresh>');
  });

  it('multipartBody: delimiters and close-delimiter (RFC 2046 section 5.1.1)', () => {
    const b = text(
      multipartBody('XX', [
        { headers: [['Content-Type', 'a/b']], body: 'one' },
        { headers: [['Content-Type', 'c/d']], body: 'two' },
      ]),
    );
    expect(b).toBe('--XX\r\nContent-Type: a/b\r\n\r\none\r\n--XX\r\nContent-Type: c/d\r\n\r\ntwo\r\n--XX--\r\n');
  });
});

describe('TcpConversation.sendCut', () => {
  const conv = (): TcpConversation => new TcpConversation({ client: { addr: ipAddr('10.0.0.1'), port: 1000, isn: 100 }, server: { addr: ipAddr('10.0.0.2'), port: 2000, isn: 200 } });

  it('cuts at the offsets, consecutive sequence numbers, PSH on the last piece only', () => {
    const c = conv();
    const segs = c.sendCut('c2s', 'abcdefghij', [3, 7]);
    expect(segs.map((s) => text(s.payload))).toEqual(['abc', 'defg', 'hij']);
    expect(segs.map((s) => s.seq)).toEqual([101, 104, 108]);
    expect(segs.map((s) => (s.flags & 0x08) !== 0)).toEqual([false, false, true]);
    expect(c.nextSeq('c2s')).toBe(111);
  });

  it.each([[[0]], [[10]], [[5, 5]], [[6, 3]]])('rejects cut offsets %j', (cuts) => {
    expect(() => conv().sendCut('c2s', 'abcdefghij', cuts)).toThrow(RangeError);
  });
});

describe('IMS dialog builder', () => {
  const ue = (u: string, ip: string) => ({ impu: `sip:${u}@ims.example.net`, ip, sipPort: 5060, instance: 'urn:gsma:imei:1' });
  const dialog = (compact = false): ImsDialog =>
    new ImsDialog({ prng: new Prng(7), callId: 'cid@x', caller: ue('alice', '10.0.0.1'), callee: ue('bob', '10.0.0.2'), callerHop: { ip: '10.1.0.1', port: 5060 }, calleeHop: { ip: '10.1.0.2', port: 5060 }, transport: 'UDP', compact });
  const header = (m: Uint8Array, name: string): string[] =>
    text(m)
      .split('\r\n')
      .filter((l) => l.startsWith(`${name}: `))
      .map((l) => l.slice(name.length + 2));

  it('INVITE, 200, ACK and BYE keep Call-ID and tags; CSeq counts per side; the 2xx ACK is a new transaction', () => {
    const d = dialog();
    const inv = d.inviteRequest('v=0\r\n');
    const ok = d.response(d.invite!, 200, 'OK', { toTag: 'TT', body: 'v=0\r\n' });
    const ack = d.ack();
    const bye = d.request('BYE', false);
    expect(header(inv.bytes, 'CSeq')).toEqual(['1 INVITE']);
    expect(header(ok.bytes, 'To')[0]).toMatch(/;tag=TT$/);
    expect(header(ack.bytes, 'CSeq')).toEqual(['1 ACK']);
    expect(header(ack.bytes, 'Via')[0]).not.toBe(header(inv.bytes, 'Via')[0]);
    expect(header(bye.msg.bytes, 'CSeq')).toEqual(['1 BYE']);
    expect(header(bye.msg.bytes, 'From')[0]).toMatch(/^<sip:bob@ims.example.net>;tag=TT$/);
    for (const m of [inv, ok, ack, bye.msg]) expect(header(m.bytes, 'Call-ID')).toEqual(['cid@x']);
    expect(header(inv.bytes, 'Content-Length')).toEqual(['5']);
  });

  it('CANCEL and the non-2xx ACK reuse the INVITE branch (RFC 3261 sections 9.1, 17.1.1.3)', () => {
    const d = dialog();
    const inv = d.inviteRequest('v=0\r\n');
    const cancel = d.cancel();
    d.response(d.invite!, 487, 'Request Terminated', { toTag: 'T2' });
    const ack = d.ack(false);
    const top = header(inv.bytes, 'Via')[0];
    expect(header(cancel.msg.bytes, 'Via')).toEqual([top]);
    expect(header(ack.bytes, 'Via')).toEqual([top]);
    expect(header(cancel.msg.bytes, 'CSeq')).toEqual(['1 CANCEL']);
  });

  it('compact mode uses compact names and folds Contact after the URI', () => {
    const m = text(dialog(true).inviteRequest('v=0\r\n').bytes);
    for (const n of ['v', 'f', 't', 'i', 'm', 'c', 'l', 'k', 'a']) expect(m).toMatch(new RegExp(`\\r\\n${n}: `));
    expect(m).toMatch(/\r\nm: <sip:10\.0\.0\.1:5060;transport=udp>;\r\n \+sip\.instance/);
    expect(m).not.toMatch(/\r\n(Via|From|To|Call-ID|Contact|Content-Length): /);
  });

  it('SDP and helpers', () => {
    const s = msrpSdp({ ip: '2001:db8::1', port: 9, path: ['msrp://r/1;tcp', 'msrp://[2001:db8::1]:9/x;tcp'], setup: 'active', sessionVersion: 1 });
    expect(s).toContain('c=IN IP6 2001:db8::1\r\n');
    expect(s).toContain('m=message 9 TCP/MSRP *\r\n');
    expect(s).toContain('a=path:msrp://r/1;tcp msrp://[2001:db8::1]:9/x;tcp\r\n');
    expect(hostPort('2001:db8::1', 5)).toBe('[2001:db8::1]:5');
    expect(fileSelectorHash('0a1b')).toBe('0A:1B');
  });
});

describe('MsrpRoute (RFC 4976 section 7.1 path rewriting)', () => {
  const r = new MsrpRoute(['A', 'R1', 'R2', 'B'], [null, null, null]);
  it.each([
    [0, 'R1 R2 B', 'A'],
    [1, 'R2 B', 'R1 A'],
    [2, 'B', 'R2 R1 A'],
  ])('hop %i: To-Path %s, From-Path %s', (k, to, from) => {
    expect(r.toPath(k)).toBe(to);
    expect(r.fromPath(k)).toBe(from);
  });
  it('reverses for the way back', () => {
    expect(r.reverse().toPath(0)).toBe('R2 R1 A');
  });
});

describe('MessageRecord truth rules', () => {
  const body = Buffer.from('0123456789');
  const spec = (o: Partial<MessageSpec> = {}): MessageSpec => ({ messageId: 'M', direction: 'fromTarget', contentType: 'text/plain', body, ...o });

  it('complete: all bytes and a $ chunk; a chunk seen twice counts once', () => {
    const m = new MessageRecord(spec());
    m.chunk(1, 5, '+');
    m.chunk(1, 5, '+');
    m.chunk(6, 10, '$');
    expect(m.toJson()).toMatchObject({ status: 'complete', size: 10, chunks: 2, sha256: sha256Hex(body) });
  });

  it('aborted: the received prefix is hashed', () => {
    const m = new MessageRecord(spec());
    m.chunk(1, 4, '+');
    m.chunk(5, 6, '#');
    expect(m.toJson()).toMatchObject({ status: 'aborted', size: 6, sha256: sha256Hex(body.subarray(0, 6)), innerSha256: null });
  });

  it('incomplete: size counts received bytes, no hashes', () => {
    const m = new MessageRecord(spec({ inner: { contentType: 'text/plain', body: body.subarray(2) }, contentType: 'message/cpim' }));
    m.chunk(1, 3, '+');
    m.chunk(8, 10, '$');
    expect(m.toJson()).toMatchObject({ status: 'incomplete', size: 6, sha256: null, innerSha256: null, chunks: 2 });
  });

  it('REPORTs: one per logical report key, in order', () => {
    const m = new MessageRecord(spec());
    m.report('200', 'k1');
    m.report('200', 'k1');
    m.report('413', 'k2');
    expect(m.toJson().reportStatuses).toEqual(['200', '413']);
  });

  it('pager mode: the whole body, complete, zero chunks', () => {
    const m = new MessageRecord(spec({ messageId: null }));
    m.carriedBySip();
    expect(m.toJson()).toMatchObject({ status: 'complete', size: 10, chunks: 0, messageId: null });
  });

  it('isoTime prints nine fraction digits in UTC', () => {
    expect(isoTime({ sec: 1_795_860_000, nsec: 5 })).toBe('2026-11-28T10:00:00.000000005Z');
  });
});
