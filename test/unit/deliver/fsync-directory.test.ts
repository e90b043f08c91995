/**
 * Folder fsyncs (POSIX fsync(2): a file's fsync persists its bytes, not its name): the one
 * helper refuses links and non-folders, and the delivery spool and the receiver's store fsync
 * each folder where they created a file before their sync() returns (the receiver acknowledges
 * a keepalive only after it). node:fs is wrapped to record which folders were fsynced.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { IoError } from '../../../src/core/errors.js';
import { PduSpool } from '../../../src/deliver/pdu-spool.js';
import { ReceivedPduStore } from '../../../src/deliver/received-pdu-store.js';
import { fsyncDirectory } from '../../../src/deliver/safe-fs.js';

/** The folders fsynced, in order (path of the descriptor, read back from /proc). */
const synced = vi.hoisted(() => ({ dirs: [] as string[] }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const fsyncSync = (fd: number): void => {
    if (fs.fstatSync(fd).isDirectory()) synced.dirs.push(fs.readlinkSync(`/proc/self/fd/${fd}`));
    fs.fsyncSync(fd);
  };
  return { ...fs, default: { ...fs, fsyncSync }, fsyncSync };
});

const tmp = (): string => mkdtempSync(join(tmpdir(), 'msrptap-dirsync-'));
beforeEach(() => {
  synced.dirs = [];
});

describe('fsyncDirectory', () => {
  it('fsyncs the folder itself', () => {
    const d = tmp();
    fsyncDirectory(d);
    expect(synced.dirs).toEqual([d]);
  });

  it('refuses a symlink to a folder and a file, fsyncing nothing', () => {
    const d = tmp();
    mkdirSync(join(d, 'real'));
    symlinkSync(join(d, 'real'), join(d, 'link'));
    writeFileSync(join(d, 'file'), 'x');
    expect(() => fsyncDirectory(join(d, 'link'))).toThrow(/symbolic link/);
    expect(() => fsyncDirectory(join(d, 'file'))).toThrow(IoError);
    expect(synced.dirs).toEqual([]);
  });
});

describe('PduSpool folder fsync', () => {
  it('fsyncs its folder once after creating a segment, and again only after a new one', () => {
    const d = join(tmp(), 'spool');
    const s = new PduSpool({ dir: d, segmentBytes: 64 });
    s.append(new Uint8Array(10));
    s.flush();
    s.sync();
    expect(synced.dirs).toEqual([d]);
    s.sync();
    expect(synced.dirs).toEqual([d]);
    // Past segmentBytes: the next flush starts segment 2, whose name is new.
    s.append(new Uint8Array(100));
    s.flush();
    s.append(new Uint8Array(10));
    s.flush();
    s.close();
    expect(synced.dirs).toEqual([d, d]);
  });

  it('a reopened spool writing on in its last segment does not fsync the folder', () => {
    const d = join(tmp(), 'spool');
    new PduSpool({ dir: d }).close();
    synced.dirs = [];
    const s = new PduSpool({ dir: d });
    s.append(new Uint8Array(10));
    s.flush();
    s.sync();
    s.close();
    expect(synced.dirs).toEqual([]);
  });
});

describe('ReceivedPduStore folder fsync', () => {
  const XID = '3a0b508c-3616-48ba-849d-f485418efd49';
  const meta = (seq: number) => ({ xid: XID, sequenceNumber: seq, pduType: 2, payloadFormat: 13 });

  it('fsyncs a new XID folder and then the store folder at the next sync, once', () => {
    const d = join(tmp(), 'store');
    const s = new ReceivedPduStore(d);
    s.accept(meta(0), new Uint8Array(8));
    expect(synced.dirs).toEqual([]);
    s.sync();
    expect(synced.dirs).toEqual([join(d, XID), d]);
    s.accept(meta(1), new Uint8Array(8));
    s.sync();
    s.close();
    expect(synced.dirs).toEqual([join(d, XID), d]);
  });

  it('a reopened XID folder holding an index is not fsynced again', () => {
    const d = join(tmp(), 'store');
    const first = new ReceivedPduStore(d);
    first.accept(meta(0), new Uint8Array(8));
    first.close();
    synced.dirs = [];
    const s = new ReceivedPduStore(d);
    s.accept(meta(1), new Uint8Array(8));
    s.close();
    expect(synced.dirs).toEqual([]);
  });
});
