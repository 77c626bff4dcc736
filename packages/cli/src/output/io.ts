import { createInterface } from 'node:readline/promises';

/** Where a command writes, and whether a person is there to answer a question. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** stdin and stderr are terminals: a question can be asked, a progress bar drawn. */
  readonly interactive: boolean;
  ask(question: string): Promise<string>;
}

export function processIo(): Io {
  return {
    out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
    async ask(question) {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
  };
}
