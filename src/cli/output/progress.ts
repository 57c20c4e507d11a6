/**
 * Progress of a long operation on stderr (stdout stays for results). On a terminal: a
 * cli-progress bar redrawn in place; otherwise (a log file, CI) a plain line at most every
 * `everyMs`, and a last one at the end, so logs stay readable.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** Work done so far (absolute), out of the total given at start. */
  update(done: number): void;
  /** Grows the total when more work is found. */
  setTotal(total: number): void;
  stop(): void;
}

export interface ProgressOptions {
  stream: NodeJS.WriteStream;
  label: string;
  /** What is counted, e.g. "rows", "messages". */
  unit: string;
  total: number;
  /** Plain mode: least time between two lines, ms. */
  everyMs?: number;
  /** Plain mode clock, epoch ms. */
  now?: () => number;
}

export function createProgress(opts: ProgressOptions): Progress {
  return opts.stream.isTTY ? barProgress(opts) : plainProgress(opts);
}

function barProgress(opts: ProgressOptions): Progress {
  const bar = new cliProgress.SingleBar(
    {
      stream: opts.stream,
      format: `${opts.label} [{bar}] {percentage}% | {value}/{total} ${opts.unit} | ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(opts.total, 0);
  let stopped = false;
  return {
    update: (done) => bar.update(done),
    setTotal: (total) => bar.setTotal(total),
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}

function plainProgress(opts: ProgressOptions): Progress {
  const every = opts.everyMs ?? 1000;
  const now = opts.now ?? Date.now;
  let total = opts.total;
  let done = 0;
  let last = now();
  let printed = -1;
  let stopped = false;
  const print = (): void => {
    printed = done;
    const pct = total > 0 ? ` (${Math.min(100, Math.floor((done / total) * 100))}%)` : '';
    opts.stream.write(`${opts.label}: ${done}/${total} ${opts.unit}${pct}\n`);
  };
  return {
    update(d) {
      done = d;
      const t = now();
      if (t - last >= every) {
        last = t;
        print();
      }
    },
    setTotal(t) {
      total = t;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (printed !== done || done === 0) print();
    },
  };
}
