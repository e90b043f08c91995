// The floor for this runtime: walks the records of a classic pcap file and does nothing else
// (reads each 16-byte record header, skips the data), reading 4 MiB chunks with readSync as
// msrptap's reader does. Prints {"frames","bytes"} on stdout.
import { openSync, readSync, closeSync } from 'node:fs';

const path = process.argv[2];
const fd = openSync(path, 'r');
const CHUNK = 4 << 20;
const buf = Buffer.allocUnsafe(CHUNK);
let start = 0;
let end = readSync(fd, buf, 0, CHUNK, null);
const le = buf.readUInt32LE(0) === 0xa1b2c3d4 || buf.readUInt32LE(0) === 0xa1b23c4d;
start = 24;
let frames = 0;
let bytes = 0;
for (;;) {
  if (end - start < 16 || end - start < 16 + (le ? buf.readUInt32LE(start + 8) : buf.readUInt32BE(start + 8))) {
    const rest = end - start;
    buf.copy(buf, 0, start, end);
    start = 0;
    const n = readSync(fd, buf, rest, CHUNK - rest, null);
    end = rest + n;
    if (n === 0) break;
    continue;
  }
  const capLen = le ? buf.readUInt32LE(start + 8) : buf.readUInt32BE(start + 8);
  frames++;
  bytes += capLen;
  start += 16 + capLen;
}
closeSync(fd);
process.stdout.write(JSON.stringify({ frames, bytes }) + '\n');
