import { describe, expect, it } from 'vitest';
import { parseDumpcapSummary } from '../../../src/capture/parse-dumpcap-summary.js';

describe('parseDumpcapSummary', () => {
  it("reads dumpcap 4.0's closing lines, summed over interfaces", () => {
    const stderr = [
      "Capturing on 'Loopback: lo'",
      'File: -',
      'Packets captured: 5',
      "Packets received/dropped on interface 'Loopback: lo': 5/0 (pcap:0/dumpcap:0/flushed:0/ps_ifdrop:0) (100.0%)",
      "Packets received/dropped on interface 'eth0': 1000/37 (pcap:30/dumpcap:5/flushed:2/ps_ifdrop:4) (96.3%)",
      '',
    ].join('\n');
    expect(parseDumpcapSummary(stderr)).toEqual({ received: 1005, dropped: 37, pcapDropped: 30, dumpcapDropped: 5, flushed: 2, ifDropped: 4 });
  });

  it('reads the short form of older versions and says undefined when there is no summary', () => {
    expect(parseDumpcapSummary("Packets received/dropped on interface 'lo': 12/3 (80.0%)\n")).toMatchObject({ received: 12, dropped: 3, pcapDropped: 0 });
    expect(parseDumpcapSummary('Capturing on \'lo\'\ndumpcap: There is no device named "x".\n')).toBeUndefined();
  });
});
