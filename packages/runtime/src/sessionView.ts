import type { SessionRecord } from './sessionRecord.ts';
import type { SessionView } from './types.ts';
import { type WorkflowCatalogue, workflowView } from './workflowCatalogue.ts';

/**
 * The view of a stored session, as `getSession` and `getOrCreateSession` return it: a
 * copy, so a caller changing it changes nothing in the runtime.
 *
 * @example
 * ```ts
 * const view = sessionView(catalogue, record, revision, 'active');
 * ```
 */
export function sessionView(
  catalogue: WorkflowCatalogue,
  record: SessionRecord,
  revision: number,
  status: 'active' | 'expired',
  extras: Pick<SessionView, 'recovered' | 'reset'> = {},
): SessionView {
  const view: SessionView = {
    userId: record.userId,
    conversationId: record.conversationId,
    sessionId: record.sessionId,
    status,
    workflow: workflowView(catalogue, record.workflow),
    models: record.models,
    dataset: record.dataset,
    createdAt: record.createdAt,
    lastActivity: record.lastActivity,
    revision,
  };
  const copy = structuredClone(view);
  if (extras.recovered !== undefined) copy.recovered = extras.recovered;
  if (extras.reset !== undefined) copy.reset = extras.reset;
  return copy;
}
