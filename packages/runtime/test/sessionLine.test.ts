import { describe, expect, it } from 'vitest';
import { WorkflowInterruptedError } from '../src/errors.ts';
import { createSessionLines } from '../src/sessionLine.ts';

describe('createSessionLines', () => {
  it('should interrupt workflow events that were waiting when a workflow was replaced', async () => {
    const lines = createSessionLines();
    const log: string[] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let started!: () => void;
    const hasStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    const running = lines.runForWorkflow('s', async () => {
      started();
      await gate;
      log.push('running event');
    });
    const waiting = lines
      .runForWorkflow('s', async () => {
        log.push('waiting event');
      })
      .catch((error: unknown) => error);
    await hasStarted;
    lines.interrupt('s');
    const start = lines.run('s', async () => log.push('start'));
    const after = lines.runForWorkflow('s', async () => log.push('event for the new workflow'));
    open();
    await running;
    expect(await waiting).toBeInstanceOf(WorkflowInterruptedError);
    await start;
    await after;
    expect(log).toEqual(['running event', 'start', 'event for the new workflow']);
  });

  it('should not interrupt anything when the line is idle', async () => {
    const lines = createSessionLines();
    lines.interrupt('s');
    await expect(lines.runForWorkflow('s', async () => 'ran')).resolves.toBe('ran');
  });

  it('should leave nothing behind once a line drained', async () => {
    const lines = createSessionLines();
    await Promise.all([lines.runForWorkflow('a', async () => 1), lines.run('b', async () => 2)]);
    await lines.drain();
    expect(lines.size).toBe(0);
    expect(lines.isBusy('a')).toBe(false);
  });
});
