import { describe, expect, it } from 'vitest';
import { parseSipMessage } from '../../../../src/protocols/sip/parse-sip-message.js';
import { bytes, crlf, msrpInvite, newSink, SDP_150, sipMessage, text } from '../../../helpers/sip-test-helpers.js';

// RFC 4475 3.1.1.1 "A Short Tortuous INVITE" (wsinv), verbatim.
const WSINV = crlf(
  'INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0',
  'TO :',
  ' sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n',
  String.raw`from   : "J Rosenberg \\\""       <sip:jdrosen@example.com>`,
  '  ;',
  '  tag = 98asjd8',
  'MaX-fOrWaRdS: 0068',
  'Call-ID: wsinv.ndaksdj@192.0.2.1',
  'Content-Length   : 150',
  'cseq: 0009',
  '  INVITE',
  'Via  : SIP  /   2.0',
  ' /UDP',
  '    192.0.2.2;branch=390skdjuw',
  's :',
  'NewFangledHeader:   newfangled value',
  ' continued newfangled value',
  'UnknownHeaderWithUnusualValue: ;;,,;;,;',
  'Content-Type: application/sdp',
  'Route:',
  ' <sip:services.example.com;lr;unknownwith=value;unknown-no-value>',
  'v:  SIP  / 2.0  / TCP     spindle.example.com   ;',
  '  branch  =   z9hG4bK9ikj8  ,',
  ' SIP  /    2.0   / UDP  192.168.255.111   ; branch=',
  ' z9hG4bK30239',
  String.raw`m:"Quoted string \"\"" <sip:jdrosen@example.com> ; newparam =`,
  '      newvalue ;',
  '  secondparam ; q = 0.33',
  '',
  SDP_150,
);

