import { describe, expect, it } from 'vitest';
import { contentView, sniffImage } from '../../../src/audit/content-view.js';
import { extractFileName } from '../../../src/audit/extract-file-name.js';
import { esc } from '../../../src/audit/html-escape.js';

const PNG = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d);
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('esc', () => {
  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['</svg><img src=x onerror="a">', '&lt;/svg&gt;&lt;img src=x onerror=&quot;a&quot;&gt;'],
    ["a'b&c", 'a&#39;b&amp;c'],
    ['nul\u0000bell\u0007', 'nul\ufffdbell\ufffd'],
    ['tab\tnl\ncr\r', 'tab\tnl\ncr\r'],
  ])('%s', (input, out) => expect(esc(input)).toBe(out));
  it('numbers and null', () => {
    expect(esc(12)).toBe('12');
    expect(esc(null)).toBe('');
  });
});

describe('contentView', () => {
  it('text by media type, UTF-8 checked', () => {
    const v = contentView(utf8('Grüße <b>'), 'text/plain');
    expect(v).toMatchObject({ kind: 'text', text: 'Grüße <b>', size: 11 });
  });
  it('a "text" with control bytes is shown as binary', () => {
    expect(contentView(Uint8Array.of(0x41, 0x00, 0x42), 'text/plain').kind).toBe('binary');
  });
  it('invalid UTF-8 is binary', () => {
    expect(contentView(Uint8Array.of(0xc3, 0x28), 'text/plain').kind).toBe('binary');
  });
  it('long text is cut on a character boundary', () => {
    const v = contentView(utf8('ä'.repeat(10)), 'text/plain', { maxTextBytes: 5 });
    expect(v).toMatchObject({ kind: 'text', text: 'ää', shownBytes: 4, size: 20 });
  });
  it('a small PNG becomes a data: URI thumbnail by its magic number, whatever the claimed type', () => {
    const v = contentView(PNG, 'application/octet-stream');
    expect(v.kind).toBe('image');
    if (v.kind === 'image') expect(v.dataUri).toBe(`data:image/png;base64,${Buffer.from(PNG).toString('base64')}`);
  });
  it('a large image is binary (size + hash)', () => {
    expect(contentView(PNG, 'image/png', { maxImageBytes: 4 }).kind).toBe('binary');
  });
  it('SVG is never inlined as an image', () => {
    const v = contentView(utf8('<svg onload="alert(1)"/>'), 'image/svg+xml');
    expect(v.kind).toBe('text');
  });
  it('sniffs the raster formats', () => {
    expect(sniffImage(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0))).toBe('image/jpeg');
    expect(sniffImage(utf8('GIF89a'))).toBe('image/gif');
    expect(sniffImage(utf8('RIFF\0\0\0\0WEBP'))).toBe('image/webp');
    expect(sniffImage(utf8('hello'))).toBeNull();
  });
  it('binary shows a correct sha256', () => {
    const v = contentView(Uint8Array.of(1, 2, 3), 'application/pdf');
    expect(v).toMatchObject({ kind: 'binary', sha256: '039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81' });
  });
});

describe('extractFileName', () => {
  const h = 'ab'.repeat(32);
  it.each([
    ['photo.jpg', `${h}-photo.jpg`],
    ['../../etc/passwd', `${h}-passwd`],
    ['C:\\x\\evil.exe', `${h}-evil.exe`],
    ['.bashrc', `${h}-bashrc`],
    ['<script>.txt', `${h}-_script_.txt`],
    ['', `${h}-file`],
    [null, `${h}-file`],
    ['///', `${h}-file`],
  ])('%s', (name, want) => expect(extractFileName(h, name)).toBe(want));
});
