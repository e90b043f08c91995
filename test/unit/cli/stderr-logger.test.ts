import { describe, expect, it } from 'vitest';
import { IoError } from '../../../src/core/errors.js';
import { serialiseError } from '../../../src/core/log.js';
import { StderrLogger } from '../../../src/cli/stderr-logger.js';

function capture(format: 'text' | 'json'): { log: StderrLogger; lines: string[] } {
  const lines: string[] = [];
  return { log: new StderrLogger(format, (l) => lines.push(l)), lines };
}

describe('StderrLogger', () => {
  it('json: one JSON object per line, envelope first, fields, then msg', () => {
    const { log, lines } = capture('json');
    log.log('warn', 'capture.truncated', { file: 'a.pcap', offset: 250 }, 'cut short');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('}\n')).toBe(true);
    const j = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(j)).toEqual(['time', 'level', 'event', 'pid', 'file', 'offset', 'msg']);
    expect(j).toMatchObject({ level: 'warn', event: 'capture.truncated', pid: process.pid, file: 'a.pcap', offset: 250, msg: 'cut short' });
    expect(Number.isNaN(Date.parse(j.time as string))).toBe(false);
  });

  it('json: a field never replaces the envelope', () => {
    const { log, lines } = capture('json');
    log.log('info', 'x.y', { level: 'error', event: 'forged', msg: 'forged' });
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', event: 'x.y' });
    expect(JSON.parse(lines[0]!).msg).toBeUndefined();
  });

  it('text: "msrptap: LEVEL EVENT", msg first, logfmt fields, nested objects as dotted keys', () => {
    const { log, lines } = capture('text');
    log.log('warn', 'capture.truncated', { file: '/tmp/a b.pcap', frames: 12, records: { iri: 3, cc: 4 }, tasks: ['x1', 'x2'], ok: true }, 'was "cut" short');
    expect(lines).toEqual(['msrptap: warn capture.truncated msg="was \\"cut\\" short" file="/tmp/a b.pcap" frames=12 records.iri=3 records.cc=4 tasks=x1,x2 ok=true\n']);
  });

  it('text: an error field is its message and cause chain on the line; a stack follows, indented', () => {
    const { log, lines } = capture('text');
    const e = new IoError('cannot open x.pcap', 'x.pcap', undefined, { cause: Object.assign(new Error('ENOENT'), { code: 'ENOENT' }) });
    log.log('error', 'exit.io_error', { cause: serialiseError(e) });
    expect(lines[0]).toBe('msrptap: error exit.io_error cause="IoError: cannot open x.pcap <- caused by: Error: ENOENT (ENOENT)"\n');
    log.log('error', 'exit.internal_error', { err: serialiseError(new Error('bug'), true) });
    expect(lines[1]).toMatch(/^msrptap: error exit.internal_error err="Error: bug"\n {2}Error: bug\n {2} +at /);
  });

  it('drops events below the configured level; --log-format can change the format', () => {
    const { log, lines } = capture('text');
    log.log('debug', 'a.b');
    expect(lines).toHaveLength(0);
    log.configure({ level: 'warn' });
    log.log('info', 'a.b');
    expect(log.enabled('info')).toBe(false);
    log.log('error', 'a.c');
    log.configure({ level: 'trace', format: 'json' });
    log.log('trace', 'a.d');
    expect(lines[0]).toBe('msrptap: error a.c\n');
    expect(JSON.parse(lines[1]!).event).toBe('a.d');
  });
});
