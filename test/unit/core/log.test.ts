import { describe, expect, it } from 'vitest';
import { ConfigError, IoError } from '../../../src/core/errors.js';
import { isLogLevel, levelRank, serialiseError } from '../../../src/core/log.js';

describe('serialiseError', () => {
  it('keeps name, message, the fields msrptap errors carry and the whole cause chain', () => {
    const root = Object.assign(new Error("ENOENT: no such file or directory, open 'x.pcap'"), { code: 'ENOENT' });
    const io = new IoError('cannot open capture file x.pcap', 'x.pcap', 24, { cause: root });
    const top = new Error('run failed', { cause: io });
    expect(serialiseError(top)).toEqual({
      name: 'Error',
      message: 'run failed',
      cause: { name: 'IoError', message: 'cannot open capture file x.pcap', path: 'x.pcap', offset: 24, cause: { name: 'Error', message: "ENOENT: no such file or directory, open 'x.pcap'", code: 'ENOENT' } },
    });
    expect(serialiseError(new ConfigError('bad', 'do this')).fix).toBe('do this');
  });

  it('a stack only when asked; a cyclic cause chain ends', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(serialiseError(a).stack).toBeUndefined();
    expect(serialiseError(a, true).stack).toContain('Error: a');
    let depth = 0;
    for (let e = serialiseError(a); e.cause !== undefined; e = e.cause) depth++;
    expect(depth).toBe(8);
  });

  it('a thrown non-Error is described by its type', () => {
    expect(serialiseError('boom')).toEqual({ name: 'string', message: 'boom' });
  });
});

describe('log levels', () => {
  it('are ordered trace < debug < info < warn < error', () => {
    expect(['trace', 'debug', 'info', 'warn', 'error'].map((l) => levelRank(l as 'info'))).toEqual([0, 1, 2, 3, 4]);
    expect(isLogLevel('warn')).toBe(true);
    expect(isLogLevel('fatal')).toBe(false);
  });
});
