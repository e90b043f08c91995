/** Reads and validates the tasks file (X1 vocabulary); every problem is one ConfigError naming the file. */
export type { AuditReport, TaskSet } from '../correlate/index.js';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.js';
import { parseTasksFile, type TaskSet } from '../correlate/index.js';

export function loadTasks(path: string): TaskSet {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read tasks file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'give --tasks the path of a JSON tasks file (see samples/tasks/)');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${path}: not valid JSON: ${(e as Error).message}`, 'fix the JSON syntax (a linter such as `jq . FILE` shows where)');
  }
  return parseTasksFile(json, path);
}
