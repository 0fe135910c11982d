import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createSessionRecord,
  type SessionRecord,
  serializeSessionRecord,
} from '../src/sessionRecord.ts';
import type { PersistedWorkflowSnapshot } from '../src/types.ts';

const anyContext = fc.dictionary(fc.string(), fc.jsonValue());

function withWorkflow(context: Record<string, unknown>, timers: boolean): SessionRecord {
  const record = createSessionRecord({ userId: 'u"1', conversationId: 'c\u00002' }, 1_000);
  const snapshot = {
    status: 'active',
    value: 'awaiting_data',
    context,
    children: {},
    historyValue: {},
  } as unknown as PersistedWorkflowSnapshot;
  return {
    ...record,
    workflow: {
      type: 'ml_training',
      version: 1,
      instanceId: 'i-1',
      startedAt: 1_000,
      snapshot,
      ...(timers ? { timers: [{ id: 't', event: { type: 'tick' }, dueAt: 2_000 }] } : {}),
    },
    appliedMessages: ['m-1'],
  };
}

describe('serializeSessionRecord', () => {
  it('should write the same string with a precomputed snapshot JSON as without it', () => {
    fc.assert(
      fc.property(anyContext, fc.boolean(), (context, timers) => {
        const record = withWorkflow(context, timers);
        const snapshotJson = JSON.stringify(record.workflow?.snapshot);
        expect(serializeSessionRecord(record, snapshotJson)).toBe(JSON.stringify(record));
        expect(serializeSessionRecord(record)).toBe(JSON.stringify(record));
      }),
    );
  });

  it('should leave out properties whose value is undefined, as JSON.stringify does', () => {
    const record = { ...withWorkflow({ a: 1 }, false), pendingField: undefined } as SessionRecord;
    const snapshotJson = JSON.stringify(record.workflow?.snapshot);
    expect(serializeSessionRecord(record, snapshotJson)).toBe(JSON.stringify(record));
  });

  it('should serialize a record without a workflow whole', () => {
    const record = createSessionRecord({ userId: '42', conversationId: 'chat-7' }, 5);
    expect(serializeSessionRecord(record, '{"ignored":true}')).toBe(JSON.stringify(record));
  });
});
