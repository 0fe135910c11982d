import {
  dataStorageKey,
  normalizeUserId,
  parseStorageKey,
  userIndexKey,
  userKeyPrefix,
} from './keys.ts';
import type { RuntimeCore } from './runtimeCore.ts';
import { parseSessionRecord } from './sessionRecord.ts';
import type { ForgetResult } from './types.ts';

/**
 * Erasure of a user (the bot's `/forget`): every session record, data blob and
 * quarantined record of the user, found through the user's index, the live registry
 * and, where the store can list keys, the user's key prefix; then the index itself.
 *
 * @example
 * ```ts
 * const forgetUser = createForgetUser(core);
 * const removed = await forgetUser(42);
 * ```
 */
export function createForgetUser(core: RuntimeCore) {
  const { access, events, inGrace, lines, now, registry } = core;

  async function forgetUser(userId: string | number): Promise<ForgetResult> {
    const id = normalizeUserId(userId);
    const index = userIndexKey(id);
    const keys = new Set(await access.call((store) => store.members(index), 'read'));
    for (const session of registry.values())
      if (session.key.userId === id) keys.add(session.storageKey);
    try {
      for await (const key of access.store.keys(userKeyPrefix(id))) keys.add(key);
    } catch {
      // listing is a second net under the index; a store that cannot list relies on the index
    }
    const result: ForgetResult = {
      userId: id,
      sessions: 0,
      dataBlobs: 0,
      quarantined: 0,
      conversationIds: [],
    };
    const deletedBlobs = new Set<string>();
    const removeBlob = async (dataKey: string) => {
      if (deletedBlobs.has(dataKey)) return;
      deletedBlobs.add(dataKey);
      if (await access.call((store) => store.deleteBytes(dataKey))) result.dataBlobs += 1;
    };
    for (const key of keys) {
      const parsed = parseStorageKey(key);
      if (parsed === undefined || parsed.userId !== id || parsed.kind === 'index') continue;
      if (parsed.kind === 'data') {
        await removeBlob(key);
        continue;
      }
      const member = { key: index, member: key };
      if (parsed.kind === 'quarantine') {
        if (await access.call((store) => store.delete(key, { index: member })))
          result.quarantined += 1;
        continue;
      }
      lines.interrupt(key);
      await lines.run(key, async () => {
        const stored = await access.call((store) => store.get(key), 'read');
        const record = stored === undefined ? undefined : parseSessionRecord(stored.value);
        const live = registry.peek(key);
        if (live !== undefined) registry.delete(key);
        core.forgetUpkeep(key);
        inGrace.delete(key);
        if (record?.dataset != null) {
          await removeBlob(dataStorageKey(id, record.sessionId, record.dataset.id));
        }
        if (await access.call((store) => store.delete(key, { index: member }))) {
          result.sessions += 1;
          result.conversationIds.push(parsed.conversationId);
          if (record !== undefined) {
            events.emit({
              type: 'session.deleted',
              key: { userId: id, conversationId: parsed.conversationId },
              sessionId: record.sessionId,
              at: now(),
              reason: 'forgotten',
            });
          }
        }
      });
    }
    await access.call((store) => store.delete(index));
    return result;
  }

  return forgetUser;
}
