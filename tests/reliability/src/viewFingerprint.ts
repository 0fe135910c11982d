import { createHash } from 'node:crypto';
import type { SessionView } from '@chatflow/runtime';

/**
 * A hash of what a session holds (its id, workflow, models and data set), so two
 * processes can tell whether they saw the same session at the same revision.
 *
 * @example
 * ```ts
 * viewFingerprint(await runtime.getSession(key));
 * ```
 */
export function viewFingerprint(view: SessionView): string {
  const { sessionId, workflow, models, dataset } = view;
  return createHash('sha1')
    .update(JSON.stringify({ sessionId, workflow, models, dataset }))
    .digest('hex')
    .slice(0, 16);
}
