/**
 * `msrptap decode FILE...`: reads any record file msrptap writes (x2x3.pdu, hi2.ber, hi3.ber,
 * records.pb; the kind is detected from the bytes) and prints one JSON object per record
 * (JSON Lines): the structure by default (ASN.1 nodes with their types and tags), the values only
 * with --values (camelCase keys, plain values: src/encode/common/decoded-record-values.ts), or
 * an indented text view with --text. `-` reads standard input, as `-r -` does.
 * A record file damaged part-way ends with an `{"error":{code, offset, expected}}` line on stdout
 * (what came before it is still printed, for jq) and exit code 1; a file that is no record file
 * at all (a capture given by mistake, say) is a `decode.not_record_file` event on stderr naming
 * what to run instead, nothing on stdout, exit code 1.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError, IoError } from '../core/errors.js';
import { log } from './stderr-logger.js';

export function registerDecodeCommand(program: Command): void {
  program
    .command('decode')
    .description('decode X2/X3 (TS 103 221-2), HI2/HI3 (TS 102 232-1 BER) or protobuf record files written by msrptap run')
    .argument('<file...>', 'record files (kind detected from the content); "-" = standard input')
    .option('--text', 'indented text instead of JSON Lines')
    .option('--values', 'JSON Lines of values only, for jq: camelCase keys, plain numbers, strings, ISO times, hex for binary OCTET STRINGs')
    .action(async (files: string[], o: { text?: boolean; values?: boolean }) => {
      if (o.text === true && o.values === true) throw new ConfigError('--text and --values are two views: give one');
      // The decoders (and protobufjs) load only for this command.
      const { decodedRecordsJson, decodedRecordsValues, decodeRecordFile, formatDecodedRecordFile } = await import('../encode/index.js');
      let failed = false;
      for (const file of files) {
        let bytes: Uint8Array;
        try {
          // File descriptor 0 is standard input (tcpdump's and msrptap's `-`).
          bytes = readFileSync(file === '-' ? 0 : file);
        } catch (e) {
          throw new IoError(`cannot read ${file}: ${(e as Error).message}`, file, undefined, { cause: e });
        }
        const d = decodeRecordFile(bytes);
        if (d.kind === 'unknown') {
          failed = true;
          log.log('error', 'decode.not_record_file', { file }, `${file} is not a record file msrptap writes (${whatItIs(bytes)}); ${d.error?.expected ?? ''}`);
          continue;
        }
        if (d.error !== undefined) failed = true;
        if (o.text === true) {
          process.stdout.write(`# ${file}\n${formatDecodedRecordFile(d).join('\n')}\n`);
        } else {
          for (const rec of o.values === true ? decodedRecordsValues(d) : decodedRecordsJson(d)) process.stdout.write(`${JSON.stringify({ file, ...rec })}\n`);
        }
      }
      if (failed) process.exitCode = 1;
    });
}

/** A hint for a file that is no record file: the capture formats a user is most likely to pass. */
function whatItIs(b: Uint8Array): string {
  if (b.length === 0) return 'it is empty';
  if (b.length >= 4) {
    const m = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
    // pcap magics (µs and ns, both byte orders) and the pcapng Section Header Block type.
    if (m === 0xa1b2c3d4 || m === 0xd4c3b2a1 || m === 0xa1b23c4d || m === 0x4d3cb2a1 || m === 0x0a0d0d0a) {
      return 'it is a packet capture: use `msrptap audit -r FILE --tasks TASKS.json` or `msrptap stats -r FILE`';
    }
  }
  return 'unknown content';
}
