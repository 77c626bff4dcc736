// Vitest global setup: the generated Prisma client the tests import (see generate-client.mjs).
// @ts-expect-error -- a plain .mjs script (also run by the package's typecheck and lint scripts)
import { generateClient } from './generate-client.mjs';

export default function setup(): void {
  (generateClient as () => void)();
}
