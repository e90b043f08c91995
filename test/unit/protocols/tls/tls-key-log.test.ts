import { describe, expect, it } from 'vitest';
import { AnomalyCounter } from '../../../../src/core/anomaly.js';
import { MAX_TLS_KEY_LOG_SECRETS, TlsKeyLog } from '../../../../src/protocols/tls/tls-key-log.js';
import { fromHex, toHex } from '../../../../src/util/bytes.js';

const CR = 'aa'.repeat(31);
const cr = (last: string): Uint8Array => fromHex(CR + last);
const MASTER = '11'.repeat(48);
const SECRET32 = '22'.repeat(32);

describe('TlsKeyLog (NSS key log format)', () => {
  it('keeps the decryption labels, skips comments, blank lines, CRLF and the other labels without counting them', () => {
    const k = new TlsKeyLog();
    k.ingest(`# SSL/TLS secrets log file\n\nCLIENT_RANDOM ${CR}01 ${MASTER}\r\nCLIENT_HANDSHAKE_TRAFFIC_SECRET ${CR}02 ${SECRET32}\nEXPORTER_SECRET ${CR}02 ${SECRET32}\nCLIENT_EARLY_TRAFFIC_SECRET ${CR}02 ${SECRET32}\n`);
    expect(k.entries).toBe(2);
    expect(k.badLines).toBe(0);
    expect(toHex(k.lookup(cr('01'), 'CLIENT_RANDOM')!)).toBe(MASTER);
    expect(toHex(k.lookup(cr('02'), 'CLIENT_HANDSHAKE_TRAFFIC_SECRET')!)).toBe(SECRET32);
    expect(k.lookup(cr('02'), 'EXPORTER_SECRET')).toBeUndefined();
    expect(k.lookup(cr('01'), 'SERVER_TRAFFIC_SECRET_0')).toBeUndefined();
    expect(k.lookup(fromHex('aa'), 'CLIENT_RANDOM')).toBeUndefined();
  });

  it('accepts upper-case hex and lines appended in arbitrary chunks (a partial last line waits for its newline)', () => {
    const k = new TlsKeyLog();
    const text = `SERVER_TRAFFIC_SECRET_0 ${CR.toUpperCase()}03 ${'CD'.repeat(48)}\nCLIENT_RANDOM ${CR}04 ${MASTER}`;
    for (let i = 0; i < text.length; i += 7) k.ingest(text.slice(i, i + 7));
    expect(k.entries).toBe(1);
    expect(toHex(k.lookup(cr('03'), 'SERVER_TRAFFIC_SECRET_0')!)).toBe('cd'.repeat(48));
    k.flush();
    expect(k.entries).toBe(2);
  });

  it('counts and reports bad lines without any secret in the detail', () => {
    const a = new AnomalyCounter();
    const k = new TlsKeyLog({ anomalies: a });
    k.ingest(`CLIENT_RANDOM ${CR}01 ${MASTER.slice(2)}\nCLIENT_RANDOM ${CR}0 ${MASTER}\nCLIENT_RANDOM ${CR}zz ${MASTER}\nBOGUS ${CR}01 ${MASTER}\nCLIENT_RANDOM ${CR}01\n${'x'.repeat(5000)}\n`);
    expect(k.entries).toBe(0);
    expect(k.badLines).toBe(6);
    expect(a.count('tls.keylog_bad_line')).toBe(6);
    for (const e of a.examplesOf('tls.keylog_bad_line')) expect(e.detail).not.toMatch(/[0-9a-f]{16}/);
  });

  it('caps the entries, evicting the oldest, counted and reported', () => {
    const a = new AnomalyCounter();
    const k = new TlsKeyLog({ maxEntries: 2, anomalies: a });
    k.ingest(['01', '02', '03'].map((x) => `CLIENT_RANDOM ${CR}${x} ${MASTER}\n`).join(''));
    expect(k.entries).toBe(2);
    expect(k.evicted).toBe(1);
    expect(a.count('tls.keylog_evicted')).toBe(1);
    expect(k.lookup(cr('01'), 'CLIENT_RANDOM')).toBeUndefined();
    expect(k.lookup(cr('03'), 'CLIENT_RANDOM')).toBeDefined();
  });

  it('keeps every distinct secret of one entry, oldest first, capped with the oldest dropped and reported', () => {
    const a = new AnomalyCounter();
    const k = new TlsKeyLog({ anomalies: a });
    const secret = (i: number): string => i.toString(16).padStart(2, '0').repeat(48);
    k.ingest(`CLIENT_RANDOM ${CR}01 ${secret(1)}\nCLIENT_RANDOM ${CR}01 ${secret(2)}\nCLIENT_RANDOM ${CR}01 ${secret(1).toUpperCase()}\n`);
    expect(k.entries).toBe(1);
    expect(k.lookupAll(cr('01'), 'CLIENT_RANDOM').map((s) => toHex(s))).toEqual([secret(1), secret(2)]);
    expect(toHex(k.lookup(cr('01'), 'CLIENT_RANDOM')!)).toBe(secret(1));
    for (let i = 3; i <= MAX_TLS_KEY_LOG_SECRETS + 1; i++) k.ingest(`CLIENT_RANDOM ${CR}01 ${secret(i)}\n`);
    expect(k.lookupAll(cr('01'), 'CLIENT_RANDOM').map((s) => toHex(s))).toEqual(Array.from({ length: MAX_TLS_KEY_LOG_SECRETS }, (_, i) => secret(i + 2)));
    expect(k.secretsCapped).toBe(1);
    expect(a.toJSON()).toEqual({ 'tls.keylog_secrets_capped': 1 });
    expect(a.examplesOf('tls.keylog_secrets_capped')[0]!.detail).toBe(`label=CLIENT_RANDOM secrets=${MAX_TLS_KEY_LOG_SECRETS}`);
    expect(k.lookupAll(cr('02'), 'CLIENT_RANDOM')).toEqual([]);
  });
});
