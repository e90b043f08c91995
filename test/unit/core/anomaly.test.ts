import { describe, expect, it } from 'vitest';
import { ANOMALY_LAYERS, ANOMALIES } from '../../../src/core/anomalies/index.js';
import { AnomalyCounter, anomalyDef, isAnomalyCode, mayHideTargetCounts } from '../../../src/core/anomaly.js';

describe('anomaly registry', () => {
  it('declares every code exactly once across layers', () => {
    const seen = new Map<string, string>();
    const dupes: string[] = [];
    for (const [layer, table] of Object.entries(ANOMALY_LAYERS)) {
      for (const code of Object.keys(table)) {
        if (seen.has(code)) dupes.push(`${code} in ${seen.get(code)} and ${layer}`);
        seen.set(code, layer);
      }
    }
    expect(dupes).toEqual([]);
    expect(seen.size).toBe(Object.keys(ANOMALIES).length);
  });

  it('uses stable <layer>.<what> snake_case codes with a description', () => {
    for (const [code, def] of Object.entries(ANOMALIES)) {
      expect(code).toMatch(/^[a-z0-9]+\.[a-z0-9_]+$/);
      expect(['info', 'warning', 'error']).toContain(def.severity);
      expect(def.description.length).toBeGreaterThan(10);
    }
  });

  it('counts by code, keeps bounded examples, sorts JSON', () => {
    const c = new AnomalyCounter(2);
    c.report('tcp.gap', 5, 'len=10');
    c.report('tcp.gap', 6);
    c.report('tcp.gap', 7);
    c.report('ipv4.bad_checksum', 1);
    expect(c.count('tcp.gap')).toBe(3);
    expect(c.total()).toBe(4);
    expect(c.examplesOf('tcp.gap')).toEqual([
      { frame: 5, detail: 'len=10' },
      { frame: 6, detail: undefined },
    ]);
    expect(Object.keys(c.toJSON())).toEqual(['ipv4.bad_checksum', 'tcp.gap']);
    expect(isAnomalyCode('tcp.gap')).toBe(true);
    expect(isAnomalyCode('nope.nope')).toBe(false);
    expect(anomalyDef('tcp.gap')?.severity).toBe('warning');
  });

  it('flags on every code whether it may hide a target; the codes of cut or skipped input carry it', () => {
    for (const def of Object.values(ANOMALIES)) expect(typeof def.mayHideTarget).toBe('boolean');
    for (const code of ['sip.too_many_headers', 'sip.message_too_large', 'tcp.gap', 'flow.evicted', 'correlate.dialog_evicted', 'pcap.truncated_record', 'msrp.frame_lost_in_gap']) {
      expect(anomalyDef(code)?.mayHideTarget, code).toBe(true);
    }
    for (const code of ['sip.bare_lf', 'ipv4.bad_checksum', 'correlate.content_truncated', 'sdp.bad_line']) expect(anomalyDef(code)?.mayHideTarget, code).toBe(false);
  });

  it('sums the counts of the codes that may hide a target, in code order', () => {
    const c = new AnomalyCounter(0);
    c.report('tcp.gap');
    c.report('sip.bare_lf');
    c.report('sip.too_many_headers');
    c.report('tcp.gap');
    expect(mayHideTargetCounts(c.toJSON())).toEqual({
      total: 3,
      codes: [
        ['sip.too_many_headers', 1],
        ['tcp.gap', 2],
      ],
    });
    expect(mayHideTargetCounts({ 'sip.bare_lf': 4, 'no.such_code': 2 })).toEqual({ total: 0, codes: [] });
  });
});
