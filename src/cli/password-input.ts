/**
 * Reading a new password for `logagg user add|passwd`: typed twice at a terminal without echo,
 * or one line on stdin (--password-stdin, for scripts: `printf '%s\n' "$PW" | logagg user add …`).
 * Never from a flag: argv is visible to every user of the machine (ps) and kept in shell history.
 */
import { LogaggError } from '../errors.js';

/** Longest line read from stdin; a password is far shorter, and a runaway pipe must not fill memory. */
const MAX_STDIN_BYTES = 64 * 1024;

/** The first line of stdin, without its line ending. */
export async function passwordFromStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin as AsyncIterable<Buffer | string>) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    chunks.push(b);
    size += b.length;
    if (b.includes(0x0a) || size > MAX_STDIN_BYTES) break;
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const nl = text.indexOf('\n');
  const line = (nl < 0 ? text : text.slice(0, nl)).replace(/\r$/, '');
  if (line === '') throw new LogaggError('USAGE', '--password-stdin: stdin held no password (give it as one line)');
  return line;
}

/** One line typed at the terminal with echo off; Ctrl-C or Ctrl-D abandons. */
function promptHidden(prompt: string, stdin: NodeJS.ReadStream, out: NodeJS.WritableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    // Echo off before the prompt shows: a typist (or a script) may answer at once.
    const wasRaw = stdin.isRaw;
    stdin.setRawMode(true);
    out.write(prompt);
    let value = '';
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (err: Error | null): void => {
      stdin.off('data', onData);
      stdin.setRawMode(wasRaw);
      stdin.pause();
      out.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (data: string): void => {
      for (const ch of data) {
        if (ch === '\r' || ch === '\n') return done(null);
        if (ch === '\u0003' || ch === '\u0004') return done(new LogaggError('USAGE', 'no password given'));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/**
 * The new password: from stdin with --password-stdin, else typed twice at the terminal (they
 * must match). Without a terminal and without --password-stdin it is a usage error, not a hang.
 */
export async function readNewPassword(opts: { stdin: boolean }): Promise<string> {
  if (opts.stdin) return passwordFromStdin();
  const tty = process.stdin as NodeJS.ReadStream;
  if (!tty.isTTY) throw new LogaggError('USAGE', 'stdin is not a terminal: give the password on stdin with --password-stdin');
  const first = await promptHidden('New password: ', tty, process.stderr);
  const second = await promptHidden('Again: ', tty, process.stderr);
  if (first !== second) throw new LogaggError('USAGE', 'the two passwords differ; nothing changed');
  return first;
}
