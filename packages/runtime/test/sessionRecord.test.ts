import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createSessionRecord,
  parseSessionRecord,
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
  it('should write a record that parses back to the same record', () => {
    fc.assert(
      fc.property(anyContext, fc.boolean(), (context, timers) => {
        const record = withWorkflow(context, timers);
        const parsed = parseSessionRecord(serializeSessionRecord(record));
        expect(parsed).toEqual(JSON.parse(JSON.stringify(record)));
      }),
    );
  });

  it('should round-trip a record without a workflow', () => {
    const record = createSessionRecord({ userId: '42', conversationId: 'chat-7' }, 5);
    expect(parseSessionRecord(serializeSessionRecord(record))).toEqual(record);
  });
});
