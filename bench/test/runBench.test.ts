import { describe, expect, it } from 'vitest';
import { renderReport } from '../src/report.ts';
import { runBench } from '../src/runBench.ts';
import type { Scenario } from '../src/types.ts';
import { validateReport } from '../src/validateReport.ts';

describe('runBench', () => {
  it('should run the fastest scenarios in quick mode and produce a valid report', async () => {
    const report = await runBench({
      quick: true,
      only: ['in-memory-steps', 'path-generation', 'csv-ingest', 'data-storage'],
      repetitions: 2,
      warmup: 0,
    });
    const json = JSON.parse(JSON.stringify(report));
    expect(validateReport(json)).toEqual([]);
    expect(report.mode).toBe('quick');
    expect(report.scenarios.map((s) => s.id)).toEqual([
      'in-memory-steps',
      'path-generation',
      'csv-ingest',
      'data-storage',
    ]);
    for (const scenario of report.scenarios) {
      expect(scenario.status, `${scenario.id}: ${scenario.error ?? ''}`).not.toBe('failed');
      expect(scenario.measurements.length + scenario.unavailable.length).toBeGreaterThan(0);
    }
    const inMemory = report.scenarios[0];
    // The baselines need nothing of chatflow but the machine, so they are always measured.
    expect(inMemory?.measurements.some((m) => m.id === 'bare.stepsPerSecond.c1')).toBe(true);
    expect(inMemory?.targets.map((t) => t.id)).toEqual([
      'mem.c1.vsBare',
      'mem.c1.vsKeyvLoop',
      'mem.c1.p99',
    ]);
    const text = renderReport(report);
    expect(text).toContain('| scenario | target of | chatflow |');
    expect(text).toContain('Persisted steps, in memory');
  }, 120_000);

  it('should record a scenario that throws as failed and go on', async () => {
    const broken: Scenario = {
      id: 'broken',
      title: 'Broken',
      run: async () => {
        throw new Error('redis vanished');
      },
    };
    const report = await runBench({ quick: true, scenarios: [broken], repetitions: 1, warmup: 0 });
    expect(validateReport(JSON.parse(JSON.stringify(report)))).toEqual([]);
    expect(report.scenarios[0]).toMatchObject({
      id: 'broken',
      status: 'failed',
      error: 'Error: redis vanished',
    });
  });
});

describe('validateReport', () => {
  it('should name what is wrong with a malformed report', () => {
    expect(validateReport(null)).toEqual(['report: not an object']);
    const problems = validateReport({ schemaVersion: 2, mode: 'fast', scenarios: [{ id: 1 }] });
    expect(problems).toContain('schemaVersion: 2');
    expect(problems).toContain('mode: fast');
    expect(problems).toContain('scenarios[0].id: expected string, got number');
  });
});
