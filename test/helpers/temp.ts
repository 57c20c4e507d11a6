// Temporary directories and deferred cleanup for tests.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, onTestFinished } from 'vitest';

type Cleanup = () => unknown;

// Cleanups registered outside a running test (module level, describe bodies, beforeAll): run
// after the file's last test, newest first. Test files run isolated (vitest's default), so this
// module, and this afterAll, are evaluated once per test file, while the file is collected.
const fileCleanups: Cleanup[] = [];
afterAll(async () => {
  const errors: unknown[] = [];
  for (const fn of fileCleanups.splice(0).reverse()) {
    try {
      await fn();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, `${errors.length} file cleanup(s) failed`);
});

/**
 * Runs `fn` when the current test finishes; called outside a test (module level, describe
 * body, beforeAll), when the file's tests are done.
 */
export function deferCleanup(fn: Cleanup): void {
  try {
    onTestFinished(async () => {
      await fn();
    });
  } catch {
    // onTestFinished throws when no test is running.
    fileCleanups.push(fn);
  }
}

/** A new empty directory under the OS temp dir, removed after the test (or the file; see deferCleanup). */
export function tempDir(prefix = 'logagg-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  deferCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
