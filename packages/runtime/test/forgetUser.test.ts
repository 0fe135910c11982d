import type { Keyv } from 'keyv';
import { describe, expect, it } from 'vitest';
import { sessionStorageKey, userKeyPrefix } from '../src/keys.ts';
import { createKeyvSessionStore } from '../src/keyvSessionStore.ts';
import type { RuntimeEvent } from '../src/types.ts';
import { createTestRuntime, sampleTable } from './support/testRuntime.ts';

async function keysOf(store: Keyv, prefix: string) {
  const keys: string[] = [];
  for await (const key of createKeyvSessionStore(store).keys(prefix)) keys.push(key);
  return keys.sort();
}

describe('forgetUser', () => {
  it('should delete every session, data blob, quarantined record and index of the user', async () => {
    const { runtime, store } = createTestRuntime();
    const keyv = store as Keyv;
    for (const conversationId of ['a', 'b:c', '__proto__']) {
      await runtime.getOrCreateSession({ userId: 5, conversationId });
      await runtime.storeData({ userId: 5, conversationId }, sampleTable());
    }
    await runtime.startWorkflow({ userId: 5, conversationId: 'a' }, 'counter');
    // A corrupted session, quarantined when it is next read (here by another runtime:
    // the one that wrote it trusts its live copy until its next write).
    await runtime.getOrCreateSession({ userId: 5, conversationId: 'broken' });
    await keyv.set(sessionStorageKey({ userId: '5', conversationId: 'broken' }), 'garbage');
    await createTestRuntime({ store }).runtime.getOrCreateSession({
      userId: 5,
      conversationId: 'broken',
    });
    // Another user who must stay, including one whose id starts like this one's.
    await runtime.getOrCreateSession({ userId: 55, conversationId: 'a' });
    await runtime.storeData({ userId: 55, conversationId: 'a' }, sampleTable());

    const deleted: RuntimeEvent[] = [];
    runtime.on('session.deleted', (event) => deleted.push(event));
    const removed = await runtime.forgetUser('5');
    expect(removed).toMatchObject({ userId: '5', sessions: 4, dataBlobs: 3, quarantined: 1 });
    expect(removed.conversationIds.sort()).toEqual(['__proto__', 'a', 'b:c', 'broken']);
    expect(deleted).toHaveLength(4);
    expect(deleted.every((event) => 'reason' in event && event.reason === 'forgotten')).toBe(true);
    expect(await keysOf(keyv, userKeyPrefix('5'))).toEqual([]);
    expect(await runtime.getSession({ userId: 5, conversationId: 'a' })).toBeUndefined();
    expect((await keysOf(keyv, userKeyPrefix('55'))).length).toBe(3);
    expect((await runtime.getData({ userId: 55, conversationId: 'a' }))?.numRows).toBe(6);
  });

  it('should answer zero counts for an unknown user', async () => {
    const { runtime } = createTestRuntime();
    expect(await runtime.forgetUser(404)).toEqual({
      userId: '404',
      sessions: 0,
      dataBlobs: 0,
      quarantined: 0,
      conversationIds: [],
    });
  });

  it('should let the user start over', async () => {
    const { runtime } = createTestRuntime();
    const first = await runtime.getOrCreateSession({ userId: 1, conversationId: 'x' });
    await runtime.forgetUser(1);
    const again = await runtime.getOrCreateSession({ userId: 1, conversationId: 'x' });
    expect(again.sessionId).not.toBe(first.sessionId);
    expect(again.reset).toBeUndefined();
  });
});
