/** Whether an external program runs here (tests that need it are skipped, with the reason, when not). */
import { execFileSync } from 'node:child_process';

export function hasProgram(name: string, versionArg = '-v'): boolean {
  try {
    execFileSync(name, [versionArg], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
