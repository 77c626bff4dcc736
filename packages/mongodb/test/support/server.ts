// The MongoDB the server tests use: MONGODB_URL, else one testcontainers starts when a Docker
// engine answers (and @testcontainers/mongodb is installed: it is not a dependency of this repo,
// because it pulls native builds at install). When neither is there, every server test registers
// as skipped with the reason this module gives — never as passed.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';

export type Server = { readonly ok: true; readonly url: string; readonly replicaSet: boolean } | { readonly ok: false; readonly reason: string };

let found: Promise<Server> | undefined;

/** The server for this test file (looked for once), or why there is none. */
export function reachable(): Promise<Server> {
  return (found ??= find());
}

/** A describe/suite name: `what`, with " — skipped: <reason>" when there is no server. */
export { suiteName as named } from '@mqkit/testkit';

async function find(): Promise<Server> {
  const url = process.env.MONGODB_URL;
  if (url !== undefined && url !== '') return probe(url, `MONGODB_URL=${redact(url)}`);
  const docker = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 5_000 });
  if (docker.status !== 0) {
    const why = (docker.error?.message ?? docker.stderr ?? '').trim().split('\n')[0] || `exit ${docker.status}`;
    return { ok: false, reason: `no MongoDB: MONGODB_URL is not set and no Docker engine answers (docker info: ${why}), so testcontainers cannot start one; set MONGODB_URL (a replica set, e.g. mongodb://127.0.0.1:27017/?replicaSet=rs0) to run these tests` };
  }
  return fromTestcontainers();
}

const TESTCONTAINERS = '@testcontainers/mongodb';

/** A one-node replica set in Docker (what @testcontainers/mongodb starts), stopped when the test process exits. */
async function fromTestcontainers(): Promise<Server> {
  let mod: { MongoDBContainer: new (image: string) => { start(): Promise<{ getConnectionString(): string; stop(): Promise<unknown> }> } };
  try {
    mod = (await import(TESTCONTAINERS)) as typeof mod;
  } catch {
    return { ok: false, reason: 'no MongoDB: MONGODB_URL is not set; a Docker engine answers, but @testcontainers/mongodb is not installed (not a dependency here: it pulls native builds); install it or set MONGODB_URL' };
  }
  try {
    const container = await new mod.MongoDBContainer(process.env.MONGODB_IMAGE ?? 'mongo:8').start();
    process.once('beforeExit', () => void container.stop());
    return probe(`${container.getConnectionString()}?directConnection=true`, 'the testcontainers MongoDB');
  } catch (error) {
    return { ok: false, reason: `no MongoDB: testcontainers could not start one (${error instanceof Error ? error.message : String(error)}); set MONGODB_URL` };
  }
}

async function probe(url: string, what: string): Promise<Server> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 3_000 });
  try {
    const hello = await client.db('admin').command({ hello: 1 });
    return { ok: true, url, replicaSet: typeof hello.setName === 'string' || hello.msg === 'isdbgrid' };
  } catch (error) {
    return { ok: false, reason: `no MongoDB: ${what} did not answer (${error instanceof Error ? error.message : String(error)})` };
  } finally {
    await client.close().catch(() => undefined);
  }
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

let counter = 0;
const run = randomBytes(3).toString('hex');

/** A database name no other test uses (dropped after it). */
export function uniqueDatabase(prefix = 't'): string {
  return `mqkit_${prefix}_${run}_${process.pid.toString(36)}_${(++counter).toString(36)}`;
}

/** A client of its own: a "process" with its own pool. */
export function newClient(url: string, poolSize = 5): MongoClient {
  return new MongoClient(url, { maxPoolSize: poolSize, serverSelectionTimeoutMS: 5_000 });
}

export async function dropDatabase(url: string, name: string): Promise<void> {
  const client = newClient(url, 1);
  try {
    await client.db(name).dropDatabase();
  } finally {
    await client.close();
  }
}
