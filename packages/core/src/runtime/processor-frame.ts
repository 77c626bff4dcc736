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

/** Told a processor's answer: its value, or what it threw. */
export interface ProcessorAnswerSink {
  answered(answer: unknown, threw: boolean): void;
}

/**
 * Core's own code running under a processor's frame: the answer handling that
 * {@link mqkitAwaitProcessor} calls (how many levels deep). What runs then — core, a provider's
 * settle, a lifecycle listener they call — is not the processor, whatever the stack says.
 */
let handlingAnswer = 0;

/**
 * Awaits a processor's promise (its code after each await runs under this frame) and hands the
 * answer to `sink` at once, still under this frame: one continuation per claim instead of another
 * promise and `then` to leave the frame first. {@link calledFromProcessor} knows that code is
 * not the processor's.
 */
export async function mqkitAwaitProcessor(result: PromiseLike<ProcessorResult>, sink: ProcessorAnswerSink): Promise<void> {
  let answer: unknown;
  let threw = false;
  try {
    answer = await result;
  } catch (error) {
    answer = error;
    threw = true;
  }
  handlingAnswer++;
  try {
    sink.answered(answer, threw);
  } finally {
    handlingAnswer--;
  }
}

/** True when the caller runs inside a processor's call chain. */
export function calledFromProcessor(): boolean {
  if (handlingAnswer > 0) return false;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 200;
  try {
    return FRAMES.test(new Error().stack ?? '');
  } finally {
    Error.stackTraceLimit = limit;
  }
}
