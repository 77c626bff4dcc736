import { relative } from 'node:path';
import type { Reporter, SerializedError, TestModule } from 'vitest/node';

/**
 * Ends the run with one machine-readable line, alone on its line:
 *
 *     tests: 12 passed, 0 failed, 3 skipped
 *
 * CI reads exactly that shape. Before it, when any test was skipped, it lists the skipped tests by
 * full name (conformance cases carry their skip reason in the name) and any `ctx.skip(note)` note.
 *
 * `failed` counts failed tests, plus each test file that failed without a failing test (it did not
 * import, or a hook threw), plus each unhandled error: a run that failed never reports `0 failed`.
 * `skipped` includes `todo` tests.
 */
export default class SummaryReporter implements Reporter {
  async onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): Promise<void> {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const skippedNames: string[] = [];
    for (const module of testModules) {
      let failedHere = 0;
      for (const test of module.children.allTests()) {
        const result = test.result();
        if (result.state === 'passed') passed++;
        else if (result.state === 'failed') failedHere++;
        else if (result.state === 'skipped') {
          skipped++;
          const where = `${test.project.name ? `[${test.project.name}] ` : ''}${relative(process.cwd(), test.module.moduleId)}`;
          skippedNames.push(`  ${where} > ${test.fullName}${result.note ? ` (${result.note})` : ''}`);
        }
      }
      if (failedHere === 0 && (module.state() === 'failed' || module.errors().length > 0)) failedHere = 1;
      failed += failedHere;
    }
    failed += unhandledErrors.length;

    // The built-in reporters print their failure summary right after this hook returns (in
    // `onFinished`); yield once so this line comes after it, as the last line of the run.
    await new Promise((resolve) => setImmediate(resolve));
    const out: string[] = [''];
    if (skippedNames.length > 0) out.push(`skipped tests (${skippedNames.length}):`, ...skippedNames, '');
    out.push(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
    process.stdout.write(`${out.join('\n')}\n`);
  }
}
