import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CpimInnerStream } from '../../../src/correlate/cpim-inner-stream.js';
import { MessageTracker, mediaTypeOf } from '../../../src/correlate/message-tracker.js';
import { cpim } from '../../helpers/correlate-helpers.js';

const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');
const sha1 = (b: Uint8Array | string): string => createHash('sha1').update(b).digest('hex');

describe('CpimInnerStream', () => {
  const inner = Buffer.from('inner content with\r\n\r\nblank lines inside');
  const body = cpim('sip:a@x', 'sip:b@x', inner, 'text/plain');

  it('gives the same inner hash for every split of the body into two pieces', () => {
    for (let cut = 0; cut <= body.length; cut++) {
      const s = new CpimInnerStream({ sha1: true });
      s.write(body.subarray(0, cut));
      s.write(body.subarray(cut));
      expect(s.cpim?.from?.uri).toBe('sip:a@x');
      expect(s.cpim?.contentType).toBe('text/plain');
      expect(s.innerLength).toBe(inner.length);
      expect(s.digest()).toEqual({ sha256: sha256(inner), sha1: sha1(inner) });
    }
  });

  it('byte-by-byte feeding works and keeps the inner head', () => {
    const s = new CpimInnerStream({ keepInnerBytes: 5 });
    for (let i = 0; i < body.length; i++) s.write(body.subarray(i, i + 1));
    expect(Buffer.from(s.innerHead()).toString()).toBe('inner');
    expect(s.innerIsWhole).toBe(false);
    expect(s.digest()!.sha256).toBe(sha256(inner));
  });

  it('honours an inner Content-Length (RFC 3862 content headers)', () => {
    const b = Buffer.from('From: <sip:a@x>\r\nTo: <sip:b@x>\r\n\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\nabcdEXTRA');
    const s = new CpimInnerStream();
    s.write(b);
    expect(s.innerLength).toBe(4);
    expect(s.digest()!.sha256).toBe(sha256('abcd'));
  });

  it('gives up when the header blocks exceed the cap', () => {
    const s = new CpimInnerStream({ maxHeaderBytes: 64 });
    s.write(Buffer.from(`From: <sip:a@x>\r\nSubject: ${'x'.repeat(100)}\r\n\r\nContent-Type: text/plain\r\n\r\nbody`));
    expect(s.failed).toBe(true);
    expect(s.digest()).toBeNull();
  });
});

describe('MessageTracker', () => {
  it('hashes, keeps content up to its cap and flags the cut', () => {
    const t = new MessageTracker('m', 'text/plain', { sha1: true, contentCap: 6 });
    t.write(Buffer.from('abcd'));
    t.write(Buffer.from('efgh'));
    expect(Buffer.from(t.takeContent()).toString()).toBe('abcdef');
    expect(t.contentTruncated).toBe(true);
    expect(t.digest()).toEqual({ sha256: sha256('abcdefgh'), sha1: sha1('abcdefgh') });
  });

  it('keeps nothing with cap 0 and raises the cap only before a cut', () => {
    const t = new MessageTracker('m', null, { sha1: false, contentCap: 0 });
    t.write(Buffer.from('abc'));
    expect(t.heldBytes).toBe(0);
    const u = new MessageTracker('m', null, { sha1: false, contentCap: 4 });
    u.write(Buffer.from('ab'));
    u.raiseContentCap(100);
    u.write(Buffer.from('cdefg'));
    expect(Buffer.from(u.takeContent()).toString()).toBe('abcdefg');
    expect(u.contentTruncated).toBe(false);
  });

  it('mediaTypeOf drops parameters and case', () => {
    expect(mediaTypeOf('Message/CPIM; charset=x')).toBe('message/cpim');
    expect(mediaTypeOf(null)).toBeNull();
  });
});
