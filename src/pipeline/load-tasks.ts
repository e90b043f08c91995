/** Reads and validates the tasks file (X1 vocabulary); every problem is one ConfigError naming the file. */
export type { AuditReport, TaskSet } from '../correlate/index.js';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.js';
import { parseTasksText, type TaskSet } from '../correlate/index.js';

export function loadTasks(path: string): TaskSet {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read tasks file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'give --tasks the path of a JSON tasks file (see samples/tasks/)');
  }
  return parseTasksText(text, path);
}