describe('parseSipMessage: RFC 4475 valid messages', () => {
  it('3.1.1.1 wsinv: folding, LWS around colons, compact forms, odd case', () => {
    expect(Buffer.byteLength(SDP_150)).toBe(150);
    const sink = newSink();
    const m = parseSipMessage(bytes(WSINV), sink, 7)!;
    expect(m).not.toBeNull();
    expect(sink.toJSON()).toEqual({});
    expect(m.method).toBe('INVITE');
    expect(m.requestUri).toBe('sip:vivekg@chair-dnrc.example.com;unknownparam');
    expect(m.isRequest).toBe(true);
    expect(m.frameNo).toBe(7);
    expect(m.callId).toBe('wsinv.ndaksdj@192.0.2.1');
    expect(m.cseq).toEqual({ seq: 9, method: 'INVITE' });
    expect(m.header('max-forwards')).toBe('0068');
    expect(m.to?.uri?.user).toBe('vivekg');
    expect(m.to?.tag).toBe('1918181833n');
    expect(m.from?.displayName).toBe('J Rosenberg \\"');
    expect(m.from?.uriText).toBe('sip:jdrosen@example.com');
    expect(m.from?.tag).toBe('98asjd8');
    expect(m.header('subject')).toBe('');
    expect(m.header('s')).toBe('');
    expect(m.header('NewFangledHeader')).toBe('newfangled value continued newfangled value');
    expect(m.header('UnknownHeaderWithUnusualValue')).toBe(';;,,;;,;');
    expect(m.header('route')).toBe('<sip:services.example.com;lr;unknownwith=value;unknown-no-value>');
    const vias = m.headers('via');
    expect(vias).toHaveLength(3);
    expect(m.topVia?.transport).toBe('UDP');
    expect(m.topVia?.host).toBe('192.0.2.2');
    expect(m.viaBranch).toBe('390skdjuw');
    expect(m.contact).toHaveLength(1);
    expect(m.contact[0]!.displayName).toBe('Quoted string ""');
    expect(m.contact[0]!.params.get('newparam')).toBe('newvalue');
    expect(m.contact[0]!.params.get('secondparam')).toBeNull();
    expect(m.contact[0]!.params.get('q')).toBe('0.33');
    expect(m.contentType?.mediaType).toBe('application/sdp');
    expect(m.contentLength).toBe(150);
    expect(text(m.body)).toBe(SDP_150);
    expect(m.raw.length).toBe(WSINV.length);
  });

  it('3.1.1.3 esc01: escapes stay in the URI text; compact i and C', () => {
    const msg = sipMessage(
      'INVITE sip:sips%3Auser%40example.com@example.net SIP/2.0',
      [
        'To: sip:%75se%72@example.com',
        'From: <sip:I%20have%20spaces@example.net>;tag=938',
        'Max-Forwards: 87',
        'i: esc01.239409asdfakjkn23onasd0-3234',
        'CSeq: 234234 INVITE',
        'Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bKkdjuw',
        'C: application/sdp',
        'Contact:',
        '  <sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31>',
        'Content-Length: 150',
      ],
      SDP_150,
    );
    const sink = newSink();
    const m = parseSipMessage(bytes(msg), sink)!;
    expect(sink.total()).toBe(0);
    expect(m.callId).toBe('esc01.239409asdfakjkn23onasd0-3234');
    expect(m.to?.uri?.user).toBe('%75se%72');
    expect(m.from?.uri?.user).toBe('I%20have%20spaces');
    expect(m.contentType?.mediaType).toBe('application/sdp');
    expect(m.contact[0]!.uri?.user).toBe('cal%6Cer');
  });

  it('3.1.1.4 escnull: escaped NULs in URIs', () => {
    const msg = sipMessage('REGISTER sip:example.com SIP/2.0', [
      'To: sip:null-%00-null@example.com',
      'From: sip:null-%00-null@example.com;tag=839923423',
      'Max-Forwards: 70',
      'Call-ID: escnull.39203ndfvkjdasfkq3w4otrq0adsfdfnavd',
      'CSeq: 14398234 REGISTER',
      'Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bKkdjuw',
      'Contact: <sip:%00@host5.example.com>',
      'Contact: <sip:%00%00@host5.example.com>',
      'L:0',
    ]);
    const sink = newSink();
    const m = parseSipMessage(bytes(msg), sink)!;
    expect(sink.total()).toBe(0);
    expect(m.contact.map((c) => c.uri?.user)).toEqual(['%00', '%00%00']);
    expect(m.to?.uri?.user).toBe('null-%00-null');
    expect(m.contentLength).toBe(0);
  });

  it('3.1.1.5 esc02: % in a method is not an escape; C%6Fntact is another header', () => {
    const msg = sipMessage('RE%47IST%45R sip:registrar.example.com SIP/2.0', [
      'To: "%Z%45" <sip:resource@example.com>',
      'From: "%Z%45" <sip:resource@example.com>;tag=f232jadfj23',
      'Call-ID: esc02.asdfnqwo34rq23i34jrjasdcnl23nrlknsdf',
      'Via: SIP/2.0/TCP host.example.com;branch=z9hG4bK209%fzsnel234',
      'CSeq: 29344 RE%47IST%45R',
      'Max-Forwards: 70',
      'Contact: <sip:alias1@host1.example.com>',
      'C%6Fntact: <sip:alias2@host2.example.com>',
      'Contact: <sip:alias3@host3.example.com>',
      'l: 0',
    ]);
    const sink = newSink();
    const m = parseSipMessage(bytes(msg), sink)!;
    expect(sink.total()).toBe(0);
    expect(m.method).toBe('RE%47IST%45R');
    expect(m.cseq?.method).toBe('RE%47IST%45R');
    expect(m.from?.displayName).toBe('%Z%45');
    expect(m.headers('contact')).toHaveLength(2);
    expect(m.header('C%6Fntact')).toBe('<sip:alias2@host2.example.com>');
    expect(m.viaBranch).toBe('z9hG4bK209%fzsnel234');
  });

  it('3.1.1.6 lwsdisp: no LWS between display name and <', () => {
    const msg = sipMessage('OPTIONS sip:user@example.com SIP/2.0', [
      'To: sip:user@example.com',
      'From: caller<sip:caller@example.com>;tag=323',
      'Max-Forwards: 70',
      'Call-ID: lwsdisp.1234abcd@funky.example.com',
      'CSeq: 60 OPTIONS',
      'Via: SIP/2.0/UDP funky.example.com;branch=z9hG4bKkdjuw',
      'l: 0',
    ]);
    const sink = newSink();
    const m = parseSipMessage(bytes(msg), sink)!;
    expect(sink.total()).toBe(0);
    expect(m.from?.displayName).toBe('caller');
    expect(m.from?.uri?.user).toBe('caller');
    expect(m.contentLength).toBe(0);
    expect(m.body.length).toBe(0);
  });

  it('3.1.1.8 dblreq: bytes after Content-Length are reported and left out of raw', () => {
    const first = sipMessage('REGISTER sip:example.com SIP/2.0', [
      'To: sip:j.user@example.com',
      'From: sip:j.user@example.com;tag=43251j3j324',
      'Max-Forwards: 8',
      'I: dblreq.0ha0isndaksdj99sdfafnl3lk233412',
      'Contact: sip:j.user@host.example.com',
      'CSeq: 8 REGISTER',
      'Via: SIP/2.0/UDP 192.0.2.125;branch=z9hG4bKkdjuw23492',
      'Content-Length: 0',
    ]);
    const second = msrpInvite('dblreq.second');
    const sink = newSink();
    const m = parseSipMessage(bytes(first + '\r\n' + second), sink)!;
    expect(m.method).toBe('REGISTER');
    expect(m.callId).toBe('dblreq.0ha0isndaksdj99sdfafnl3lk233412');
    expect(m.raw.length).toBe(first.length);
    expect(sink.count('sip.trailing_bytes')).toBe(1);
  });

  it('3.1.1.9 semiuri: ";" in the user part of the Request-URI; folded Accept list', () => {
    const msg = sipMessage('OPTIONS sip:user;par=u%40example.net@example.com SIP/2.0', [
      'To: sip:j_user@example.com',
      'From: sip:caller@example.org;tag=33242',
      'Max-Forwards: 3',
      'Call-ID: semiuri.0ha0isndaksdj',
      'CSeq: 8 OPTIONS',
      'Accept: application/sdp, application/pkcs7-mime,',
      '        multipart/mixed, multipart/signed,',
      '        message/sip, message/sipfrag',
      'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKkdjuw',
      'l: 0',
    ]);
    const sink = newSink();
    const m = parseSipMessage(bytes(msg), sink)!;
    expect(sink.total()).toBe(0);
    expect(m.requestUri).toBe('sip:user;par=u%40example.net@example.com');
    expect(m.headers('accept')).toEqual(['application/sdp', 'application/pkcs7-mime', 'multipart/mixed', 'multipart/signed', 'message/sip', 'message/sipfrag']);
    expect(m.from?.tag).toBe('33242');
  });

  it('3.1.1.10 transports: several Via lines, the top one counts', () => {
    const msg = sipMessage('OPTIONS sip:user@example.com SIP/2.0', [
      'To: sip:user@example.com',
      'From: <sip:caller@example.com>;tag=323',
      'Max-Forwards: 70',
      'Call-ID:  transports.kijh4akdnaqjkwendsasfdj',
      'Accept: application/sdp',
      'CSeq: 60 OPTIONS',
      'Via: SIP/2.0/UDP t1.example.com;branch=z9hG4bKkdjuw',
      'Via: SIP/2.0/SCTP t2.example.com;branch=z9hG4bKklasjdhf',
      'Via: SIP/2.0/TLS t3.example.com;branch=z9hG4bK2980unddj',
      'Via: SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en',
      'Via: SIP/2.0/TCP t5.example.com;branch=z9hG4bK0a9idfnee',
      'l: 0',
    ]);
    const m = parseSipMessage(bytes(msg), newSink())!;
    expect(m.headers('Via')).toHaveLength(5);
    expect(m.header('v')).toBe('SIP/2.0/UDP t1.example.com;branch=z9hG4bKkdjuw');
    expect(m.viaBranch).toBe('z9hG4bKkdjuw');
    expect(m.headerFields('via')).toHaveLength(5);
  });

  it('3.1.1.13 noreason: empty reason phrase', () => {
    const msg = sipMessage('SIP/2.0 100 ', [
      'Via: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe',
      'Call-ID: noreason.asndj203insdf99223ndf',
      'CSeq: 35 INVITE',
      'From: <sip:user@example.com>;tag=39ansfi3',
      'To: <sip:user@example.edu>;tag=902jndnke3',
      'Content-Length: 0',
      'Contact: <sip:user@host105.example.com>',
    ]);
    const sink = newSink();
    const m = parseSipMessage(bytes(msg), sink)!;
    expect(sink.total()).toBe(0);
    expect(m.isRequest).toBe(false);
    expect(m.statusCode).toBe(100);
    expect(m.reason).toBe('');
    expect(m.method).toBeNull();
    expect(m.to?.tag).toBe('902jndnke3');
  });
});

