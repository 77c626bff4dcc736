// The delayed-message timer: one timer at the earliest runAt (no polling), re-armed for sooner messages, stopped by close().
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createQueue, type OutgoingMessage, type Queue } from '@mqkit/core';
import { Deliveries, delay, uniqueQueueName, until, within } from '@mqkit/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { memory } from '../src/index.js';

const opened: Queue[] = [];
const children: ChildProcess[] = [];

async function open(): Promise<Queue> {
  const queue = await createQueue({ provider: memory() });
  opened.push(queue);
  return queue;
}

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(opened.splice(0).map((queue) => queue.close({ timeoutMs: 100 })));
});

const TEN_MINUTES = 600_000;

function farOff(n: number, tag: string): OutgoingMessage[] {
  return Array.from({ length: n }, (_, i) => ({ payload: `${tag}-${i}`, delayMs: TEN_MINUTES }));
}

/**
 * A child Node.js process running `body` (an ES module). It loads the provider from this package's
 * built dist/ — the same build `@mqkit/core` is imported from, made by `turbo run build` before the tests.
 */
function runNode(body: string): { readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; stdout(): string; stderr(): string } {
  const memoryDist = new URL('../dist/index.js', import.meta.url).href;
  const code = [`const { createQueue } = await import('@mqkit/core');`, `const { memory } = await import(${JSON.stringify(memoryDist)});`, body].join('\n');
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { exited, stdout: () => stdout, stderr: () => stderr };
}

const PUBLISH_AN_HOUR_AHEAD = `
const queue = await createQueue({ provider: memory() });
queue.consume('delayed', () => undefined);
await queue.publish('delayed', { payload: 'in an hour', delayMs: 3_600_000 });
console.log('published');
`;

describe('the delay timer', () => {
  it('a message due sooner than hundreds of far-off delayed messages is delivered on time', async () => {
    const name = uniqueQueueName('delay');
    const queue = await open();
    const seen = new Deliveries();
    queue.consume(name, seen.processor());
    await queue.publish(name, farOff(200, 'before'));
    const { ids: [soonId] } = await queue.publish(name, { payload: 'soon', delayMs: 150 });
    await queue.publish(name, farOff(200, 'after'));
    await until(() => seen.count(soonId!) === 1, 5_000, 'the soon message delivered');
    const soon = seen.of(soonId!)[0]!;
    expect(soon.at, 'not before its runAt').toBeGreaterThanOrEqual(soon.message.runAt);
    expect(soon.at - soon.message.runAt, 'on time (generous bound)').toBeLessThan(1_000);
    expect(seen.all.length, 'none of the far-off ones').toBe(1);
    expect(await queue.stats(name)).toMatchObject({ ready: 0, delayed: 400 });
  });

  it('a delayed message published after a later one is delivered at its own time, not when the later one comes due, and the later one follows at its time', async () => {
    const name = uniqueQueueName('delay');
    const queue = await open();
    const seen = new Deliveries();
    queue.consume(name, seen.processor());
    const { ids: [laterId] } = await queue.publish(name, { payload: 'later', delayMs: 800 });
    const { ids: [soonerId] } = await queue.publish(name, { payload: 'sooner', delayMs: 50 });
    await until(() => seen.count(soonerId!) === 1, 5_000, 'the sooner message delivered');
    const sooner = seen.of(soonerId!)[0]!;
    await until(() => seen.count(laterId!) === 1, 5_000, 'the later message delivered');
    const later = seen.of(laterId!)[0]!;
    expect(sooner.at).toBeGreaterThanOrEqual(sooner.message.runAt);
    expect(sooner.at, 'the sooner one did not wait for the timer of the later one').toBeLessThan(later.message.runAt);
    expect(later.at).toBeGreaterThanOrEqual(later.message.runAt);
    expect(seen.all.map((d) => d.message.payload)).toEqual(['sooner', 'later']);
  });

  it('closing the last provider stops its timers: a process with a message delayed an hour exits after close()', async () => {
    const child = runNode(`${PUBLISH_AN_HOUR_AHEAD}\nawait queue.close();\nconsole.log('closed');`);
    const { code, signal } = await within(child.exited, 10_000, 'the child process exits by itself after close()');
    expect(child.stderr()).toBe('');
    expect(child.stdout()).toContain('closed');
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });

  it('while a provider is open, a message delayed an hour keeps the process alive', async () => {
    const child = runNode(PUBLISH_AN_HOUR_AHEAD);
    let exited = false;
    void child.exited.then(() => (exited = true));
    await until(() => child.stdout().includes('published') || exited, 10_000, 'the child to publish');
    expect(child.stderr()).toBe('');
    await delay(1_000); // proving that something does not happen: the process does not exit on its own
    expect(exited, 'the pending delay timer keeps the process running').toBe(false);
  });
});
