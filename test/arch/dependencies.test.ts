/**
 * Keeps the dependency direction of DEVELOPERS.md true: each src/ module may import only the
 * modules listed for it. Node built-ins and npm packages are checked separately (only the
 * I/O modules may use node:fs/net/tls; only encode/asn1 and encode/protobuf the codec libraries).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

/** module → modules it may import (itself always allowed). */
const ALLOWED: Record<string, string[]> = {
  util: [],
  core: ['util'],
  capture: ['core', 'util'],
  decode: ['core', 'util'],
  'protocols/sdp': ['protocols/msrp', 'core', 'util'],
  'protocols/sip': ['protocols/sdp', 'protocols/msrp', 'core', 'util'],
  'protocols/msrp': ['core', 'util'],
  'protocols/websocket': ['core', 'util'],
  'protocols/tls': ['core', 'util'],
  records: ['core', 'util'],
  flow: ['decode', 'core', 'util'],
  analyzers: ['flow', 'protocols/sdp', 'protocols/sip', 'protocols/msrp', 'protocols/websocket', 'protocols/tls', 'decode', 'core', 'util'],
  // correlate consumes the analyzers' events (types only): analyzers sit before it in the pipeline.
  correlate: ['analyzers', 'protocols/sdp', 'protocols/sip', 'protocols/msrp', 'records', 'decode', 'core', 'util'],
  encode: ['records', 'core', 'util'],
  deliver: ['core', 'util'],
  audit: ['records', 'core', 'util'],
  x1: ['correlate', 'records', 'core', 'util'],
  pipeline: ['*'],
  cli: ['pipeline', 'audit', 'x1', 'capture', 'deliver', 'records', 'encode', 'core', 'util'],
};

/** Node built-ins with side effects on the outside world, and the modules that may use them. */
const IO_BUILTINS = ['fs', 'net', 'tls', 'dgram', 'child_process', 'http', 'https'];
const IO_MODULES = new Set(['capture', 'deliver', 'pipeline', 'cli']);

function moduleOf(file: string): string {
  const rel = relative(SRC, file).split('/');
  if (rel[0] === 'protocols' || rel[0] === 'encode') return rel.length > 2 ? `${rel[0]}/${rel[1]}` : rel[0]!;
  return rel.length > 1 ? rel[0]! : '(root)';
}

function topModule(m: string): string {
  return m.startsWith('encode/') ? 'encode' : m;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

describe('DEVELOPERS.md states the same dependency rules', () => {
  it('its module table lists exactly the allowed imports of this test', () => {
    const text = readFileSync(resolve(import.meta.dirname, '../../DEVELOPERS.md'), 'utf8');
    const documented: Record<string, string[]> = {};
    for (const line of text.split('\n')) {
      const m = /^\| `([a-z0-9/]+)` \| .* \| (.*) \|$/.exec(line);
      if (m === null) continue;
      const col = m[2]!;
      documented[m[1]!] = col === 'nothing' ? [] : col === 'everything' ? ['*'] : [...col.matchAll(/`([a-z0-9/]+)`/g)].map((x) => x[1]!);
    }
    expect(documented).toEqual(ALLOWED);
  });
});

describe('architecture: dependency direction', () => {
  const files = walk(SRC);
  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(5);
  });
  for (const file of files) {
    const from = moduleOf(file);
    if (from === '(root)') continue;
    it(`${relative(SRC, file)} imports only allowed modules`, () => {
      const text = readFileSync(file, 'utf8');
      const bad: string[] = [];
      for (const m of text.matchAll(IMPORT_RE)) {
        const spec = m[1] ?? m[2]!;
        if (spec.startsWith('.')) {
          const target = moduleOf(resolve(dirname(file), spec));
          const allowed = ALLOWED[topModule(from)] ?? ALLOWED[from] ?? [];
          const ok = target === from || topModule(target) === topModule(from) || allowed.includes('*') || allowed.includes(target) || allowed.includes(topModule(target));
          if (!ok) bad.push(`${spec} (${target})`);
        } else {
          const builtin = spec.replace(/^node:/, '').split('/')[0]!;
          if (IO_BUILTINS.includes(builtin) && !IO_MODULES.has(topModule(from))) bad.push(`${spec} (I/O outside capture/deliver/pipeline/cli)`);
          if (spec === 'asn1js' && from !== 'encode/asn1') bad.push(`${spec} (only encode/asn1)`);
          if (spec.startsWith('protobufjs') && from !== 'encode/protobuf') bad.push(`${spec} (only encode/protobuf)`);
        }
      }
      expect(bad).toEqual([]);
    });
  }
});
