/**
 * Where and with what a run happened: Node, the machine, and the versions of every
 * library and server the figures depend on.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Environment } from './types.ts';

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The `version` of an installed package, looked up from `fromDir` upwards; `unavailable` when not found. */
export function packageVersion(name: string, fromDir: string = benchDir): string {
  let dir = fromDir;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name, 'package.json');
    if (existsSync(candidate)) {
      const json = JSON.parse(readFileSync(candidate, 'utf8')) as { version?: string };
      return json.version ?? 'unavailable';
    }
    const parent = path.dirname(dir);
    if (parent === dir) return 'unavailable';
    dir = parent;
  }
}

/** The directory an installed package resolves to (through pnpm's links). */
function packageDir(name: string, fromDir: string = benchDir): string | undefined {
  const candidate = path.join(fromDir, 'node_modules', name);
  return existsSync(candidate) ? realpathSync(candidate) : undefined;
}

/** The version of a dependency of a dependency (e.g. `@redis/client` under `@keyv/redis`). */
function nestedVersion(parent: string, name: string): string {
  const dir = packageDir(parent);
  if (!dir) return 'unavailable';
  // pnpm puts a package's dependencies beside it: <store>/node_modules/<parent>, <store>/node_modules/<name>
  const storeModules = parent.startsWith('@')
    ? path.resolve(dir, '..', '..')
    : path.resolve(dir, '..');
  const candidate = path.join(storeModules, name, 'package.json');
  if (!existsSync(candidate)) return 'unavailable';
  return (
    (JSON.parse(readFileSync(candidate, 'utf8')) as { version?: string }).version ?? 'unavailable'
  );
}

/**
 * Describes this machine and the libraries in use. `redisVersion` is the server's
 * `redis_version` from `INFO server`, read by the caller.
 *
 * @example
 * ```ts
 * const environment = describeEnvironment({ redisServer: '7.0.15' });
 * ```
 */
export function describeEnvironment(servers: { redisServer: string }): Environment {
  const cpus = os.cpus();
  const versions: Record<string, string> = {
    node: process.versions.node,
    v8: process.versions.v8,
    'redis-server': servers.redisServer,
  };
  for (const name of [
    'xstate',
    'keyv',
    '@keyv/redis',
    'ioredis',
    'grammy',
    '@grammyjs/conversations',
    '@grammyjs/storage-redis',
    'apache-arrow',
    'csv-parse',
    '@chatflow/machines',
    '@chatflow/runtime',
    '@chatflow/adapters',
  ]) {
    versions[name] = packageVersion(name);
  }
  versions['@redis/client'] = nestedVersion('@keyv/redis', '@redis/client');
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    osRelease: os.release(),
    cpus: { model: cpus[0]?.model.trim() ?? 'unknown', count: cpus.length },
    totalMemoryBytes: os.totalmem(),
    versions,
  };
}
