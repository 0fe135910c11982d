import { describe, expect, it } from 'vitest';
import { createActor, initialTransition, transition } from 'xstate';
import type { WorkflowTimer } from '../src/sessionRecord.ts';
import { inertClock, nextTimers, type StepAction } from '../src/workflowTimers.ts';
import { expiryMinutes, reminderMachine, reminderMinutes } from './support/fixtureWorkflows.ts';

const t0 = Date.UTC(2025, 0, 1);
const minute = 60_000;
const remindId = `xstate.after.${reminderMinutes * minute}.reminder.awaiting_data`;
const expireId = 'xstate.after.expiry.reminder.reminded';
const nudgeId = 'xstate.after.240000.reminder.reminded';

describe('nextTimers', () => {
  it('should add a timer for each delayed raise of an entered state, due at now + delay', () => {
    const [, actions] = initialTransition(reminderMachine, undefined);
    expect(nextTimers([], actions as StepAction[], t0)).toEqual([
      { id: remindId, event: { type: remindId }, dueAt: t0 + reminderMinutes * minute },
    ]);
  });

  it('should drop the fired timer and add the timers of the next state, named delays resolved', () => {
    const [start, startActions] = initialTransition(reminderMachine, undefined);
    const timers = nextTimers([], startActions as StepAction[], t0);
    const at = t0 + reminderMinutes * minute;
    const [, actions] = transition(reminderMachine, start, { type: remindId } as never);
    expect(nextTimers(timers, actions as StepAction[], at, remindId)).toEqual([
      { id: nudgeId, event: { type: nudgeId }, dueAt: at + 4 * minute },
      { id: expireId, event: { type: expireId }, dueAt: at + expiryMinutes * minute },
    ]);
  });

  it('should remove the timers of a state that is left', () => {
    const [start, startActions] = initialTransition(reminderMachine, undefined);
    const timers = nextTimers([], startActions as StepAction[], t0);
    const [, actions] = transition(reminderMachine, start, { type: 'cancel' });
    expect(nextTimers(timers, actions as StepAction[], t0 + minute)).toEqual([]);
  });

  it('should start the timer again when a step re-enters its state', () => {
    const [start, startActions] = initialTransition(reminderMachine, undefined);
    const timers = nextTimers([], startActions as StepAction[], t0);
    const [, actions] = transition(reminderMachine, start, { type: 'snooze' });
    expect(nextTimers(timers, actions as StepAction[], t0 + 3 * minute)).toEqual([
      { id: remindId, event: { type: remindId }, dueAt: t0 + (3 + reminderMinutes) * minute },
    ]);
  });

  it('should keep timers a step does not touch, and ignore actions that are not timers', () => {
    const kept: WorkflowTimer = { id: 'other', event: { type: 'later' }, dueAt: t0 + 5 };
    const actions: StepAction[] = [
      { type: 'xstate.raise', params: { event: { type: 'now' } } },
      { type: 'xstate.raise', params: { event: 'not an event', delay: 5 } },
      { type: 'xstate.assign' },
      { type: 'xstate.cancel', params: { sendId: 'unknown' } },
    ];
    expect(nextTimers([kept], actions, t0)).toEqual([kept]);
  });

  it('should give a delayed raise without an id an id of its own', () => {
    const actions: StepAction[] = [
      { type: 'xstate.raise', params: { event: { type: 'ping' }, delay: 1000 } },
    ];
    const [timer] = nextTimers([], actions, t0);
    expect(timer?.id).toMatch(/^chatflow\.timer\./);
    expect(timer).toMatchObject({ event: { type: 'ping' }, dueAt: t0 + 1000 });
  });
});

describe('inertClock', () => {
  it('should never fire a timer', async () => {
    const actor = createActor(reminderMachine, { clock: inertClock });
    actor.start();
    expect(inertClock.setTimeout(() => {}, 0)).toEqual({});
    await new Promise((resolve) => setImmediate(resolve));
    expect(actor.getSnapshot().value).toBe('awaiting_data');
  });
});
