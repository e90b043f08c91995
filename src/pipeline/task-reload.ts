/**
 * SIGHUP reload of the intercept tasks into a running pipeline. The correlator builds its
 * target index once; a reload needs a hook there (`updateTasks(tasks)`: new sessions are matched
 * against the new tasks at once, a session in progress whose target is newly provisioned gets
 * startOfInterceptionForActiveIMSSession / startOfInterceptWithEstablisedRCSSession, removed
 * tasks end with their release records). This function applies the reload when the correlator
 * offers the hook and reports false when it does not, so the caller can say so loudly.
 */
import type { TaskSet } from '../correlate/index.js';
import type { InterceptPipeline } from './intercept-pipeline.js';

interface ReloadableCorrelator {
  updateTasks(tasks: TaskSet): void;
}

function isReloadable(c: unknown): c is ReloadableCorrelator {
  return typeof (c as Partial<ReloadableCorrelator>).updateTasks === 'function';
}

/** Applies `tasks` to the pipeline's correlator; false when the correlator cannot reload. */
export function reloadCorrelatorTasks(p: InterceptPipeline, tasks: TaskSet): boolean {
  const c: unknown = p.correlator;
  if (!isReloadable(c)) return false;
  c.updateTasks(tasks);
  return true;
}
