import { describe, expect, it } from 'vitest';
import { parseXml, xmlChild } from '../../../../src/protocols/msrp/xml-scan.js';
import { enc } from '../../../helpers/msrp-test-helpers.js';

describe('parseXml', () => {
  it('builds a tree with namespaces, attributes, entities, CDATA and comments', () => {
    const r = parseXml(
      Buffer.from(
        `\ufeff<?xml version="1.0"?><!-- c --><a:root xmlns:a="urn:a" xmlns="urn:d" k='v &lt;1&gt;'>
      <child x="1">t&amp;t<![CDATA[<raw>]]>&#65;</child><a:leaf/><élément/></a:root>`,
        'utf8',
      ),
    );
    if ('error' in r) throw new Error(r.error);
    expect(r.root).toMatchObject({ ns: 'urn:a', name: 'root' });
    expect(r.root.attrs.get('k')).toBe('v <1>');
    const child = xmlChild(r.root, 'urn:d', 'child')!;
    expect(child.text).toBe('t&t<raw>A');
    expect(child.attrs.get('x')).toBe('1');
    expect(xmlChild(r.root, 'urn:a', 'leaf')).toBeDefined();
    expect(xmlChild(r.root, 'urn:d', 'élément')).toBeDefined();
  });

  it.each([
    ['<!DOCTYPE x><x/>', 'doctype'],
    ['<x>&ent;</x>', 'entity'],
    ['<x>a & b</x>', 'entity'],
    ['<x>&#0;</x>', 'entity'],
    ['<x></y>', 'syntax'],
    ['<x/><y/>', 'syntax'],
    ['<x a="1" a="2"/>', 'syntax'],
    ['<x a="1"b="2"/>', 'syntax'],
    ['<p:x/>', 'namespace'],
    ['text<x/>', 'syntax'],
    ['<x>', 'syntax'],
    ['', 'syntax'],
  ])('refuses %j (%s)', (xml, error) => {
    expect(parseXml(enc(xml))).toEqual({ error });
  });

  it('enforces size, depth and element limits', () => {
    expect(parseXml(enc(`<x>${'a'.repeat(100)}</x>`), { maxBytes: 50 })).toEqual({ error: 'size' });
    expect(parseXml(enc('<a><a><a><a/></a></a></a>'), { maxDepth: 3 })).toEqual({ error: 'depth' });
    expect(parseXml(enc(`<r>${'<e/>'.repeat(10)}</r>`), { maxElements: 5 })).toEqual({ error: 'elements' });
    expect('root' in parseXml(enc(`<r>${'<e/>'.repeat(10)}</r>`), { maxElements: 11 })).toBe(true);
  });
});
