import fc from 'fast-check';
import { Keyv } from 'keyv';
import { describe, expect, it } from 'vitest';
import { SessionExpiredError, SessionNotFoundError } from '../src/errors.ts';
import type { Runtime } from '../src/types.ts';
import { createClock, createTestRuntime, type TestClock } from './support/testRuntime.ts';

const timeoutMinutes = 30;
const graceMinutes = 5;

/** What the model knows of one session. */
interface ModelSession {
  lastActivity: number;
  marked: boolean;
  workflow: { done: boolean; total: number; steps: number[] } | null;
}

interface Model {
  now: number;
  sessions: Map<string, ModelSession>;
}

type Real = { runtime: Runtime; clock: TestClock };

const users = ['1', '2'];
const conversations = ['a', 'b:c'];
const keyOf = (user: string, conversation: string) => ({
  userId: user,
  conversationId: conversation,
});
const id = (user: string, conversation: string) => JSON.stringify([user, conversation]);

function phase(model: Model, session: ModelSession): 'active' | 'grace' | 'gone' {
  const expiresAt = session.lastActivity + timeoutMinutes * 60_000;
  if (!session.marked && model.now < expiresAt) return 'active';
  if (model.now < expiresAt + graceMinutes * 60_000) return 'grace';
  return 'gone';
}

/** The model's verdict for an operation that needs an active session. */
function access(model: Model, key: string): ModelSession | 'missing' | 'expired' {
  const session = model.sessions.get(key);
  if (session === undefined) return 'missing';
  return phase(model, session) === 'active' ? session : 'expired';
}

async function expectFault(run: () => Promise<unknown>, verdict: 'missing' | 'expired') {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(verdict === 'missing' ? SessionNotFoundError : SessionExpiredError);
}

abstract class KeyedCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly user: string,
    readonly conversation: string,
  ) {}
  get key() {
    return id(this.user, this.conversation);
  }
  get sessionKey() {
    return keyOf(this.user, this.conversation);
  }
  check() {
    return true;
  }
  abstract run(model: Model, real: Real): Promise<void>;
  abstract toString(): string;
}

class GetOrCreate extends KeyedCommand {
  async run(model: Model, { runtime }: Real) {
    const view = await runtime.getOrCreateSession(this.sessionKey);
    const session = model.sessions.get(this.key);
    const verdict = session === undefined ? 'missing' : phase(model, session);
    if (verdict === 'active' || verdict === 'grace') {
      expect(view.recovered).toBe(verdict === 'grace' ? true : undefined);
      expect(view.reset).toBeUndefined();
      session!.lastActivity = model.now;
      session!.marked = false;
    } else {
      expect(view.recovered).toBeUndefined();
      expect(view.reset).toBe(verdict === 'gone' ? 'expired' : undefined);
      model.sessions.set(this.key, { lastActivity: model.now, marked: false, workflow: null });
    }
    const now = model.sessions.get(this.key)!;
    expect(view.status).toBe('active');
    expect(view.lastActivity).toBe(model.now);
    expect(view.workflow?.context ?? null).toEqual(
      now.workflow === null ? null : { total: now.workflow.total, steps: now.workflow.steps },
    );
    expect(view.workflow?.done ?? null).toBe(now.workflow?.done ?? null);
  }
  toString() {
    return `getOrCreate(${this.key})`;
  }
}

class GetSession extends KeyedCommand {
  async run(model: Model, { runtime }: Real) {
    const view = await runtime.getSession(this.sessionKey);
    const session = model.sessions.get(this.key);
    const verdict = session === undefined ? 'missing' : phase(model, session);
    if (verdict === 'missing' || verdict === 'gone') {
      expect(view).toBeUndefined();
      return;
    }
    expect(view?.status).toBe(verdict === 'active' ? 'active' : 'expired');
    expect(view?.lastActivity).toBe(session!.lastActivity);
  }
  toString() {
    return `getSession(${this.key})`;
  }
}

class Start extends KeyedCommand {
  async run(model: Model, { runtime }: Real) {
    const verdict = access(model, this.key);
    if (typeof verdict === 'string') {
      await expectFault(() => runtime.startWorkflow(this.sessionKey, 'counter'), verdict);
      return;
    }
    const result = await runtime.startWorkflow(this.sessionKey, 'counter');
    const running = verdict.workflow !== null && !verdict.workflow.done;
    expect(result).toMatchObject({ ok: true, state: 'counting', context: { total: 0, steps: [] } });
    expect(result.ok && result.replaced).toBe(running ? 'counter' : undefined);
    verdict.workflow = { done: false, total: 0, steps: [] };
    verdict.lastActivity = model.now;
  }
  toString() {
    return `start(${this.key})`;
  }
}

class Add extends KeyedCommand {
  constructor(
    user: string,
    conversation: string,
    readonly amount: number,
  ) {
    super(user, conversation);
  }
  async run(model: Model, { runtime }: Real) {
    const verdict = access(model, this.key);
    const event = { type: 'add', amount: this.amount };
    if (typeof verdict === 'string') {
      await expectFault(() => runtime.send(this.sessionKey, event), verdict);
      return;
    }
    const result = await runtime.send(this.sessionKey, event);
    const workflow = verdict.workflow;
    if (workflow === null || workflow.done) {
      expect(result).toMatchObject({ ok: false, code: 'NO_ACTIVE_WORKFLOW' });
      return;
    }
    if (this.amount <= 0) {
      expect(result).toMatchObject({ ok: false, code: 'PREREQUISITE_NOT_MET', state: 'counting' });
      return;
    }
    workflow.total += this.amount;
    workflow.steps.push(this.amount);
    verdict.lastActivity = model.now;
    expect(result).toEqual({
      ok: true,
      workflow: 'counter',
      state: 'counting',
      prompt: 'Send numbers to add.',
      done: false,
      context: { total: workflow.total, steps: workflow.steps },
    });
  }
  toString() {
    return `add(${this.key}, ${this.amount})`;
  }
}

