import { describe, expect, it } from 'vitest';
import { dumpcapArgs, dumpcapStartError, findDumpcap, parseDumpcapSummary, selectCaptureBackend } from '../../../src/capture/dumpcap-capture.js';

describe('selectCaptureBackend', () => {
  it('auto takes dumpcap when it was found, else cap (saying why)', () => {
    expect(selectCaptureBackend('auto', '/usr/bin/dumpcap')).toEqual({ backend: 'dumpcap', dumpcapPath: '/usr/bin/dumpcap', reason: 'dumpcap found' });
    expect(selectCaptureBackend('auto', undefined)).toMatchObject({ backend: 'cap', reason: expect.stringContaining('dumpcap not found') });
  });

  it('cap is cap even when dumpcap is installed', () => {
    expect(selectCaptureBackend('cap', '/usr/bin/dumpcap').backend).toBe('cap');
  });

  it('dumpcap when missing is a configuration error naming the package to install', () => {
    expect(selectCaptureBackend('dumpcap', '/opt/ws/dumpcap')).toMatchObject({ backend: 'dumpcap', dumpcapPath: '/opt/ws/dumpcap' });
    let err: unknown;
    try {
      selectCaptureBackend('dumpcap', undefined);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ name: 'ConfigError', fix: expect.stringContaining('wireshark-common') });
  });
});

describe('findDumpcap', () => {
  it('takes the first executable on PATH, then the system directories', () => {
    const seen: string[] = [];
    const exec = (ok: string[]) => (p: string) => {
      seen.push(p);
      return ok.includes(p);
    };
    expect(findDumpcap('/a:/b', exec(['/b/dumpcap', '/usr/bin/dumpcap']))).toBe('/b/dumpcap');
    expect(seen.slice(0, 2)).toEqual(['/a/dumpcap', '/b/dumpcap']);
    expect(findDumpcap('/a', exec(['/usr/sbin/dumpcap']))).toBe('/usr/sbin/dumpcap');
    expect(findDumpcap(undefined, exec([]))).toBeUndefined();
  });
});

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

describe('dumpcapArgs', () => {
  it('writes pcapng to standard output, quietly, with the ring in MiB (rounded up), a queue of as many bytes in its own thread, snaplen, filter and -p', () => {
    expect(dumpcapArgs({ iface: 'eth0', filter: 'tcp or udp', snaplen: 65535, bufferSize: 3 * 1024 * 1024 + 1, promiscuous: false })).toEqual([
      '-i',
      'eth0',
      '-w',
      '-',
      '-q',
      '-s',
      '65535',
      '-B',
      '4',
      '-t',
      '-C',
      String(4 * 1024 * 1024),
      '-p',
      '-f',
      'tcp or udp',
    ]);
    expect(dumpcapArgs({ iface: 'lo', filter: '', snaplen: 262144, bufferSize: 65536, promiscuous: true })).toEqual(['-i', 'lo', '-w', '-', '-q', '-s', '262144', '-B', '1', '-t', '-C', '1048576']);
  });

  it("caps the queue at what dumpcap's -C takes (an int)", () => {
    expect(dumpcapArgs({ iface: 'lo', filter: '', snaplen: 262144, bufferSize: 0x7fffffff, promiscuous: true }).slice(8)).toEqual(['2048', '-t', '-C', String(0x7fffffff)]);
  });
});

describe('dumpcapStartError: what dumpcap said, turned into the fix', () => {
  // The messages are dumpcap 4.0.17's, captured on this machine.
  it('unknown interface', () => {
    const e = dumpcapStartError('nosuch0', '', 'Capturing on \'nosuch0\'\ndumpcap: There is no device named "nosuch0".\n(No such device exists)\n', 'exit code 1');
    expect(e).toMatchObject({ name: 'ConfigError', fix: expect.stringContaining('dumpcap -D') });
    expect(e.message).toContain("no capture interface named 'nosuch0'");
  });

  it('no permission: names setcap and the wireshark group', () => {
    const e = dumpcapStartError('lo', '', "Capturing on 'Loopback: lo'\ndumpcap: The capture session could not be initiated due to error getting information on pipe or socket: Permission denied.\n", 'exit code 1');
    expect(e).toMatchObject({ name: 'ConfigError', fix: expect.stringMatching(/setcap cap_net_raw,cap_net_admin=eip.*wireshark/) });
  });

  it('bad filter', () => {
    const e = dumpcapStartError('lo', 'bad (', 'dumpcap: Invalid capture filter "bad (" for interface \'lo\'.\n', 'exit code 1');
    expect(e).toMatchObject({ name: 'ConfigError' });
    expect(e.message).toContain('rejected the filter');
  });

  it("anything else is an I/O error with dumpcap's words and its exit status", () => {
    const e = dumpcapStartError('lo', '', 'dumpcap: something odd\n', 'killed by SIGSEGV');
    expect(e).toMatchObject({ name: 'IoError' });
    expect(e.message).toBe("dumpcap could not capture on 'lo' (killed by SIGSEGV: dumpcap: something odd)");
  });
});
