import { describe, expect, it } from 'vitest';
import { parseSdp } from '../../../../src/protocols/sdp/parse-sdp.js';
import { mediaConnection, mediaDirection } from '../../../../src/protocols/sdp/session-description.js';
import { newSink, sdp } from './sdp-test-helpers.js';

describe('parseSdp: session fields (RFC 8866)', () => {
  it('parses v/o/s/c/t and media sections with formats and port counts', () => {
    const sink = newSink();
    const sd = parseSdp(
      sdp(
        'v=0',
        'o=jdoe 2890844526 2890842807 IN IP4 10.47.16.5',
        's=SDP Seminar',
        'i=A Seminar on the session description protocol',
        'c=IN IP4 224.2.17.12/127',
        't=2873397496 2873404696',
        'a=recvonly',
        'm=audio 49170 RTP/AVP 0',
        'm=video 51372/2 RTP/AVP 99 100',
        'c=IN IP6 FF15::101/3',
        'a=rtpmap:99 h263-1998/90000',
        'a=sendonly',
      ),
      sink,
      3,
    )!;
    expect(sink.total()).toBe(0);
    expect(sd.version).toBe(0);
    expect(sd.origin).toEqual({ username: 'jdoe', sessionId: '2890844526', sessionVersion: '2890842807', netType: 'IN', addrType: 'IP4', address: '10.47.16.5' });
    expect(sd.sessionName).toBe('SDP Seminar');
    expect(sd.information).toBe('A Seminar on the session description protocol');
    expect(sd.connection).toEqual({ netType: 'IN', addrType: 'IP4', address: '224.2.17.12', ttl: 127, count: null });
    expect(sd.timing).toEqual([{ start: 2873397496, stop: 2873404696 }]);
    expect(sd.direction).toBe('recvonly');
    expect(sd.media).toHaveLength(2);
    const [audio, video] = sd.media as [(typeof sd.media)[0], (typeof sd.media)[0]];
    expect(audio).toMatchObject({ media: 'audio', port: 49170, portCount: null, proto: 'RTP/AVP', formats: ['0'], msrp: null });
    expect(video).toMatchObject({ media: 'video', port: 51372, portCount: 2, formats: ['99', '100'] });
    expect(video.attributes).toEqual([
      { name: 'rtpmap', value: '99 h263-1998/90000' },
      { name: 'sendonly', value: null },
    ]);
    expect(mediaDirection(sd, audio)).toBe('recvonly');
    expect(mediaDirection(sd, video)).toBe('sendonly');
    expect(mediaConnection(sd, audio)?.address).toBe('224.2.17.12');
    expect(mediaConnection(sd, video)).toEqual({ netType: 'IN', addrType: 'IP6', address: 'FF15::101', ttl: 3, count: null });
  });

  it('defaults the direction to sendrecv', () => {
    const sd = parseSdp(sdp('v=0', 'o=- 1 1 IN IP4 h', 's=-', 't=0 0', 'm=message 9 TCP/MSRP *', 'a=path:msrp://h:9/s;tcp'), newSink())!;
    expect(mediaDirection(sd, sd.media[0]!)).toBe('sendrecv');
  });

  it('accepts LF-only line ends and ignores blank lines', () => {
    const sink = newSink();
    const sd = parseSdp(new Uint8Array(Buffer.from('v=0\no=- 1 1 IN IP4 h\n\ns=-\nt=0 0\n')), sink)!;
    expect(sd.sessionName).toBe('-');
    expect(sink.total()).toBe(0);
  });

  it('reports bad lines, missing fields and bad c=/m=/o= lines, and keeps going', () => {
    const sink = newSink();
    const sd = parseSdp(sdp('o=- 1 1 IN', 'v=0', 'c=IN IP4', 'x', 'm =video 3227 RTP/AVP 31', 'M=audio 1 RTP/AVP 0', 'm=audio 70000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', 'a=bad name:1'), sink, 9)!;
    expect(sd).not.toBeNull();
    expect(sink.count('sdp.bad_line')).toBe(2); // 3 unparseable lines in one report + the bad attribute name
    expect(sink.examplesOf('sdp.bad_line')[1]).toEqual({ frame: 9, detail: 'line=4 count=3' });
    expect(sink.count('sdp.bad_origin')).toBe(1);
    expect(sink.count('sdp.bad_connection')).toBe(1);
    expect(sink.count('sdp.bad_media_line')).toBe(1);
    expect(sink.examplesOf('sdp.missing_field').map((e) => e.detail)).toEqual(['v', 'o', 's', 't']);
    expect(sd.media).toHaveLength(1);
    expect(sd.media[0]!.port).toBe(0);
    expect(sd.media[0]!.attributes).toHaveLength(1);
  });

  it('returns null for a body with no SDP line', () => {
    const sink = newSink();
    expect(parseSdp(new Uint8Array(Buffer.from('hello world\r\n')), sink)).toBeNull();
    expect(parseSdp(new Uint8Array(0), sink)).toBeNull();
    expect(sink.count('sdp.empty')).toBe(2);
  });
});

