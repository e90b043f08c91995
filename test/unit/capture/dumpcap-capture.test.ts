import { describe, expect, it } from 'vitest';
import { dumpcapArgs, dumpcapStartError } from '../../../src/capture/dumpcap-capture.js';

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
