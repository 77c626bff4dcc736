import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { freePort } from '@mqkit/testkit';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';

const require = createRequire(import.meta.url);

/** An emulator (kinesalite, dynalite) in a child process of its own: its CPU is not the client's. */
export interface Emulator {
  readonly endpoint: string;
  stop(): Promise<void>;
}

async function start(cli: string, args: readonly string[]): Promise<Emulator> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [cli, '--port', String(port), ...args], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    const up = await fetch(endpoint, { method: 'POST' }).then(
      () => true,
      () => false,
    );
    if (up) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

export function startKinesalite(): Promise<Emulator> {
  return start(require.resolve('kinesalite/cli.js'), ['--createStreamMs', '0', '--deleteStreamMs', '0', '--updateStreamMs', '0', '--shardLimit', '10000']);
}

export function startDynalite(): Promise<Emulator> {
  return start(require.resolve('dynalite/cli.js'), ['--createTableMs', '0', '--deleteTableMs', '0', '--updateTableMs', '0']);
}

export function clientConfig(endpoint: string): { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string }; requestHandler: NodeHttpHandler } {
  return { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' }, requestHandler: new NodeHttpHandler() };
}

export async function createStream(client: KinesisClient, stream: string, shards: number): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName: stream, ShardCount: shards }));
  for (;;) {
    const s = await client.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
    if (s.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
