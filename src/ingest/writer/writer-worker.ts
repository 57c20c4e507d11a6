/**
 * The writer thread: opens the writer connection (the database is already created and migrated
 * by the main thread) and stores each job in one transaction, in the order received.
 */
import type { MessagePort } from 'node:worker_threads';
import { storeOptionsFromConfig } from '../../store/store-options.js';
import { toWireError } from '../../runtime/thread-rpc.js';
import { LogWriter } from '../../store/log-writer.js';
import { openStore, type Store } from '../../store/store.js';
import { runCommitJob } from '../commit-job.js';
import type { FromWriter, ToWriter, WriterWorkerData } from './protocol.js';

export function runWriterWorker(data: WriterWorkerData, port: MessagePort): void {
  const send = (m: FromWriter): void => port.postMessage(m);
  let store: Store;
  let writer: LogWriter;
  try {
    store = openStore(data.storage.path, { ...storeOptionsFromConfig({ storage: data.storage }), cacheMb: data.storage.writer_cache_mb });
    writer = new LogWriter(store);
  } catch (e) {
    send({ type: 'failed', error: toWireError(e) });
    port.close();
    return;
  }
  port.on('message', (m: ToWriter) => {
    if (m.type === 'close') {
      store.close();
      send({ type: 'closed' });
      port.close();
      return;
    }
    try {
      send({ type: 'done', id: m.id, ok: true, result: runCommitJob(writer, m.job, data.outbox) });
    } catch (e) {
      send({ type: 'done', id: m.id, ok: false, error: toWireError(e) });
    }
  });
  send({ type: 'ready' });
}
