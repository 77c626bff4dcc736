import { DecodeError } from '../errors/decode-error.js';
import { ValidationError } from '../errors/validation-error.js';

/**
 * Encodes a payload as JSON text the way every serializing provider must: a payload that JSON
 * cannot carry (BigInt, a cycle, a function, `undefined`) is refused with a {@link ValidationError}
 * naming `messages[index].payload`, never stored half-right.
 */
export function encodeJsonPayload(payload: unknown, index: number, source?: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(payload);
  } catch (error) {
    throw new ValidationError(
      `messages[${index}].payload`,
      `cannot be serialized as JSON (${error instanceof Error ? error.message : String(error)})`,
      'publish plain JSON data: no BigInt, cycles or class instances with behaviour; convert them first',
      { source, cause: error },
    );
  }
  if (text === undefined) {
    throw new ValidationError(`messages[${index}].payload`, `a ${typeof payload} cannot be serialized as JSON`, 'publish plain JSON data (objects, arrays, strings, numbers, booleans, null)', { source });
  }
  return text;
}

/** Decodes stored JSON text; a corrupt text throws {@link DecodeError} (the consumer dead-letters it). */
export function decodeJsonPayload(text: string, id: string, source?: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new DecodeError(`payload of message ${id} is not valid JSON`, { source, cause: error });
  }
}
