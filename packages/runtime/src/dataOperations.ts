import type { DatasetInfo } from '@chatflow/machines';
import type { Table } from 'apache-arrow';
import { copyValue } from './copyValue.ts';
import {
  datasetInfoOf,
  isArrowTable,
  tableFromBytes,
  tableToBytes,
  UnreadableDataError,
} from './dataset.ts';
import { DataCorruptError, DataTooLargeError } from './errors.ts';
import { dataStorageKey, normalizeSessionKey, sessionStorageKey } from './keys.ts';
import type { RuntimeCore } from './runtimeCore.ts';
import { retry } from './sessionAccess.ts';
import type { SessionRecord } from './sessionRecord.ts';
import type { SessionKey, StoreDataOptions } from './types.ts';

/**
 * The data operations of a runtime: `storeData` (Arrow IPC bytes under the session,
 * apart from its record, within `maxDataSizeMb`), `getData` (loaded lazily) and
 * `clearData`. Each table gets its own blob key, so a failed record write never leaves
 * the record describing bytes it does not have.
 *
 * @example
 * ```ts
 * const { storeData } = createDataOperations(core);
 * const dataset = await storeData(key, table, { name: 'houses.csv' });
 * ```
 */
export function createDataOperations(core: RuntimeCore) {
  const { access, config, lines, now, policy, sessions, touched, dropBlob, warn } = core;
  const maxDataBytes = Math.floor(config.maxDataSizeMb * 2 ** 20);

  async function storeData(
    input: SessionKey,
    table: Table,
    storeOptions: StoreDataOptions = {},
  ): Promise<DatasetInfo> {
    const key = normalizeSessionKey(input);
    if (!isArrowTable(table)) throw new TypeError('storeData takes an Apache Arrow Table.');
    const bytes = tableToBytes(table);
    if (bytes.byteLength > maxDataBytes)
      throw new DataTooLargeError(bytes.byteLength, maxDataBytes);
    const storageKey = sessionStorageKey(key);
    return lines.run(storageKey, async () => {
      const session = await sessions.requireActive(storageKey, key);
      const info = datasetInfoOf(table, storeOptions.name ?? 'data');
      const dataKey = dataStorageKey(key.userId, session.record.sessionId, info.id);
      await access.call((store) => store.setBytes(dataKey, bytes, { ttlMs: policy.recordTtlMs }));
      let previous: SessionRecord | undefined;
      try {
        await sessions.retrying(async () => {
          const current = await sessions.requireActive(storageKey, key);
          previous = current.record;
          const next: SessionRecord = {
            ...touched(current.record),
            dataset: info,
            dataBytes: bytes.byteLength,
            dataStoredAt: now(),
          };
          return (await sessions.write(current, next)) ? true : retry;
        });
      } catch (error) {
        await access.call((store) => store.deleteBytes(dataKey)).catch(() => false);
        throw error;
      }
      if (previous !== undefined) await dropBlob(previous);
      return copyValue(info);
    });
  }

  async function getData(input: SessionKey) {
    const key = normalizeSessionKey(input);
    const storageKey = sessionStorageKey(key);
    return lines.run(storageKey, async () => {
      const blobOf = async (record: SessionRecord) => {
        if (record.dataset === null) return undefined;
        const dataKey = dataStorageKey(key.userId, record.sessionId, record.dataset.id);
        return access.call((store) => store.getBytes(dataKey), 'read');
      };
      let session = await sessions.requireActive(storageKey, key);
      let bytes = await blobOf(session.record);
      if (bytes === undefined && session.record.dataset !== null && config.trustLiveSessions) {
        // A trusted live session may be behind another runtime that replaced the data
        // (and deleted these bytes): read the record again.
        session.revision = -1;
        session = await sessions.requireActive(storageKey, key);
        bytes = await blobOf(session.record);
      }
      const { dataset } = session.record;
      if (dataset === null) return undefined;
      if (bytes === undefined) {
        warn('chatflow found no data blob for a session that has a data set', key);
        return undefined;
      }
      const corrupt = (reason: string, cause?: unknown) => {
        warn('chatflow found a data blob it cannot read; it is left as it is', key, {
          bytes: bytes.byteLength,
        });
        return new DataCorruptError(
          dataset.id,
          bytes.byteLength,
          reason,
          cause === undefined ? undefined : { cause },
        );
      };
      let table: Table;
      try {
        table = tableFromBytes(bytes);
      } catch (error) {
        if (error instanceof UnreadableDataError) throw corrupt(error.message, error);
        throw error;
      }
      const names = table.schema.fields.map((field) => field.name);
      if (
        table.numRows !== dataset.rowCount ||
        names.length !== dataset.columns.length ||
        names.some((name, j) => name !== dataset.columns[j]?.name)
      ) {
        throw corrupt(
          `it holds ${table.numRows} rows and ${names.length} columns where the data set has ${dataset.rowCount} rows and ${dataset.columns.length} columns`,
        );
      }
      return table;
    });
  }

  async function clearData(input: SessionKey): Promise<void> {
    const key = normalizeSessionKey(input);
    const storageKey = sessionStorageKey(key);
    await lines.run(storageKey, async () => {
      let previous: SessionRecord | undefined;
      await sessions.retrying(async () => {
        const session = await sessions.requireActive(storageKey, key);
        previous = session.record;
        if (session.record.dataset === null) return true;
        const next: SessionRecord = {
          ...touched(session.record),
          dataset: null,
          dataBytes: 0,
          dataStoredAt: null,
        };
        return (await sessions.write(session, next)) ? true : retry;
      });
      if (previous !== undefined) await dropBlob(previous);
    });
  }

  return { storeData, getData, clearData };
}