class Finish extends KeyedCommand {
  async run(model: Model, { runtime }: Real) {
    const verdict = access(model, this.key);
    if (typeof verdict === 'string') {
      await expectFault(() => runtime.send(this.sessionKey, { type: 'finish' }), verdict);
      return;
    }
    const result = await runtime.send(this.sessionKey, { type: 'finish' });
    const workflow = verdict.workflow;
    if (workflow === null || workflow.done) {
      expect(result).toMatchObject({ ok: false, code: 'NO_ACTIVE_WORKFLOW' });
    } else if (workflow.steps.length === 0) {
      expect(result).toMatchObject({ ok: false, code: 'PREREQUISITE_NOT_MET' });
    } else {
      workflow.done = true;
      verdict.lastActivity = model.now;
      expect(result).toMatchObject({ ok: true, state: 'finished', done: true });
    }
  }
  toString() {
    return `finish(${this.key})`;
  }
}

class Cancel extends KeyedCommand {
  async run(model: Model, { runtime }: Real) {
    const verdict = access(model, this.key);
    if (typeof verdict === 'string') {
      await expectFault(() => runtime.cancelWorkflow(this.sessionKey), verdict);
      return;
    }
    const result = await runtime.cancelWorkflow(this.sessionKey);
    const running = verdict.workflow !== null && !verdict.workflow.done;
    expect(result).toEqual({ cancelled: running, workflow: running ? 'counter' : null });
    if (running) {
      verdict.workflow = null;
      verdict.lastActivity = model.now;
    }
  }
  toString() {
    return `cancel(${this.key})`;
  }
}

class Delete extends KeyedCommand {
  async run(model: Model, { runtime }: Real) {
    if (!model.sessions.has(this.key)) {
      await expectFault(() => runtime.deleteSession(this.sessionKey), 'missing');
      return;
    }
    await runtime.deleteSession(this.sessionKey);
    model.sessions.delete(this.key);
  }
  toString() {
    return `delete(${this.key})`;
  }
}

class Advance implements fc.AsyncCommand<Model, Real> {
  constructor(readonly minutes: number) {}
  check() {
    return true;
  }
  async run(model: Model, { clock }: Real) {
    clock.advanceMinutes(this.minutes);
    model.now += this.minutes * 60_000;
  }
  toString() {
    return `advance(${this.minutes} min)`;
  }
}

class Cleanup implements fc.AsyncCommand<Model, Real> {
  check() {
    return true;
  }
  async run(model: Model, { runtime }: Real) {
    let expired = 0;
    let deleted = 0;
    for (const [key, session] of [...model.sessions]) {
      const verdict = phase(model, session);
      if (verdict === 'active') continue;
      if (!session.marked) expired += 1;
      if (verdict === 'grace') {
        session.marked = true;
      } else {
        deleted += 1;
        model.sessions.delete(key);
      }
    }
    const result = await runtime.cleanupExpired();
    expect({ expired: result.expired, deleted: result.deleted }).toEqual({ expired, deleted });
  }
  toString() {
    return 'cleanup()';
  }
}

const user = fc.constantFrom(...users);
const conversation = fc.constantFrom(...conversations);
const commands = [
  fc.tuple(user, conversation).map(([u, c]) => new GetOrCreate(u, c)),
  fc.tuple(user, conversation).map(([u, c]) => new GetSession(u, c)),
  fc.tuple(user, conversation).map(([u, c]) => new Start(u, c)),
  fc
    .tuple(user, conversation, fc.integer({ min: -2, max: 9 }))
    .map(([u, c, n]) => new Add(u, c, n)),
  fc.tuple(user, conversation).map(([u, c]) => new Finish(u, c)),
  fc.tuple(user, conversation).map(([u, c]) => new Cancel(u, c)),
  fc.tuple(user, conversation).map(([u, c]) => new Delete(u, c)),
  // Steps that land on and around the timeout and the end of the grace period.
  fc.constantFrom(1, 2, 4, 5, 25, 29, 30, 31, 34, 35, 36).map((minutes) => new Advance(minutes)),
  fc.constant(new Cleanup()),
];

describe('the runtime against a model of sessions', () => {
  it('should agree with the model on every sequence of operations', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 40 }), async (sequence) => {
        const clock = createClock();
        const { runtime } = createTestRuntime({
          store: new Keyv(),
          clock,
          config: { sessionTimeoutMinutes: timeoutMinutes, gracePeriodMinutes: graceMinutes },
        });
        const model: Model = { now: clock.now(), sessions: new Map() };
        await fc.asyncModelRun(() => ({ model, real: { runtime, clock } }), sequence);
        await runtime.shutdown();
      }),
      { numRuns: 250 },
    );
  }, 120_000);
});
