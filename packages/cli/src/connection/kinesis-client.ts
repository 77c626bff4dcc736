import type { KinesisClientConfig } from '@mqkit/kinesis';
import { CliError, ExitCode } from '../exit-codes.js';

/**
 * Settings for the Kinesis client from `--kinesis-endpoint` / `--region` (credentials from the
 * AWS SDK's usual chain: environment, profile, instance role). HTTP/1.1 through
 * `@smithy/node-http-handler`, which AWS and emulators (kinesalite) both speak. `undefined`
 * when neither flag nor AWS_REGION is given: commands then work without Kinesis where they can.
 */
export async function kinesisClientConfig(endpoint: string | undefined, region: string | undefined): Promise<KinesisClientConfig | undefined> {
  const r = region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (endpoint === undefined && r === undefined) return undefined;
  let NodeHttpHandler: new (options: Record<string, unknown>) => unknown;
  try {
    ({ NodeHttpHandler } = (await import('@smithy/node-http-handler')) as unknown as { NodeHttpHandler: typeof NodeHttpHandler });
  } catch (error) {
    throw new CliError(ExitCode.Usage, 'Kinesis access needs @aws-sdk/client-kinesis and @smithy/node-http-handler: npm install both', { cause: error });
  }
  return {
    region: r ?? 'us-east-1',
    ...(endpoint === undefined ? {} : { endpoint }),
    maxAttempts: 2,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 3_000, requestTimeout: 10_000 }),
  };
}
