/**
 * Scenario 7b: `storeData` / `getData` throughput for an 80 MB Arrow table, against
 * copying the same bytes (the table's Arrow IPC form) into a fresh `Buffer`.
 */
import { tableToIPC } from 'apache-arrow';
import { loadChatflow } from '../chatflow.ts';
import { numericTable } from '../data/numericTable.ts';
import { errorMessage, nowNs, repeatRoundRobin, secondsSince } from '../harness.ts';
import { ScenarioRecorder } from '../ScenarioRecorder.ts';
import { ratioTarget } from '../targets.ts';
import type { Scenario } from '../types.ts';
import { loadTrainingMachine } from '../workload.ts';

/** @see the file comment. */
export const dataStorageScenario: Scenario = {
  id: 'data-storage',
  title: 'Data storage (Arrow)',
  async run(context) {
    const recorder = new ScenarioRecorder(this.id, this.title);
    const rows = context.quick ? 2 ** 16 : 2 ** 20;
    const table = numericTable(rows, 10);
    const ipc = tableToIPC(table, 'stream');
    const megabytes = ipc.byteLength / 2 ** 20;
    recorder.parameters.rows = rows;
    recorder.parameters.columns = 10;
    recorder.parameters.ipcMegabytes = Number(megabytes.toFixed(2));
    recorder.note(
      'MB/s over the size of the table in Arrow IPC form. getData (cold) reads through a second runtime on the same store, so nothing is cached in the runtime.',
    );

    const copy = async () => {
      const start = nowNs();
      const fresh = Buffer.from(ipc);
      const seconds = secondsSince(start);
      if (fresh.byteLength !== ipc.byteLength) throw new Error('short copy');
      return megabytes / seconds;
    };

    let chatflowReason: string | undefined;
    const variants: Record<string, () => Promise<number>> = { copy };
    let cleanup = async () => {};
    try {
      const { runtime: runtimePackage, machines, adapters } = await loadChatflow();
      const loaded = await loadTrainingMachine();
      const store = adapters.createStore('memory');
      const make = () =>
        runtimePackage.createRuntime({
          workflows: machines.workflows,
          store,
          ...(loaded.ok ? { actors: loaded.actors } : {}),
        });
      const writer = make();
      const reader = make();
      const key = { userId: 'data-user', conversationId: 'bench' };
      await writer.getOrCreateSession(key);
      cleanup = async () => {
        await writer.shutdown();
        await reader.shutdown();
      };
      variants.storeData = async () => {
        const start = nowNs();
        await writer.storeData(key, table, { name: 'numbers' });
        return megabytes / secondsSince(start);
      };
      variants.getDataWarm = async () => {
        const start = nowNs();
        const back = await writer.getData(key);
        const seconds = secondsSince(start);
        if (back?.numRows !== rows) throw new Error(`getData returned ${back?.numRows} rows`);
        return megabytes / seconds;
      };
      variants.getDataCold = async () => {
        await reader.getOrCreateSession(key);
        const start = nowNs();
        const back = await reader.getData(key);
        const seconds = secondsSince(start);
        if (back?.numRows !== rows) throw new Error(`getData returned ${back?.numRows} rows`);
        return megabytes / seconds;
      };
    } catch (error) {
      chatflowReason = errorMessage(error);
    }

    try {
      const { results, errors } = await repeatRoundRobin(variants, {
        warmup: context.warmup,
        repetitions: context.repetitions,
        only: context.variants,
      });
      const labels: Record<string, [string, 'chatflow' | 'baseline']> = {
        copy: ['Buffer.from(ipc bytes), fresh copy', 'baseline'],
        storeData: ['runtime.storeData (memory store)', 'chatflow'],
        getDataWarm: ['runtime.getData, same runtime', 'chatflow'],
        getDataCold: ['runtime.getData, second runtime on the same store', 'chatflow'],
      };
      for (const [name, [label, side]] of Object.entries(labels)) {
        const samples = results[name];
        if (samples) {
          recorder.measure(
            { id: `${name}.mbPerSecond`, label, side, unit: 'MB/s', better: 'higher' },
            samples,
          );
        } else {
          recorder.unavailable(label, errors[name] ?? chatflowReason ?? 'no result');
        }
      }
    } finally {
      await cleanup();
    }

    recorder.target(
      ratioTarget({
        id: 'data.storeData.vsCopy',
        label: 'storeData MB/s vs fresh-buffer copy',
        chatflow: recorder.get('storeData.mbPerSecond'),
        baseline: recorder.get('copy.mbPerSecond'),
        kind: 'atLeast',
        bound: 0.8,
        unavailableReason: recorder.reasonFor('runtime.storeData (memory store)'),
      }),
    );
    return recorder.result();
  },
};
