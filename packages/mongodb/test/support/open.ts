// Opening queues on a test database for one test file: each on a client of its own, closed (and
// the databases dropped) after each test.
import { createQueue, type Queue, type QueueConfig } from '@mqkit/core';
import type { MongoClient } from 'mongodb';
import { afterEach } from 'vitest';
import { mongodb, type MongoOptions, type MongoProvider } from '../../src/index.js';
import { dropDatabase, newClient } from './server.js';

const opened: Array<{ queue: Queue; client: MongoClient }> = [];
const databases = new Map<string, string>();

afterEach(async () => {
  const all = opened.splice(0);
  await Promise.all(all.map(({ queue }) => queue.close({ timeoutMs: 500 })));
  await Promise.all(all.map(({ client }) => client.close()));
  for (const [name, url] of databases) await dropDatabase(url, name);
  databases.clear();
});

/** A queue on a new provider (a new MongoClient) on database `name`, closed (and the database dropped) after the test. */
export async function open(url: string, name: string, options: Partial<MongoOptions> = {}, config: Omit<QueueConfig, 'provider'> = {}): Promise<{ queue: Queue; provider: MongoProvider; client: MongoClient }> {
  const client = newClient(url);
  const provider = mongodb({ db: client.db(name), ...options });
  databases.set(name, url);
  let queue: Queue;
  try {
    queue = await createQueue({ ...config, provider });
  } catch (error) {
    await client.close();
    throw error;
  }
  opened.push({ queue, client });
  return { queue, provider, client };
}

export { thrownBy } from '@mqkit/testkit';