describe('parseSdp: MSRP media (RFC 4975 8, RFC 4976, RFC 6135, RFC 6714)', () => {
  it('RFC 4975 7 offer: accept-types and a one-URI path', () => {
    const sink = newSink();
    const sd = parseSdp(
      sdp('v=0', 'o=alice 2890844526 2890844527 IN IP4 alice.example.com', 's= ', 'c=IN IP4 alice.example.com', 't=0 0', 'm=message 7654 TCP/MSRP *', 'a=accept-types:text/plain', 'a=path:msrp://alice.example.com:7654/jshA7weztas;tcp'),
      sink,
    )!;
    expect(sink.total()).toBe(0);
    const m = sd.media[0]!;
    expect(m).toMatchObject({ media: 'message', port: 7654, proto: 'TCP/MSRP', formats: ['*'] });
    expect(m.msrp?.acceptTypes).toEqual(['text/plain']);
    expect(m.msrp?.path).toHaveLength(1);
    expect(m.msrp?.path[0]).toMatchObject({ scheme: 'msrp', host: 'alice.example.com', port: 7654, sessionId: 'jshA7weztas', transport: 'tcp' });
    expect(m.msrp).toMatchObject({ maxSize: null, setup: null, tcpConnection: null, cema: false, fileSelector: null });
  });

  it('relays: a two-URI path over TLS, wrapped types, max-size, setup, connection, cema', () => {
    const sink = newSink();
    const sd = parseSdp(
      sdp(
        'v=0',
        'o=bob 2890844612 2890844616 IN IP4 bob.example.com',
        's=-',
        'c=IN IP4 relay.example.net',
        't=0 0',
        'a=setup:passive',
        'm=message 2855 TCP/TLS/MSRP *',
        'a=accept-types:message/cpim text/plain  text/html',
        'a=accept-wrapped-types:*',
        'a=max-size:131072',
        'a=connection:new',
        'a=msrp-cema',
        'a=path:msrps://relay.example.net:2855/jaksdfji;tcp msrps://bob.example.com:8888/9di4eae923wzd;tcp',
      ),
      sink,
    )!;
    expect(sink.total()).toBe(0);
    const msrp = sd.media[0]!.msrp!;
    expect(msrp.path.map((u) => [u.scheme, u.host, u.port, u.sessionId])).toEqual([
      ['msrps', 'relay.example.net', 2855, 'jaksdfji'],
      ['msrps', 'bob.example.com', 8888, '9di4eae923wzd'],
    ]);
    expect(msrp.acceptTypes).toEqual(['message/cpim', 'text/plain', 'text/html']);
    expect(msrp.acceptWrappedTypes).toEqual(['*']);
    expect(msrp.maxSize).toBe(131072);
    expect(msrp.setup).toBe('passive'); // session level applies (RFC 4145 4)
    expect(msrp.tcpConnection).toBe('new');
    expect(msrp.cema).toBe(true);
  });

  it('IPv6: c=IN IP6 and a bracketed path host', () => {
    const sd = parseSdp(sdp('v=0', 'o=- 1 1 IN IP6 2001:db8::1', 's=-', 'c=IN IP6 2001:db8::1', 't=0 0', 'm=message 2855 TCP/MSRP *', 'a=path:msrp://[2001:db8::1]:2855/s1d;tcp', 'a=setup:active'), newSink())!;
    expect(sd.connection?.addrType).toBe('IP6');
    expect(sd.media[0]!.msrp!.path[0]).toMatchObject({ host: '2001:db8::1', ipv6: true, port: 2855, sessionId: 's1d' });
    expect(sd.media[0]!.msrp!.setup).toBe('active');
  });

  it('RFC 5547 file transfer offer: file-selector with hash, transfer id, disposition, date, icon, range', () => {
    const sink = newSink();
    const sd = parseSdp(
      sdp(
        'v=0',
        'o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com',
        's=',
        'c=IN IP4 host.atlanta.example.com',
        't=0 0',
        'm=message 7654 TCP/MSRP *',
        'i=This is my latest picture',
        'a=sendonly',
        'a=accept-types:message/cpim',
        'a=accept-wrapped-types:*',
        'a=path:msrp://atlanta.example.com:7654/jshA7we;tcp',
        'a=file-selector:name:"My cool picture.jpg" type:image/jpeg size:32349 hash:sha-1:72:24:5F:E8:65:3D:DA:F3:71:36:2F:86:D4:71:91:3E:E4:A2:CE:2E',
        'a=file-transfer-id:vBnG916bdberum2fFEABR1FR3ExZMUrd',
        'a=file-disposition:attachment',
        'a=file-date:creation:"Mon, 15 May 2006 15:01:31 +0300"',
        'a=file-icon:cid:id2@alicepc.example.com',
        'a=file-range:1-32349',
      ),
      sink,
    )!;
    expect(sink.total()).toBe(0);
    const m = sd.media[0]!;
    expect(m.information).toBe('This is my latest picture');
    expect(m.direction).toBe('sendonly');
    expect(m.msrp!.fileSelector).toEqual({
      name: 'My cool picture.jpg',
      type: 'image/jpeg',
      size: 32349,
      hashes: [{ algorithm: 'sha-1', hex: '72245FE8653DDAF371362F86D471913EE4A2CE2E' }],
    });
    expect(m.msrp!.fileTransferId).toBe('vBnG916bdberum2fFEABR1FR3ExZMUrd');
    expect(m.msrp!.fileDisposition).toBe('attachment');
    expect(m.msrp!.fileDate).toEqual({ creation: 'Mon, 15 May 2006 15:01:31 +0300', modification: null, read: null });
    expect(m.msrp!.fileIcon).toBe('cid:id2@alicepc.example.com');
    expect(m.msrp!.fileRange).toEqual({ start: 1, stop: 32349 });
  });

  it('decodes UTF-8 file names', () => {
    const sd = parseSdp(sdp('v=0', 'o=- 1 1 IN IP4 h', 's=-', 't=0 0', 'm=message 9 TCP/MSRP *', 'a=path:msrp://h:9/s;tcp', 'a=file-selector:name:"Bild äöü.jpg" size:10'), newSink())!;
    expect(sd.media[0]!.msrp!.fileSelector?.name).toBe('Bild äöü.jpg');
  });

  it('keeps a label and unknown attributes raw', () => {
    const sd = parseSdp(sdp('v=0', 'o=- 1 1 IN IP4 h', 's=-', 't=0 0', 'm=message 9 TCP/MSRP *', 'a=path:msrp://h:9/s;tcp', 'a=label:chat-1', 'a=x-vendor:some value: with colon'), newSink())!;
    expect(sd.media[0]!.label).toBe('chat-1');
    expect(sd.media[0]!.attributes.at(-1)).toEqual({ name: 'x-vendor', value: 'some value: with colon' });
  });

  it('reports a missing path, bad path URIs and bad attribute values', () => {
    const sink = newSink();
    const sd = parseSdp(
      sdp(
        'v=0',
        'o=- 1 1 IN IP4 h',
        's=-',
        't=0 0',
        'm=message 9 TCP/MSRP *',
        'a=accept-types:text/plain',
        'm=message 9 TCP/TLS/MSRP *',
        'a=path:msrp://h:9/s;tcp http://not-msrp/ msrp://h2/x',
        'a=max-size:lots',
        'a=setup:sometimes',
        'a=file-range:10-5',
        'a=file-selector:size:big',
        'm=audio 49170 RTP/AVP 0',
      ),
      sink,
    )!;
    expect(sink.examplesOf('sdp.missing_msrp_path')[0]!.detail).toBe('m=0');
    expect(sink.examplesOf('sdp.bad_msrp_path')[0]!.detail).toBe('m=1 bad=2 of=3');
    expect(sink.examplesOf('sdp.bad_attribute').map((e) => e.detail)).toEqual(['m=1 max-size', 'm=1 setup', 'm=1 file-selector', 'm=1 file-range']);
    expect(sd.media[1]!.msrp!.path).toHaveLength(1);
    expect(sd.media[1]!.msrp!.setup).toBeNull();
    expect(sd.media[2]!.msrp).toBeNull();
  });

  it('caps the number of media sections', () => {
    const lines = ['v=0', 'o=- 1 1 IN IP4 h', 's=-', 't=0 0'];
    for (let i = 0; i < 100; i++) lines.push(`m=audio ${1000 + i} RTP/AVP 0`, 'a=sendrecv');
    const sd = parseSdp(sdp(...lines), newSink())!;
    expect(sd.media).toHaveLength(64);
  });
});
