/** A promise with its resolve function outside, to hold a processor until the test lets it go. */
export interface Deferred<T = void> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  readonly settled: boolean;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let settled = false;
  const promise = new Promise<T>((r) => (resolve = r));
  return {
    promise,
    resolve(value: T) {
      settled = true;
      resolve(value);
    },
    get settled() {
      return settled;
    },
  };
}
