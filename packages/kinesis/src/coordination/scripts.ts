import { createHash } from 'node:crypto';
import adminCheckpoint from './lua/admin-checkpoint.lua';
import adminRelease from './lua/admin-release.lua';
import assign from './lua/assign.lua';
import finish from './lua/finish.lua';
import heartbeat from './lua/heartbeat.lua';
import lib from './lua/lib.lua';
import mark from './lua/mark.lua';
import release from './lua/release.lua';
import removeDead from './lua/remove-dead.lua';
import reserveIds from './lua/reserve-ids.lua';
import settle from './lua/settle.lua';
import sync from './lua/sync.lua';
import unlock from './lua/unlock.lua';
import type { RedisLike } from './redis-like.js';

/** A script with its helpers prepended, and its SHA1 for EVALSHA. */
export interface Script {
  readonly name: string;
  readonly keys: number;
  readonly source: string;
  readonly sha: string;
}

function script(name: string, keys: number, body: string): Script {
  const source = `${lib}\n${body}`;
  return { name, keys, source, sha: createHash('sha1').update(source).digest('hex') };
}

/** Every script, by name, with the number of KEYS its header documents. */
export const SCRIPTS = {
  assign: script('assign', 6, assign),
  heartbeat: script('heartbeat', 2, heartbeat),
  mark: script('mark', 2, mark),
  settle: script('settle', 6, settle),
  release: script('release', 5, release),
  finish: script('finish', 6, finish),
  sync: script('sync', 2, sync),
  reserveIds: script('reserve-ids', 1, reserveIds),
  removeDead: script('remove-dead', 2, removeDead),
  unlock: script('unlock', 1, unlock),
  adminCheckpoint: script('admin-checkpoint', 5, adminCheckpoint),
  adminRelease: script('admin-release', 4, adminRelease),
} as const;

export type ScriptName = keyof typeof SCRIPTS;

/**
 * Runs a script by EVALSHA; the first time a server does not know it (NOSCRIPT: a new server, a
 * restarted one, a failover), EVAL sends it once, which also loads it into the server's cache.
 */
export async function runScript(redis: RedisLike, s: Script, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
  if (keys.length !== s.keys) throw new Error(`[mqkit] [kinesis] script ${s.name} takes ${s.keys} keys, got ${keys.length}`);
  try {
    return await redis.evalsha(s.sha, s.keys, ...keys, ...args);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('NOSCRIPT')) return redis.eval(s.source, s.keys, ...keys, ...args);
    throw error;
  }
}
