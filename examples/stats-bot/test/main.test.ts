import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataFolder, runDemo, runScript, startInteractive, tempDir } from './support/runBot.ts';

const houses = join(dataFolder, 'houses.csv');
const customers = join(dataFolder, 'customers.csv');

/** The part of a transcript answering the scripted line `line` (up to the next `> `). */
function answerTo(transcript: string, line: string): string {
  const start = transcript.indexOf(`> ${line}\n`);
  if (start === -1) throw new Error(`"${line}" is not in the transcript:\n${transcript}`);
  const rest = transcript.slice(start + line.length + 3);
  const end = rest.indexOf('\n> ');
  return end === -1 ? rest : rest.slice(0, end);
}

describe('main (console mode)', { timeout: 120_000 }, () => {
  it('should train a regression model, report its holdout scores and predict with it', async () => {
    const dataDir = await tempDir('stats-bot-e2e-');
    const run = await runScript(
      [
        `/upload ${houses}`,
        '/train',
        'price',
        'area_m2, rooms, city',
        'linear',
        '/predict',
        '1',
        'use it',
      ],
      dataDir,
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(answerTo(run.stdout, `/upload ${houses}`)).toContain(
      'Loaded houses.csv: 300 rows, 7 columns.',
    );
    const trained = answerTo(run.stdout, 'linear');
    expect(trained).toContain('Training linear regression on 300 rows…');
    const r2 = /R² = (-?[\d.]+)/.exec(trained);
    expect(r2).not.toBeNull();
    expect(Number(r2?.[1])).toBeGreaterThan(0.5);
    expect(Number(r2?.[1])).toBeLessThanOrEqual(1);
    const modelId = /Saved as model (\S+)\./.exec(trained)?.[1];
    expect(modelId).toMatch(/^linear_regression-/);

    const predicted = answerTo(run.stdout, 'use it');
    expect(predicted).toContain(
      `Predicted price for 300 rows of houses.csv with model ${modelId}.`,
    );
    const saved = /\[file saved to (.+)\]/.exec(predicted)?.[1];
    expect(saved).toBe(join(dataDir, 'outputs', `predictions-${modelId}.csv`));
    const csv = (await readFile(saved ?? '', 'utf8')).trim().split('\n');
    expect(csv).toHaveLength(301);
    expect(csv[0]?.split(',').at(-1)).toBe('predicted_price');
    expect(Number(csv[1]?.split(',').at(-1))).toBeGreaterThan(0);
  });

  it('should train a classifier with the model types suited to a text target', async () => {
    const dataDir = await tempDir('stats-bot-e2e-');
    const run = await runScript(
      [`/upload ${customers}`, 'train a model on it', 'churned', 'all', '1'],
      dataDir,
    );
    expect(run.code).toBe(0);
    const models = answerTo(run.stdout, 'all');
    expect(models).toContain('These suit the yes/no target churned (classification)');
    expect(models).toContain('1) Logistic regression  2) Random forest (classification)');
    const trained = answerTo(run.stdout, '1');
    expect(trained).toMatch(/Accuracy \d+(\.\d+)?% on the holdout/);
    expect(trained).toContain('Saved as model logistic_regression-');
  });

  it('should walk all four workflows of the demo script with real scores', async () => {
    const dataDir = await tempDir('stats-bot-demo-');
    const run = await runDemo(dataDir);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const out = run.stdout;
    // Exploration: schema, rows, summary, a histogram picture, value counts, done.
    expect(answerTo(out, 'schema')).toContain('300 rows, 7 columns');
    expect(answerTo(out, 'histogram price')).toContain(
      `[picture saved to ${join(dataDir, 'outputs', 'histogram-price.png')}]`,
    );
    expect(answerTo(out, 'what about garden?')).toContain('Values of "garden"');
    expect(answerTo(out, 'done')).toContain('Done exploring.');
    // Statistics, referring back to the loaded data.
    expect(answerTo(out, 'area_m2, rooms, price')).toContain('Descriptive statistics (300 rows)');
    expect(answerTo(out, 'what about correlation?')).toMatch(/area_m2 ~ price: r = 0\.9\d+/);
    expect(answerTo(out, 'area_m2, price')).toMatch(/R² = 0\.\d+/);
    expect(answerTo(out, 't-test of rooms and age_years')).toContain('Welch two-sample t-test');
    // Training: holdout scores of a forest, a linear model and a classifier.
    expect(answerTo(out, 'random forest')).toMatch(/R² = 0\.\d+, RMSE = \d+/);
    expect(answerTo(out, 'linear regression')).toMatch(/R² = 0\.\d+/);
    expect(answerTo(out, 'logistic regression')).toMatch(/Accuracy \d+(\.\d)?% on the holdout/);
    // Prediction: previews and CSV files.
    expect(answerTo(out, 'use it')).toMatch(
      /\[file saved to .*predictions-linear_regression-.*\.csv\]/,
    );
    expect(out).toMatch(/Predicted churned for 300 rows of customers\.csv/);
    expect(answerTo(out, '/status')).toContain('logistic_regression-');
  });

  it('should resume a conversation where it stopped when started again', async () => {
    const dataDir = await tempDir('stats-bot-restart-');
    const first = await runScript([`/upload ${houses}`, '/train', '7'], dataDir);
    expect(first.code).toBe(0);
    expect(answerTo(first.stdout, '7')).toContain('Target: price.');

    const second = await runScript(['/status', '1,2', '/history'], dataDir);
    expect(second.code).toBe(0);
    expect(answerTo(second.stdout, '/status')).toContain(
      'Workflow: Train a model, step selecting_features.',
    );
    expect(answerTo(second.stdout, '1,2')).toContain('Predicting price from area_m2, rooms.');
    expect(answerTo(second.stdout, '/history')).toContain('you: 7');
  });

  it('should keep the session unchanged when an upload is bad', async () => {
    const dataDir = await tempDir('stats-bot-uploads-');
    const files = await tempDir('stats-bot-files-');
    await writeFile(join(files, 'empty.csv'), '');
    await writeFile(join(files, 'single.csv'), 'price\n1\n2\n3\n');
    await writeFile(join(files, 'ragged.csv'), 'a,b,c\n1,2,3\n4,5\n6,7,8\n');
    await writeFile(join(files, 'report.pdf'), '%PDF-1.4 not data');
    const run = await runScript(
      [
        `/upload ${houses}`,
        '/train',
        `/upload ${join(files, 'empty.csv')}`,
        `/upload ${join(files, 'single.csv')}`,
        `/upload ${join(files, 'ragged.csv')}`,
        `/upload ${join(files, 'report.pdf')}`,
        '/status',
      ],
      dataDir,
    );
    expect(run.code).toBe(0);
    expect(answerTo(run.stdout, `/upload ${join(files, 'empty.csv')}`)).toContain('is empty');
    expect(answerTo(run.stdout, `/upload ${join(files, 'single.csv')}`)).toContain(
      'has a single column',
    );
    expect(answerTo(run.stdout, `/upload ${join(files, 'ragged.csv')}`)).toMatch(/Line 3 of/);
    expect(answerTo(run.stdout, `/upload ${join(files, 'report.pdf')}`)).toContain(
      'is not a file type I can read',
    );
    for (const name of ['empty.csv', 'single.csv', 'ragged.csv', 'report.pdf']) {
      expect(answerTo(run.stdout, `/upload ${join(files, name)}`)).toContain(
        'Nothing was changed.',
      );
    }
    const status = answerTo(run.stdout, '/status');
    expect(status).toContain('Workflow: Train a model, step selecting_target.');
    expect(status).toContain('Data: houses.csv: 300 rows, 7 columns.');
  });

  it('should refuse a file over the upload limit without reading it', async () => {
    const dataDir = await tempDir('stats-bot-uploads-');
    const files = await tempDir('stats-bot-files-');
    const big = join(files, 'big.csv');
    await writeFile(big, Buffer.alloc(21 * 2 ** 20, 'a'));
    const run = await runScript([`/upload ${big}`, '/status'], dataDir);
    expect(answerTo(run.stdout, `/upload ${big}`)).toContain(
      '"big.csv" is 21.0 MB, over the upload limit of 20.0 MB.',
    );
    expect(answerTo(run.stdout, '/status')).toContain('Data: none loaded.');
  });

  it('should resume after being killed in the middle of a workflow', async () => {
    const dataDir = await tempDir('stats-bot-kill-');
    const bot = startInteractive(dataDir);
    await bot.waitFor(/Hello!/);
    bot.type(`/upload ${houses}`);
    await bot.waitFor(/Loaded houses\.csv/);
    bot.type('/train');
    await bot.waitFor(/Choose the target column/);
    const before = bot.output().length;
    bot.type('price');
    await bot.waitFor(/Choose one or more feature columns/, before);
    bot.child.kill('SIGKILL');
    expect(await bot.exited).toBeNull();

    const again = startInteractive(dataDir);
    await again.waitFor(/Welcome back\. We were in "Train a model", at step selecting_features\./);
    again.type('/quit');
    expect(await again.exited).toBe(0);

    const run = await runScript(['/status', 'area_m2, rooms'], dataDir);
    expect(answerTo(run.stdout, '/status')).toContain(
      'Workflow: Train a model, step selecting_features.',
    );
    expect(answerTo(run.stdout, 'area_m2, rooms')).toContain('Which model?');
  });

  it('should finish a training that was killed halfway when started again', async () => {
    const dataDir = await tempDir('stats-bot-kill-');
    const files = await tempDir('stats-bot-files-');
    // Enough rows of distinct values that a random forest takes seconds, so the kill
    // lands in the middle of the training.
    const rows = ['x1,x2,x3,x4,y'];
    let seed = 1;
    const random = (): number => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (let i = 0; i < 1500; i += 1) {
      const [a, b, c, d] = [random() * 10, random() * 5, random(), random() * 100];
      rows.push(
        `${a.toFixed(3)},${b.toFixed(3)},${c.toFixed(3)},${d.toFixed(2)},${(3 * a + 2 * b + 10 * c + d / 10 + random()).toFixed(3)}`,
      );
    }
    const slow = join(files, 'slow.csv');
    await writeFile(slow, `${rows.join('\n')}\n`);

    const bot = startInteractive(dataDir);
    await bot.waitFor(/Hello!/);
    bot.type(`/upload ${slow}`);
    bot.type('/train');
    bot.type('y');
    bot.type('all');
    const before = bot.output().length;
    bot.type('random forest');
    await bot.waitFor(/Training random forest \(regression\) on 1500 rows…/, before);
    bot.child.kill('SIGKILL');
    await bot.exited;
    expect(bot.output()).not.toContain('Saved as model');

    const run = await runScript(['/status'], dataDir);
    expect(run.code).toBe(0);
    expect(answerTo(run.stdout, '/status')).toContain('Workflow: Train a model, step training.');
    expect(run.stdout).toMatch(/R² = 0\.\d+/);
    expect(run.stdout).toContain('Saved as model random_forest_regression-');
  });

  it('should print the usage and say how to set BOT_TOKEN for telegram mode', async () => {
    const dataDir = await tempDir('stats-bot-cli-');
    const run = await runScript([], dataDir, ['--telegram']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Telegram mode needs a bot token: set BOT_TOKEN');
    expect(run.stderr).toContain('Usage: pnpm start -- [options]');
  });
});
