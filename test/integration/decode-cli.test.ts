/**
 * `msrptap decode` as a user meets it: `-` reads standard input like `-r -`; a capture given by
 * mistake is named on stderr with what to run instead (nothing on stdout, exit 1).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/run-cli.js';

const X2 = join(ROOT, '../shared/testdata/public/sipgate-x2-demo-01.x2x3.pdu');

describe('msrptap decode', () => {
  it('reads standard input for "-", with the same output as the file', () => {
    const byFile = runCli(['decode', X2]);
    const byStdin = runCli(['decode', '-'], { input: readFileSync(X2) });
    expect(byFile.status).toBe(0);
    expect(byStdin.status).toBe(0);
    const strip = (s: string) =>
      s
        .split('\n')
        .filter(Boolean)
        .map((l) => ({ ...JSON.parse(l), file: undefined }));
    expect(strip(byStdin.stdout)).toEqual(strip(byFile.stdout));
    expect(byStdin.stdout).toContain('"file":"-"');
  });

  it('a capture passed by mistake: a message on stderr naming the file and the command to use, exit 1', () => {
    const pcap = join(ROOT, 'samples/pcap/chat-udp.pcap');
    const r = runCli(['decode', pcap]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(pcap);
    expect(r.stderr).toContain('packet capture');
    expect(r.stderr).toContain('msrptap audit');
  });
});
