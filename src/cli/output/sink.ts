/**
 * Writing command output to a stream with backpressure: write() resolves once the stream can
 * take more, so a producer that awaits it holds at most one page in memory. When the reader
 * goes away (`logagg query … | head`), the sink turns `closed` and swallows further writes, so
 * the command can stop early and exit 0.
 */
import { LogaggError } from '../../errors.js';

export class OutputSink {
  private broken = false;
  private failure: Error | null = null;
  private readonly onError = (e: NodeJS.ErrnoException): void => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') this.broken = true;
    else this.failure = e;
  };

  constructor(private readonly stream: NodeJS.WritableStream) {
    stream.on('error', this.onError);
  }

  /** True once the reader has gone away: nothing more will be written. */
  get closed(): boolean {
    return this.broken;
  }

  async write(text: string): Promise<void> {
    this.check();
    if (this.broken || text === '') return;
    if (this.destroyed()) {
      this.broken = true;
      return;
    }
    if (!this.stream.write(text)) await this.drained();
    this.check();
  }

  /** Waits until everything written has been handed to the OS (or the reader has gone). */
  async flush(): Promise<void> {
    if (this.broken || this.destroyed()) return;
    await new Promise<void>((resolve) => {
      if (!this.stream.write('', () => resolve())) this.drained().then(resolve, resolve);
    });
    this.check();
  }

  dispose(): void {
    this.stream.off('error', this.onError);
  }

  private check(): void {
    if (this.failure) throw new LogaggError('INTERNAL', `writing the output failed: ${this.failure.message}`, { cause: this.failure });
  }

  /** A destroyed stream emits nothing more: waiting on it would wait forever. */
  private destroyed(): boolean {
    return (this.stream as { destroyed?: boolean }).destroyed === true;
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      if (this.destroyed()) {
        resolve();
        return;
      }
      const done = (): void => {
        this.stream.off('drain', done);
        this.stream.off('close', done);
        this.stream.off('error', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('close', done);
      this.stream.on('error', done);
    });
  }
}
