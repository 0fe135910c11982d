import { copiedOnRead } from './copiedOnRead.ts';
import type { SessionRecord } from './sessionRecord.ts';
import type { SessionView, WorkflowView } from './types.ts';
import { type WorkflowCatalogue, workflowView } from './workflowCatalogue.ts';

/**
 * The view of a stored session, as `getSession` and `getOrCreateSession` return it: a
 * copy, so a caller changing it changes nothing in the runtime. The structured parts
 * (the workflow's context, the models, the data set) are copied when first read, so a
 * caller that only looks at the workflow's state pays for no copy of them.
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
  const view = {
    userId: record.userId,
    conversationId: record.conversationId,
    sessionId: record.sessionId,
    status,
    workflow: copiedWorkflow(workflowView(catalogue, record.workflow)),
    createdAt: record.createdAt,
    lastActivity: record.lastActivity,
    revision,
  } as SessionView;
  copiedOnRead(view, 'models', record.models);
  copiedOnRead(view, 'dataset', record.dataset);
  if (extras.recovered !== undefined) view.recovered = extras.recovered;
  if (extras.reset !== undefined) view.reset = extras.reset;
  return view;
}

/** The workflow view with its context copied on first read. */
function copiedWorkflow(workflow: WorkflowView | null): WorkflowView | null {
  if (workflow === null) return null;
  const { context, ...rest } = workflow;
  const copy = rest as WorkflowView;
  copiedOnRead(copy, 'context', context);
  return copy;
}
