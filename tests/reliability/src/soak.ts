/**
 * A long soak from the command line: `CHATFLOW_SOAK_MINUTES=30 pnpm soak` (minutes after
 * warm-up). Serves
 * 10,000 sessions through one runtime on a Redis of its own and prints the heap after
 * warm-up and at the end, steps, errors and step latencies.
 */
import { runSoak } from './runSoak.ts';
import { seedFromEnv } from './seededRandom.ts';

const minutes = Number(process.env.CHATFLOW_SOAK_MINUTES ?? 5);
const figures = await runSoak({
  durationMs: minutes * 60_000,
  warmUpMs: 30_000,
  sessions: Number(process.env.CHATFLOW_SOAK_SESSIONS ?? 10_000),
  seed: seedFromEnv('CHATFLOW_SOAK_SEED'),
  onProgress: (message) => console.log(JSON.stringify(message)),
});
console.log(JSON.stringify({ ...figures, heapGrowth: figures.heapEnd / figures.heapWarm - 1 }));
process.exit(figures.errors === 0 && figures.heapEnd <= figures.heapWarm * 1.1 ? 0 : 1);