describe('parseSipMessage: datagram rules and the model', () => {
  it('ignores CRLF keep-alives without anomalies', () => {
    const sink = newSink();
    expect(parseSipMessage(bytes('\r\n\r\n'), sink)).toBeNull();
    expect(parseSipMessage(bytes('\r\n'), sink)).toBeNull();
    expect(parseSipMessage(new Uint8Array(0), sink)).toBeNull();
    expect(sink.total()).toBe(0);
  });

  it('skips leading CRLFs; raw starts at the start line', () => {
    const msg = msrpInvite();
    const m = parseSipMessage(bytes('\r\n\r\n' + msg), newSink())!;
    expect(text(m.raw)).toBe(msg);
  });

  it('takes the rest of the datagram as body when Content-Length is absent (UDP)', () => {
    const body = 'hello body';
    const sink = newSink();
    const m = parseSipMessage(
      bytes(sipMessage('MESSAGE sip:bob@b SIP/2.0', ['Call-ID: 1', 'CSeq: 1 MESSAGE', 'From: <sip:a@a>;tag=1', 'To: <sip:bob@b>', 'Via: SIP/2.0/UDP a;branch=z9hG4bK1', 'Content-Type: text/plain'], body, null)),
      sink,
    )!;
    expect(sink.total()).toBe(0);
    expect(m.contentLength).toBeNull();
    expect(text(m.body)).toBe(body);
  });

  it('reports differing Content-Length headers', () => {
    const sink = newSink();
    parseSipMessage(bytes(sipMessage('OPTIONS sip:a@b SIP/2.0', ['Content-Length: 0', 'l: 5'])), sink);
    expect(sink.examplesOf('sip.bad_content_length')[0]!.detail).toBe('differing');
  });

  it('maps every compact form (RFC 3261 7.3.3 and later RFCs) to its full name', () => {
    const compact: [string, string][] = [
      ['i', 'Call-ID'],
      ['f', 'From'],
      ['t', 'To'],
      ['m', 'Contact'],
      ['v', 'Via'],
      ['l', 'Content-Length'],
      ['c', 'Content-Type'],
      ['k', 'Supported'],
      ['s', 'Subject'],
      ['e', 'Content-Encoding'],
      ['o', 'Event'],
      ['r', 'Refer-To'],
      ['u', 'Allow-Events'],
      ['b', 'Referred-By'],
      ['x', 'Session-Expires'],
      ['y', 'Identity'],
    ];
    const values = ['cid@h', '<sip:f@h>;tag=1', '<sip:t@h>', '<sip:m@h>', 'SIP/2.0/UDP h;branch=z9hG4bKv', '0', 'text/plain', 'timer', 'subj', 'gzip', 'presence', '<sip:r@h>', 'dialog', '<sip:b@h>', '1800', 'sig'];
    const headers = compact.map(([c], i) => `${c}: ${values[i]}`);
    const m = parseSipMessage(bytes(sipMessage('NOTIFY sip:a@b SIP/2.0', ['CSeq: 1 NOTIFY', ...headers])), newSink())!;
    compact.forEach(([c, full], i) => {
      expect(m.header(full), full).toBe(values[i]);
      expect(m.header(full.toUpperCase()), full).toBe(values[i]);
      expect(m.header(c.toUpperCase()), c).toBe(values[i]);
    });
    expect(m.callId).toBe('cid@h');
    expect(m.contentType?.mediaType).toBe('text/plain');
  });

  it('splits list headers at commas outside quotes and <>, keeps other headers whole', () => {
    const m = parseSipMessage(
      bytes(
        sipMessage('INVITE sip:a@b SIP/2.0', [
          'Contact: "Smith, John" <sip:j@h;x=1,2>;q=0.5, <sip:k@h>',
          'Contact: sip:l@h',
          'Date: Sat, 13 Nov 2010 23:29:00 GMT',
          'P-Asserted-Identity: "Cullen Jennings" <sip:fluffy@cisco.com>, tel:+14085264000',
          'P-Preferred-Identity: <sip:alice@atlanta.example.com>',
          'Conversation-ID: f81d4fae-7dec-11d0-a765-00a0c91e6bf6',
          'Contribution-ID: abcdef-1234',
        ]),
      ),
      newSink(),
    )!;
    expect(m.headers('contact')).toEqual(['"Smith, John" <sip:j@h;x=1,2>;q=0.5', '<sip:k@h>', 'sip:l@h']);
    expect(m.contact.map((c) => c.displayName)).toEqual(['Smith, John', null, null]);
    expect(m.contact[0]!.uri?.params.get('x')).toBe('1,2');
    expect(m.headers('date')).toEqual(['Sat, 13 Nov 2010 23:29:00 GMT']);
    expect(m.pAssertedIdentity.map((p) => p.uri?.scheme)).toEqual(['sip', 'tel']);
    expect(m.pAssertedIdentity[1]!.uri?.user).toBe('+14085264000');
    expect(m.pPreferredIdentity[0]!.uri?.host).toBe('atlanta.example.com');
    expect(m.conversationId).toBe('f81d4fae-7dec-11d0-a765-00a0c91e6bf6');
    expect(m.contributionId).toBe('abcdef-1234');
    expect(m.header('x-absent')).toBeUndefined();
    expect(m.headers('x-absent')).toEqual([]);
  });

  it('gives header byte offsets into raw and a body view that aliases the input', () => {
    const msg = msrpInvite();
    const input = bytes(msg);
    const m = parseSipMessage(input, newSink())!;
    for (const f of m.fields) {
      const t = text(m.raw.subarray(f.offset, f.offset + f.length));
      expect(t.startsWith(f.name)).toBe(true);
      expect(t.endsWith(f.value)).toBe(true);
    }
    expect(m.raw.buffer).toBe(input.buffer);
    expect(m.body.byteOffset).toBe(input.byteOffset + m.bodyOffset);
    expect(m.from?.tag).toBe('1928301774');
    expect(m.cseq).toEqual({ seq: 314159, method: 'INVITE' });
    expect(m.topVia?.protocol).toBe('SIP/2.0/TCP');
  });
});
