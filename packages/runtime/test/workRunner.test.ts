import { describe, expect, it } from 'vitest';
import { fromPromise } from 'xstate';
import { createWorkRunner, type WorkRun, type WorkRunStart } from '../src/workRunner.ts';
import { createCapturingLogger, createGate } from './support/testRuntime.ts';

function spec(overrides: Partial<WorkRunStart> = {}): WorkRunStart {
  return {
    storageKey: 's1',
    key: { userId: '1', conversationId: 'a' },
    sessionId: 'session-1',
    workflow: 'fit',
    instanceId: 'instance-1',
    invokeId: 'training',
    workId: 'work-1',
    attempt: 1,
    actorId: 'chatflow:1:a:fit:training#1',
    input: { n: 2 },
    logic: fromPromise(async ({ input }: { input: { n: number } }) => input.n * 21),
    ...overrides,
  };
}

function runnerWithLog() {
  const settled: WorkRun[] = [];
  const { logger } = createCapturingLogger();
  const runner = createWorkRunner({
    logger,
    inspect: undefined,
    onSettled: (run) => settled.push(run),
  });
  return { runner, settled };
}

describe('createWorkRunner', () => {
  it('should run the logic as an actor of its own and keep its output', async () => {
    const { runner, settled } = runnerWithLog();
    const run = runner.start(spec());
    expect(runner.inFlight).toBe(1);
    await expect.poll(() => settled.length).toBe(1);
    expect(settled[0]).toBe(run);
    expect(run.outcome).toEqual({ ok: true, output: 42 });
    expect(runner.inFlight).toBe(0);
    expect(runner.get('work-1', 1)).toBe(run);
    runner.finish(run);
    expect(runner.get('work-1', 1)).toBeUndefined();
  });

  it('should keep a failure as the outcome', async () => {
    const { runner, settled } = runnerWithLog();
    const run = runner.start(
      spec({
        logic: fromPromise(async () => {
          throw new Error('no data');
        }),
      }),
    );
    await expect.poll(() => settled.length).toBe(1);
    expect(run.outcome?.ok).toBe(false);
    expect((run.outcome as { error: Error }).error.message).toBe('no data');
  });

  it('should never start one attempt of a piece of work twice', () => {
    const { runner } = runnerWithLog();
    let starts = 0;
    const gate = createGate();
    const logic = fromPromise(async () => {
      starts += 1;
      await gate.wait();
      return 1;
    });
    const first = runner.start(spec({ logic }));
    expect(runner.start(spec({ logic }))).toBe(first);
    runner.start(spec({ logic, attempt: 2 }));
    expect(starts).toBe(2);
    expect(runner.of('s1')).toHaveLength(2);
    expect(runner.of('s2')).toHaveLength(0);
  });

  it('should abort a stopped run and drop its outcome', async () => {
    const { runner, settled } = runnerWithLog();
    const gate = createGate();
    let aborted = false;
    const run = runner.start(
      spec({
        logic: fromPromise(async ({ signal }) => {
          signal.addEventListener('abort', () => {
            aborted = true;
          });
          await gate.wait();
          return 1;
        }),
      }),
    );
    runner.stop(run);
    expect(aborted).toBe(true);
    gate.open();
    await gate.wait();
    await Promise.resolve();
    expect(settled).toEqual([]);
    expect(runner.all()).toEqual([]);
  });

  it('should tell the work what it is, from its actor or its system', () => {
    const { runner } = runnerWithLog();
    let seen: unknown;
    runner.start(
      spec({
        logic: fromPromise(async ({ self, system }) => {
          seen = [runner.infoOf(self), runner.infoOf(system)];
          return 0;
        }),
      }),
    );
    const info = {
      key: { userId: '1', conversationId: 'a' },
      sessionId: 'session-1',
      workflow: 'fit',
      instanceId: 'instance-1',
      invokeId: 'training',
      workId: 'work-1',
      attempt: 1,
    };
    expect(seen).toEqual([info, info]);
    expect(runner.infoOf({})).toBeUndefined();
    expect(runner.infoOf(null)).toBeUndefined();
  });
});
