import type { WorkflowDefinition } from '@chatflow/machines';
import {
  type AnyActorLogic,
  type AnyStateMachine,
  type AnyStateNode,
  fromCallback,
  getStateNodes,
} from 'xstate';
import { createMachineStepper, type MachineStepper } from './machineStepper.ts';
import type { WorkflowRecord } from './sessionRecord.ts';
import type { PersistedWorkflowSnapshot, WorkflowMigrations, WorkflowView } from './types.ts';

/** A workflow of the catalogue, its machine given the host's actors. */
export interface PreparedWorkflow {
  type: string;
  definition: WorkflowDefinition;
  /**
   * The definition's machine, each actor it declares replaced by a placeholder that
   * does nothing: the runtime runs the work itself (see `work`), under a lease.
   */
  machine: AnyStateMachine;
  /** The logic of each declared actor: the host's, or else the machine's own default. */
  work: ReadonlyMap<string, AnyActorLogic>;
  /** The names of `work`. */
  workSources: ReadonlySet<string>;
  /** Pure steps of `machine`. */
  stepper: MachineStepper;
}

/**
 * The stand-in of invoked work inside a workflow actor. It never settles by itself
 * and, restored from a snapshot, starts nothing: the runtime runs the real logic once
 * per lease and delivers its outcome to the workflow as XState's done or error event.
 */
export const workPlaceholder: AnyActorLogic = fromCallback(() => undefined);

/** The runtime's view of its catalogue. */
export interface WorkflowCatalogue {
  get(type: string): PreparedWorkflow | undefined;
  readonly types: readonly string[];
}

/** The names a machine declares in `setup({ actors })`. */
function declaredActors(machine: AnyStateMachine): string[] {
  const actors = (machine.implementations as { actors?: Record<string, unknown> }).actors ?? {};
  return Object.keys(actors);
}

/**
 * Prepares the catalogue: for each name a machine declares, the host's actor logic (or
 * the machine's default) becomes the work the runtime runs, and the machine invokes a
 * {@link workPlaceholder} in its place. Host actors the machine does not declare are
 * not used.
 *
 * @example
 * ```ts
 * const catalogue = prepareWorkflows(workflows, { trainModel: fromPromise(train) });
 * catalogue.get('ml_training')?.machine;
 * ```
 */
export function prepareWorkflows(
  definitions: Record<string, WorkflowDefinition>,
  actors: Record<string, AnyActorLogic>,
): WorkflowCatalogue {
  if (typeof definitions !== 'object' || definitions === null) {
    throw new TypeError('createRuntime needs a workflows catalogue, keyed by workflow type.');
  }
  const prepared = new Map<string, PreparedWorkflow>();
  for (const [type, definition] of Object.entries(definitions)) {
    const defaults = (definition.machine.implementations as { actors?: Record<string, unknown> })
      .actors;
    const work = new Map<string, AnyActorLogic>();
    const placeholders: Record<string, AnyActorLogic> = {};
    for (const name of declaredActors(definition.machine)) {
      const logic = Object.hasOwn(actors, name) ? actors[name] : undefined;
      work.set(name, logic ?? (defaults?.[name] as AnyActorLogic));
      placeholders[name] = workPlaceholder;
    }
    const stepper = createMachineStepper(
      work.size === 0
        ? definition.machine
        : definition.machine.provide({ actors: placeholders } as never),
    );
    prepared.set(type, {
      type,
      definition,
      machine: stepper.machine,
      work,
      workSources: new Set(work.keys()),
      stepper,
    });
  }
  return { get: (type) => prepared.get(type), types: [...prepared.keys()] };
}

/** The step name of a state value: the value of a flat machine, a dotted path otherwise. */
export function stateName(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 1) {
      const [key, inner] = entries[0]!;
      return `${key}.${stateName(inner)}`;
    }
    return JSON.stringify(value);
  }
  return String(value);
}

/** The active leaf state nodes of a state value; throws when the machine has no such state. */
export function leafStateNodes(machine: AnyStateMachine, value: unknown): AnyStateNode[] {
  const nodes = getStateNodes(machine.root, value as never) as AnyStateNode[];
  return nodes.filter((node) => node.type === 'atomic' || node.type === 'final');
}

/** The prompt of a state (its `meta.prompt`), or an empty string. */
export function promptOf(machine: AnyStateMachine, value: unknown): string {
  try {
    for (const node of leafStateNodes(machine, value)) {
      const prompt = (node.meta as { prompt?: unknown } | undefined)?.prompt;
      if (typeof prompt === 'string') return prompt;
    }
  } catch {
    // a state the machine does not have: no prompt
  }
  return '';
}

/** True when the machine has the state of the snapshot. */
export function hasState(machine: AnyStateMachine, snapshot: PersistedWorkflowSnapshot): boolean {
  try {
    return leafStateNodes(machine, snapshot.value).length > 0;
  } catch {
    return false;
  }
}

/** The view of a stored workflow. */
export function workflowView(
  catalogue: WorkflowCatalogue,
  workflow: WorkflowRecord | null,
): WorkflowView | null {
  if (workflow === null) return null;
  const machine = catalogue.get(workflow.type)?.machine;
  return {
    type: workflow.type,
    state: stateName(workflow.snapshot.value),
    prompt: machine === undefined ? '' : promptOf(machine, workflow.snapshot.value),
    done: workflow.snapshot.status !== 'active',
    context: workflow.snapshot.context,
  };
}

/** What {@link upgradeWorkflow} did. */
export type UpgradeOutcome =
  | { kind: 'current'; workflow: WorkflowRecord | null }
  | { kind: 'migrated'; workflow: WorkflowRecord }
  | { kind: 'reset' };

/**
 * Checks a stored workflow against the catalogue. Same version and a state the machine
 * has: kept. Another version: migrated by `migrations[type][version]` when registered
 * (and the result has a state the machine has), otherwise reset, as is a workflow whose
 * type left the catalogue or whose state the machine no longer has.
 *
 * @example
 * ```ts
 * const outcome = upgradeWorkflow(catalogue, migrations, record.workflow);
 * if (outcome.kind === 'reset') record.workflow = null;
 * ```
 */
export function upgradeWorkflow(
  catalogue: WorkflowCatalogue,
  migrations: WorkflowMigrations,
  workflow: WorkflowRecord | null,
): UpgradeOutcome {
  if (workflow === null) return { kind: 'current', workflow };
  const prepared = catalogue.get(workflow.type);
  if (prepared === undefined) return { kind: 'reset' };
  const { version } = prepared.definition;
  if (workflow.version === version) {
    return hasState(prepared.machine, workflow.snapshot)
      ? { kind: 'current', workflow }
      : { kind: 'reset' };
  }
  const byVersion = Object.hasOwn(migrations, workflow.type)
    ? migrations[workflow.type]
    : undefined;
  const migrate =
    byVersion !== undefined && Object.hasOwn(byVersion, workflow.version)
      ? byVersion[workflow.version]
      : undefined;
  if (migrate === undefined) return { kind: 'reset' };
  try {
    const snapshot = migrate(structuredClone(workflow.snapshot));
    if (
      typeof snapshot !== 'object' ||
      snapshot === null ||
      typeof snapshot.status !== 'string' ||
      !hasState(prepared.machine, snapshot)
    ) {
      return { kind: 'reset' };
    }
    return { kind: 'migrated', workflow: { ...workflow, version, snapshot } };
  } catch {
    return { kind: 'reset' };
  }
}
