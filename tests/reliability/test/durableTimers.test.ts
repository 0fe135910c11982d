import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionKey } from '@chatflow/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChildMessage } from '../src/childChannel.ts';
import { type ChildHandle, startChild } from '../src/childProcess.ts';
import { expiryAfterMinutes, reminderAfterMinutes } from '../src/reminderWorkflow.ts';

const worker = new URL('../src/children/timerWorker.ts', import.meta.url);
const directory = mkdtempSync(join(tmpdir(), 'chatflow-timers-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const minute = 60_000;
const t0 = Date.UTC(2030, 0, 1, 9, 0, 0);

/** A timer step as a worker reported it. */
interface TimerStep {
  conversation: string;
  from: string;
  state: string;
  at: number;
}

describe('durable workflow timers across process restarts', () => {
  it('should fire a pending timer at its time after a restart, and one that fell due while down at once', async () => {
    const clockFile = join(directory, 'clock');
    const storeUrl = `sqlite://${join(directory, 'timers.db')}`;
    const key = (conversationId: string): SessionKey => ({ userId: 'timed', conversationId });
    const [s1, s2, s3] = [key('s1'), key('s2'), key('s3')] as [SessionKey, SessionKey, SessionKey];
    const timerSteps: TimerStep[] = [];
    const setTime = (ms: number) => writeFileSync(clockFile, String(ms));
    let child: ChildHandle | undefined;

    const launch = async () => {
      const started = startChild(worker, {
        env: { CHATFLOW_STORE_URL: storeUrl, CHATFLOW_CLOCK_FILE: clockFile },
        onMessage: (message: ChildMessage) => {
          if (message.type === 'transition' && message.source === 'timer') {
            timerSteps.push({
              conversation: (message.key as SessionKey).conversationId,
              from: String(message.from),
              state: String(message.state),
              at: Number(message.at),
            });
          }
        },
      });
      await started.waitFor((message) => message.type === 'ready');
      child = started;
      return started;
    };
    const ask = async (message: ChildMessage, reply: string) => {
      const current = child!;
      const before = current.messages.length;
      current.send(message);
      return current.waitFor(
        (answer) =>
          (answer.type === reply || answer.type === 'failed') &&
          current.messages.indexOf(answer) >= before,
      );
    };
    const advanceTo = (ms: number) => {
      setTime(ms);
      return ask({ type: 'tick' }, 'ticked');
    };
    const report = async () =>
      (await ask({ type: 'report', keys: [s1, s2, s3] }, 'report')).states as Record<
        string,
        string | null
      >;
    const crash = async () => {
      child!.kill('SIGKILL');
      expect((await child!.closed).signal).toBe('SIGKILL');
    };
    const stepsOf = (conversation: string) =>
      timerSteps.filter((step) => step.conversation === conversation);
    /** Waits until the live worker reported `count` timer steps in all. */
    const timerStepsReach = (count: number) =>
      child!.waitFor(() => timerSteps.length >= count, 30_000);

    try {
      setTime(t0);
      await launch();
      expect((await ask({ type: 'start', key: s1 }, 'started')).ok).toBe(true);
      expect((await ask({ type: 'start', key: s2 }, 'started')).ok).toBe(true);
      await advanceTo(t0 + 5 * minute);
      expect((await ask({ type: 'start', key: s3 }, 'started')).ok).toBe(true);
      // One millisecond before the reminder: nothing fires.
      await advanceTo(t0 + reminderAfterMinutes * minute - 1);
      expect(await report()).toEqual({
        s1: 'awaiting_data',
        s2: 'awaiting_data',
        s3: 'awaiting_data',
      });
      expect(timerSteps).toEqual([]);

      // Down while the reminders of s1 and s2 fall due.
      await crash();
      setTime(t0 + 12 * minute);
      await launch();
      await timerStepsReach(2);
      expect(await report()).toEqual({ s1: 'reminded', s2: 'reminded', s3: 'awaiting_data' });
      for (const conversation of ['s1', 's2']) {
        expect(stepsOf(conversation)).toEqual([
          { conversation, from: 'awaiting_data', state: 'reminded', at: t0 + 12 * minute },
        ]);
      }
      expect(
        (await ask({ type: 'send', key: s2, event: { type: 'data.uploaded' } }, 'sent')).state,
      ).toBe('received');

      // s3's reminder was set before the crash for 10 minutes after its start: it fires
      // in the restarted process exactly then, not a millisecond before.
      await advanceTo(t0 + 15 * minute - 1);
      expect(stepsOf('s3')).toEqual([]);
      await advanceTo(t0 + 15 * minute);
      await timerStepsReach(3);
      expect(stepsOf('s3')).toEqual([
        { conversation: 's3', from: 'awaiting_data', state: 'reminded', at: t0 + 15 * minute },
      ]);

      // s1's expiry runs from its reminder (fired at 12): due at 32. Down from 31 to 40,
      // when s3's expiry (due at 35) has fallen due too.
      await advanceTo(t0 + (12 + expiryAfterMinutes) * minute - 1);
      expect(await report()).toEqual({ s1: 'reminded', s2: 'received', s3: 'reminded' });
      await crash();
      setTime(t0 + 40 * minute);
      await launch();
      await timerStepsReach(5);
      expect(await report()).toEqual({ s1: 'expired', s2: 'received', s3: 'expired' });
      expect(stepsOf('s1')).toEqual([
        { conversation: 's1', from: 'awaiting_data', state: 'reminded', at: t0 + 12 * minute },
        { conversation: 's1', from: 'reminded', state: 'expired', at: t0 + 40 * minute },
      ]);
      expect(stepsOf('s3')[1]).toEqual({
        conversation: 's3',
        from: 'reminded',
        state: 'expired',
        at: t0 + 40 * minute,
      });
      // Each timer fired once: nothing more after another hour.
      await advanceTo(t0 + 100 * minute);
      expect(await report()).toEqual({ s1: 'expired', s2: 'received', s3: 'expired' });
      expect(timerSteps).toHaveLength(5);
      expect(stepsOf('s2')).toHaveLength(1);
      console.log(
        'durable timers:',
        JSON.stringify({ restarts: 2, timerSteps: timerSteps.length, firedTwice: 0, lost: 0 }),
      );
    } finally {
      child?.kill('SIGKILL');
      await child?.closed;
    }
  });
});
