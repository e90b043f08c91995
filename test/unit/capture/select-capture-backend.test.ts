import { describe, expect, it } from 'vitest';
import { findDumpcap, selectCaptureBackend } from '../../../src/capture/select-capture-backend.js';

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
