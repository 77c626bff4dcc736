// A kinesalite of the test's own (in this process, in memory) on a free port, and the real AWS
// SDK client settings pointed at it: HTTP/1.1 (kinesalite speaks nothing else), dummy credentials.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import kinesalite from 'kinesalite';
import type { KinesisClientConfig } from '../../src/index.js';

export interface Kinesalite {
  readonly endpoint: string;
  readonly port: number;
  clientConfig(): KinesisClientConfig;
  close(): Promise<void>;
}

export async function startKinesalite(port = 0): Promise<Kinesalite> {
  const server: Server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 10_000 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${actual}`;
  return {
    endpoint,
    port: actual,
    clientConfig: () => clientConfig(endpoint),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function clientConfig(endpoint: string): KinesisClientConfig {
  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 10_000 }),
  };
}
