import { describe, expect, it } from 'vitest';
import { createSessionAgenda } from '../src/sessionAgenda.ts';
import { createClock } from './support/testRuntime.ts';

const key = { userId: '1', conversationId: 'a' };

function agendaOnClock() {
  const clock = createClock();
  const rung: [string, number][] = [];
  const agenda = createSessionAgenda({
    clock,
    now: clock.now,
    onDue: (storageKey) => rung.push([storageKey, clock.now()]),
  });
  return { clock, rung, agenda };
}

describe('createSessionAgenda', () => {
  it('should ring each session once at its time, through the clock', () => {
    const { clock, rung, agenda } = agendaOnClock();
    const start = clock.now();
    agenda.arm('s1', key, start + 5000);
    agenda.arm('s2', key, start + 2000);
    expect(agenda.size).toBe(2);
    expect(agenda.dueAt('s1')).toBe(start + 5000);
    clock.advance(1999);
    expect(rung).toEqual([]);
    clock.advance(10_000);
    expect(rung).toEqual([
      ['s2', start + 2000],
      ['s1', start + 5000],
    ]);
    expect(agenda.size).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('should move an alarm that is armed again, and remove one armed with undefined', () => {
    const { clock, rung, agenda } = agendaOnClock();
    const start = clock.now();
    agenda.arm('s1', key, start + 5000);
    agenda.arm('s1', key, start + 8000);
    agenda.arm('s2', key, start + 1000);
    agenda.arm('s2', key, undefined);
    agenda.arm('s3', key, start + 1000);
    agenda.disarm('s3');
    expect(clock.pending).toBe(1);
    clock.advance(10_000);
    expect(rung).toEqual([['s1', start + 8000]]);
  });

  it('should ring an alarm that is already due on the next microtask, without the clock', async () => {
    const { clock, rung, agenda } = agendaOnClock();
    agenda.arm('s1', key, clock.now() - 1);
    expect(clock.pending).toBe(0);
    expect(rung).toEqual([]);
    await Promise.resolve();
    expect(rung).toEqual([['s1', clock.now()]]);
  });

  it('should wait in steps no longer than the longest timeout the platform takes', () => {
    const { clock, rung, agenda } = agendaOnClock();
    const start = clock.now();
    const farAway = start + 40 * 24 * 60 * 60_000;
    agenda.arm('s1', key, farAway);
    clock.advance(2 ** 31 - 1);
    expect(rung).toEqual([]);
    expect(agenda.dueAt('s1')).toBe(farAway);
    clock.advance(farAway - clock.now());
    expect(rung).toEqual([['s1', farAway]]);
  });

  it('should clear every alarm on close and refuse new ones', () => {
    const { clock, rung, agenda } = agendaOnClock();
    agenda.arm('s1', key, clock.now() + 1000);
    agenda.close();
    agenda.arm('s2', key, clock.now() + 1000);
    expect(agenda.size).toBe(0);
    expect(clock.pending).toBe(0);
    clock.advance(5000);
    expect(rung).toEqual([]);
  });

  it("should ref the timeout of an alarm kept alive (work in flight), not of a timer's", () => {
    const reffed: string[] = [];
    let made = 0;
    const clock = {
      setTimeout: (_callback: () => void, _ms: number) => {
        made += 1;
        const handle = { name: `h${made}`, ref: () => reffed.push(handle.name) };
        return handle;
      },
      clearTimeout: () => {},
    };
    const agenda = createSessionAgenda({ clock, now: () => 0, onDue: () => {} });
    agenda.arm('timer', key, 1000);
    expect(reffed).toEqual([]);
    agenda.arm('work', key, 1000, true);
    expect(reffed).toEqual(['h2']);
  });
});
