import type { Logger } from '../logger.js';

/**
 * First SIGINT/SIGTERM: graceful stop (finish the batch in flight, commit, close).
 * Second: exit at once with 130 — the database is consistent at every instant, so nothing
 * is lost; the unfinished batch is read again on the next start.
 */
export function onShutdown(logger: Logger, stop: (signal: string) => Promise<void>): () => void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn('second signal: exiting now', { signal });
      process.exit(130);
    }
    stopping = true;
    logger.info('stopping (send the signal again to exit at once)', { signal });
    stop(signal).catch((e: unknown) => {
      logger.error('error while stopping', { err: e });
      process.exitCode = 1;
    });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/**
 * Runs until SIGINT/SIGTERM, then stops. When `fatal` rejects first (a part of the process
 * died, e.g. the API thread of `serve`), stops the same way and rejects with its error: the
 * command exits non-zero and the supervisor restarts it.
 */
export async function runUntilSignal(stop: () => Promise<void>, logger: Logger, fatal?: Promise<never>): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const off = onShutdown(logger, async () => {
      try {
        await stop();
        resolve();
      } catch (e) {
        reject(e);
      }
    });
    fatal?.catch(async (e: unknown) => {
      off();
      try {
        await stop();
      } catch (stopError) {
        logger.error('error while stopping', { err: stopError });
      }
      reject(e);
    });
  });
}
