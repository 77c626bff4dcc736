// `mqkit dlq` and `mqkit stats` against the local Postgres (through @mqkit/prisma, --postgres-url):
// dead letters made by a real consumer, listed, filtered, replayed and processed again, purged.
import { createQueue, PermanentError, type Queue } from '@mqkit/core';
import { prisma } from '@mqkit/prisma';
import { until } from '@mqkit/testkit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgPrismaClient } from '../src/connection/pg-client.js';
import { json, mqkit, startMqkit } from './support/mqkit.js';
import { DATABASE_URL, unique } from './support/servers.js';

const schema = unique('dlq');
const QUEUE = 'emails';
let queue: Queue;
let closeClient: () => Promise<void>;
const byType: Record<string, string[]> = { welcome: [], invoice: [] };

const cli = (...args: string[]) => mqkit([...args, '--queue', QUEUE, '--postgres-url', DATABASE_URL, '--schema', schema]);

interface Row {
  id: string;
  type: string;
  error: string;
}

beforeAll(async () => {
  const { client, close } = await pgPrismaClient(DATABASE_URL);
  closeClient = close;
  queue = await createQueue({ provider: prisma({ client, schema }) });
  const { ids } = await queue.publish(QUEUE, [0, 1, 2, 3, 4].map((n) => ({ type: n % 2 === 0 ? 'welcome' : 'invoice', payload: { n } })));
  ids.forEach((id, n) => byType[n % 2 === 0 ? 'welcome' : 'invoice']!.push(id));
  // Every message fails permanently: welcome ones with "smtp refused", invoices with "card declined".
  for (let i = 0; i < ids.length; i++) {
    const r = await queue.pull(QUEUE, (messages) => {
      throw new PermanentError(messages[0]!.type === 'welcome' ? 'smtp refused' : 'card declined');
    }, { max: 1 });
    expect(r.deadLettered).toBe(1);
  }
});

afterAll(async () => {
  await queue?.close({ timeoutMs: 2_000 });
  await closeClient?.();
  const c = new pg.Client({ connectionString: DATABASE_URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await c.end();
});

describe('mqkit dlq on Postgres', () => {
  it('list --json is every dead letter, and the filters narrow it (type, error text, time range, limit)', async () => {
    const all = json<Row[]>(await cli('dlq', 'list', '--json'));
    expect(all.map((r) => r.id).sort()).toEqual([...byType.welcome!, ...byType.invoice!].sort());
    expect(json<Row[]>(await cli('dlq', 'list', '--json', '--type', 'invoice')).map((r) => r.id).sort()).toEqual([...byType.invoice!].sort());
    expect(json<Row[]>(await cli('dlq', 'list', '--json', '--error', 'SMTP')).map((r) => r.id).sort()).toEqual([...byType.welcome!].sort());
    expect(json<Row[]>(await cli('dlq', 'list', '--json', '--since', new Date(Date.now() + 60_000).toISOString()))).toEqual([]);
    expect(json<Row[]>(await cli('dlq', 'list', '--json', '--until', new Date(Date.now() + 60_000).toISOString()))).toHaveLength(5);
    expect(json<Row[]>(await cli('dlq', 'list', '--json', '--limit', '2'))).toHaveLength(2);
    const table = await cli('dlq', 'list');
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('card declined');
  });

  it('show <id> prints the whole letter; an unknown id is exit 1', async () => {
    const id = byType.invoice![0]!;
    const letter = json<{ message: { id: string; payload: unknown }; error: { message: string } }>(await cli('dlq', 'show', id, '--json'));
    expect(letter.message).toMatchObject({ id, payload: { n: 1 } });
    expect(letter.error.message).toContain('card declined');
    expect((await cli('dlq', 'show', 'no-such-id')).code).toBe(1);
  });

  it('purge without --yes and without a terminal refuses (exit 4) and deletes nothing; --dry-run changes nothing', async () => {
    const refused = await cli('dlq', 'purge');
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/not confirmed.*pass --yes/);
    const dry = json<{ dryRun: boolean; count: number }>(await cli('dlq', 'purge', '--dry-run', '--json'));
    expect(dry).toMatchObject({ dryRun: true, count: 5 });
    expect((await queue.stats(QUEUE)).deadLettered).toBe(5);
  });

  it('replay --type brings those messages back, in pages, and a consumer processes them', async () => {
    const r = await mqkit(['dlq', 'replay', '--queue', QUEUE, '--postgres-url', DATABASE_URL, '--schema', schema, '--type', 'welcome', '--yes', '--json', '--page-size', '2']);
    expect(json(r)).toEqual({ action: 'replay', queue: QUEUE, selected: 3, replayed: 3 });
    const processed: string[] = [];
    await until(async () => {
      await queue.pull(QUEUE, (messages) => void processed.push(...messages.map((m) => m.id)), { max: 10 });
      return processed.length >= 3;
    }, 20_000, () => `the replayed messages processed (got ${processed.join(', ')})`);
    expect(processed.sort()).toEqual([...byType.welcome!].sort());
    expect(json<Row[]>(await cli('dlq', 'list', '--json')).map((r) => r.id).sort()).toEqual([...byType.invoice!].sort());
  });

  it('stats --json reads the provider figures; --watch prints one JSON line per interval until Ctrl-C, then exits 0', async () => {
    expect(json(await cli('stats', '--json'))).toMatchObject({ queue: QUEUE, ready: 0, inFlight: 0, deadLettered: 2 });
    const watching = startMqkit(['stats', '--queue', QUEUE, '--postgres-url', DATABASE_URL, '--schema', schema, '--json', '--watch', '0.2']);
    await until(() => watching.stdout().split('\n').filter(Boolean).length >= 2, 20_000, 'two stats lines');
    watching.child.kill('SIGINT');
    const done = await watching.done;
    expect(done.code).toBe(0);
    for (const line of done.stdout.split('\n').filter(Boolean)) expect(JSON.parse(line)).toMatchObject({ queue: QUEUE, deadLettered: 2 });
  });

  it('purge --yes --error deletes only the matching letters', async () => {
    expect(json(await cli('dlq', 'purge', '--error', 'card declined', '--yes', '--json'))).toEqual({ action: 'purge', queue: QUEUE, selected: 2, purged: 2 });
    expect((await queue.stats(QUEUE)).deadLettered).toBe(0);
  });
});
