import { createHash } from 'node:crypto';

/** A Lua script and its SHA1, for `EVALSHA` with an `EVAL` fallback. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

function luaScript(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * Lua that writes the record hash (ARGV[2] revision, ARGV[3] value), sets its TTL
 * (ARGV[4] in ms, 0: none) and adds ARGV[5] to the index set KEYS[2] when given.
 */
const writeRecordLua = `
redis.call('HSET', KEYS[1], 'rev', ARGV[2], 'val', ARGV[3])
local ttl = tonumber(ARGV[4])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[1], ttl)
else
  redis.call('PERSIST', KEYS[1])
end
if KEYS[2] then
  redis.call('SADD', KEYS[2], ARGV[5])
end
`;

/**
 * Compare-and-set of a record hash, its TTL and its index membership, in one step.
 * The script touches only the keys passed in KEYS, so it runs on a cluster when they
 * share a hash tag.
 *
 * KEYS[1] the record hash; KEYS[2] (optional) the index set.
 * ARGV[1] expected revision (0: absent), ARGV[2] new revision, ARGV[3] value,
 * ARGV[4] TTL in ms (0: none), ARGV[5] index member.
 * Returns 1 when written, 0 on a revision conflict (nothing written).
 */
export const compareAndSetScript: LuaScript = luaScript(`
local current = tonumber(redis.call('HGET', KEYS[1], 'rev') or '0')
if current ~= tonumber(ARGV[1]) then
  return 0
end
${writeRecordLua}
return 1
`);

/**
 * Creates a record where none is, or reads the one that is, in one step. KEYS and ARGV
 * as {@link compareAndSetScript} (ARGV[1] is not used). Returns 1 when written, else
 * the stored `{ rev, val }` (a hash without a value gives an empty one).
 */
export const createOrGetScript: LuaScript = luaScript(`
local stored = redis.call('HMGET', KEYS[1], 'rev', 'val')
if stored[1] then
  return { stored[1], stored[2] or '' }
end
${writeRecordLua}
return 1
`);

/**
 * Deletes a record and removes its index membership, in one step.
 *
 * KEYS[1] the record hash; KEYS[2] (optional) the index set. ARGV[1] index member.
 * Returns the number of records deleted (0 or 1).
 */
export const deleteScript: LuaScript = luaScript(`
local removed = redis.call('DEL', KEYS[1])
if KEYS[2] then
  redis.call('SREM', KEYS[2], ARGV[1])
end
return removed
`);
