import { describe, expect, it } from 'vitest';
import { runSoak } from '../src/runSoak.ts';
import { seedFromEnv } from '../src/seededRandom.ts';

/** Minutes served after warm-up: 30 seconds in CI, longer with CHATFLOW_SOAK_MINUTES. */
const minutes = Number(process.env.CHATFLOW_SOAK_MINUTES ?? 0.5);

describe('load', () => {
  it('should serve 10,000 concurrent sessions through one runtime on Redis with a flat heap and no error', async () => {
    const figures = await runSoak({
      durationMs: minutes * 60_000,
      warmUpMs: 10_000,
      seed: seedFromEnv('CHATFLOW_SOAK_SEED'),
      onProgress: (message) => console.log('soak progress:', JSON.stringify(message)),
    });
    const growth = figures.heapEnd / figures.heapWarm - 1;
    console.log(
      'load:',
      JSON.stringify({
        ...figures,
        heapWarmMb: Math.round(figures.heapWarm / 2 ** 20),
        heapEndMb: Math.round(figures.heapEnd / 2 ** 20),
        heapGrowthPercent: Math.round(growth * 1000) / 10,
      }),
    );
    expect(figures.errors, figures.firstError).toBe(0);
    expect(figures.liveSessions).toBe(10_000);
    expect(figures.stepsMeasured).toBeGreaterThan(0);
    expect(figures.heapEnd).toBeLessThanOrEqual(figures.heapWarm * 1.1);
  });
});
