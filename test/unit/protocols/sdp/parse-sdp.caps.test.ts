/**
 * Caps limit what the SDP parser keeps, never whether it reads the MSRP attributes and sections
 * (issue 12): junk attributes or media sections before them are reported, not blinding.
 */
import { describe, expect, it } from 'vitest';
import { MAX_SDP_ATTRIBUTES, MAX_SDP_MEDIA, parseSdp } from '../../../../src/protocols/sdp/parse-sdp.js';
import { newSink, sdp } from './sdp-test-helpers.js';

const HEAD = ['v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 't=0 0'];
const junk = (n: number): string[] => Array.from({ length: n }, (_, i) => `a=x-junk-${i}:${i}`);

describe('parseSdp: MSRP attributes and sections past the caps', () => {
  it('reads a=path, accept-types, setup and file-selector after 300 junk attributes', () => {
    const sink = newSink();
    const sd = parseSdp(
      sdp(
        ...HEAD,
        'm=message 7654 TCP/MSRP *',
        ...junk(300),
        'a=accept-types:message/cpim',
        'a=path:msrp://192.0.2.1:7654/abc;tcp',
        'a=path:msrp://192.0.2.9:1/evil;tcp',
        'a=setup:active',
        'a=file-selector:name:"a.jpg" type:image/jpeg size:10',
        'a=x-more:1',
      ),
      sink,
      4,
    )!;
    const m = sd.media[0]!.msrp!;
    expect(m.path.map((u) => u.sessionId)).toEqual(['abc']);
    expect(m.acceptTypes).toEqual(['message/cpim']);
    expect(m.setup).toBe('active');
    expect(m.fileSelector?.name).toBe('a.jpg');
    expect(sd.media[0]!.attributes).toHaveLength(MAX_SDP_ATTRIBUTES + 4);
    // The junk past the cap, the second a=path and a=x-more were dropped.
    expect(sink.examplesOf('sdp.too_many_attributes')).toEqual([{ frame: 4, detail: `dropped=${300 - MAX_SDP_ATTRIBUTES + 2}` }]);
    expect(sink.count('sdp.missing_msrp_path')).toBe(0);
  });

  it('reads an m=message section after more junk sections than the cap', () => {
    const audio = Array.from({ length: MAX_SDP_MEDIA + 6 }, (_, i) => [`m=audio ${10_000 + 2 * i} RTP/AVP 0`, 'a=sendrecv']).flat();
    const sink = newSink();
    const sd = parseSdp(sdp(...HEAD, ...audio, 'm=message 7654 TCP/MSRP *', 'a=path:msrp://192.0.2.1:7654/abc;tcp', 'm=video 9 RTP/AVP 0', 'a=sendrecv'), sink)!;
    expect(sd.media).toHaveLength(MAX_SDP_MEDIA + 1);
    expect(sd.media[MAX_SDP_MEDIA]!.msrp?.path.map((u) => u.sessionId)).toEqual(['abc']);
    expect(sink.examplesOf('sdp.too_many_media')[0]?.detail).toBe('ignored=7');
  });
});
