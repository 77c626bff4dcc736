import type { Message } from '../contracts/message.js';
import type { Processor, ProcessorContext, ProcessorResult } from '../contracts/processor.js';

/*
 * Lets core tell whether a call comes from inside a processor (`consumer.stop()` awaited by the
 * processor it would wait for). Processors are called and awaited by the two functions below,
 * whose names V8 puts in every stack trace taken inside the processor's code — synchronously or
 * after any number of awaits (V8's zero-cost async stack traces follow the await and then chains).
 * Costs nothing until asked; asking takes one stack trace. Do not rename them without the test.
 */

const FRAMES = /\bmqkit(?:Invoke|Await)Processor\b/;

/** Calls `processor` (its synchronous part runs under this frame). */
export function mqkitInvokeProcessor(processor: Processor, messages: readonly Message[], ctx: ProcessorContext): ReturnType<Processor> {
  return processor(messages, ctx);
}

/** Where {@link mqkitAwaitProcessor} puts a processor's answer: its value, or what it threw. */
export interface ProcessorAnswer {
  answer: unknown;
  threw: boolean;
}

/**
 * Awaits a processor's promise (its code after each await runs under this frame), puts the
 * answer on `to` and resolves to `to`. Nothing else runs under this frame: what the caller does
 * with the answer must not look like the processor's own code to `calledFromProcessor` (listeners
 * may call `consumer.stop()`), so the caller reads it in a `then` of the promise returned here —
 * one handler for all runs, instead of two closures per run.
 */
export async function mqkitAwaitProcessor<T extends ProcessorAnswer>(result: PromiseLike<ProcessorResult>, to: T): Promise<T> {
  try {
    to.answer = await result;
  } catch (error) {
    to.answer = error;
    to.threw = true;
  }
  return to;
}

/** True when the caller runs inside a processor's call chain. */
export function calledFromProcessor(): boolean {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 200;
  try {
    return FRAMES.test(new Error().stack ?? '');
  } finally {
    Error.stackTraceLimit = limit;
  }
}
