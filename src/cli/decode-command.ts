/**
 * `msrptap decode FILE...`: reads any record file msrptap writes (x2x3.pdu, hi2.ber, hi3.ber,
 * records.pb; the kind is detected from the bytes) and prints one JSON object per record
 * (JSON Lines), or an indented text view with --text. Invalid input ends with an
 * `{"error":{code, offset, expected}}` line and exit code 1.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { IoError } from '../core/errors.js';
import { decodedRecordsJson, decodeRecordFile, formatDecodedRecordFile } from '../encode/index.js';

export function registerDecodeCommand(program: Command): void {
  program
    .command('decode')
    .description('decode X2/X3 (TS 103 221-2), HI2/HI3 (TS 102 232-1 BER) or protobuf record files written by msrptap run')
    .argument('<file...>', 'record files (kind detected from the content)')
    .option('--text', 'indented text instead of JSON Lines')
    .action((files: string[], o: { text?: boolean }) => {
      let failed = false;
      for (const file of files) {
        let bytes: Uint8Array;
        try {
          bytes = readFileSync(file);
        } catch (e) {
          throw new IoError(`cannot read ${file}: ${(e as Error).message}`, file, undefined, { cause: e });
        }
        const d = decodeRecordFile(bytes);
        if (d.error !== undefined) failed = true;
        if (o.text === true) {
          process.stdout.write(`# ${file}\n${formatDecodedRecordFile(d).join('\n')}\n`);
        } else {
          for (const rec of decodedRecordsJson(d)) process.stdout.write(`${JSON.stringify({ file, ...rec })}\n`);
        }
      }
      if (failed) process.exitCode = 1;
    });
}
