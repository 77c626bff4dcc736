// A kinesalite of the test's own (in this process, in memory) on a free port, and the real AWS
// SDK client settings pointed at it: HTTP/1.1 (kinesalite speaks nothing else), dummy credentials.
// kinesalite and @smithy/node-http-handler are loaded when this is called (optional peers: only
// suites that test against Kinesis install them).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Kinesalite {
  readonly endpoint: string;
  readonly port: number;
  /** Settings for `new KinesisClient(…)` (and `kinesis({ clientConfig })`) reaching this server. */
  clientConfig(): KinesaliteClientConfig;
  close(): Promise<void>;
}

export interface KinesaliteClientConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly requestHandler: unknown;
  readonly [key: string]: unknown;
}

export async function startKinesalite(port = 0): Promise<Kinesalite> {
  const { default: kinesalite } = await import('kinesalite');
  const { NodeHttpHandler } = await import('@smithy/node-http-handler');
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
    clientConfig: () => ({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 10_000 }),
    }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
