import type { WorkLease } from './sessionRecord.ts';
import type { PersistedWorkflowSnapshot } from './types.ts';
import type { StepAction } from './workflowTimers.ts';

/** Who holds leases: a runtime instance, under an owner name. */
export interface LeaseHolder {
  /** Unique per runtime instance. */
  id: string;
  /** The name given to the runtime (stable across its restarts), or its id. */
  name: string;
}

/** A persisted invoked child, as it sits in a snapshot's `children`. */
interface PersistedChild {
  src?: unknown;
  snapshot?: { status?: unknown; input?: unknown };
}

/** The invoked children of a persisted snapshot that are work (their `src` is a work name). */
export function workChildren(
  snapshot: PersistedWorkflowSnapshot,
  workSources: ReadonlySet<string>,
): { invokeId: string; src: string; input: unknown }[] {
  const children = snapshot.children;
  if (typeof children !== 'object' || children === null) return [];
  const found: { invokeId: string; src: string; input: unknown }[] = [];
  for (const [invokeId, value] of Object.entries(children as Record<string, PersistedChild>)) {
    if (typeof value !== 'object' || value === null) continue;
    const { src, snapshot: child } = value;
    if (typeof src !== 'string' || !workSources.has(src)) continue;
    if (child?.status !== 'active') continue;
    found.push({ invokeId, src, input: child.input });
  }
  return found;
}

/** A first lease of work, held by `holder`. */
export function freshLease(
  invokeId: string,
  src: string,
  holder: LeaseHolder,
  leaseUntil: number,
): WorkLease {
  return {
    workId: crypto.randomUUID(),
    invokeId,
    src,
    attempt: 1,
    owner: holder.id,
    ownerName: holder.name,
    leaseUntil,
  };
}

/**
 * The work leases after a step: work the step started (an `xstate.spawnChild` action
 * for an invoked work actor, i.e. entering a state that invokes it) gets a fresh lease
 * held by `holder` until `leaseUntil`, written in the same compare-and-set as the step;
 * work still running keeps its lease; work whose actor is gone loses it. `finished` is
 * the invoke id whose outcome this step delivered: if its actor stays, its lease is
 * marked finished so it never runs again.
 *
 * @example
 * ```ts
 * const [next, actions] = transition(machine, snapshot, event);
 * const work = nextLeases(record.workflow.work ?? [], persisted, actions, sources, holder, now() + leaseMs);
 * ```
 */
export function nextLeases(
  previous: readonly WorkLease[],
  snapshot: PersistedWorkflowSnapshot,
  actions: readonly StepAction[],
  workSources: ReadonlySet<string>,
  holder: LeaseHolder,
  leaseUntil: number,
  finished?: string,
): WorkLease[] {
  const spawned = new Set<string>();
  for (const action of actions) {
    if (action.type !== 'xstate.spawnChild') continue;
    const id = (action.params as { id?: unknown } | undefined)?.id;
    if (typeof id === 'string') spawned.add(id);
  }
  const byId = new Map(previous.map((lease) => [lease.invokeId, lease]));
  const leases: WorkLease[] = [];
  for (const child of workChildren(snapshot, workSources)) {
    const kept = spawned.has(child.invokeId) ? undefined : byId.get(child.invokeId);
    const lease = kept ?? freshLease(child.invokeId, child.src, holder, leaseUntil);
    leases.push(child.invokeId === finished ? { ...lease, finished: true } : lease);
  }
  return leases;
}

/** True when `holder` holds the lease. */
export function holdsLease(lease: WorkLease, holder: LeaseHolder): boolean {
  return lease.owner === holder.id;
}

/**
 * True when the lease's holder is taken to be gone: the lease ran out, or it is held
 * under this runtime's own name by another instance (this runtime's previous life).
 */
export function isAbandoned(lease: WorkLease, holder: LeaseHolder, now: number): boolean {
  if (lease.owner === holder.id) return false;
  return lease.leaseUntil <= now || lease.ownerName === holder.name;
}
