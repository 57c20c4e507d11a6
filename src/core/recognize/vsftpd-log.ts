import type { DecodeContext, Draft } from '../decode/draft.js';
import { claim } from '../decode/draft.js';
import type { LineRecognizer } from './line-recognizer.js';

/**
 * vsftpd's own log file (vsftpd.log, `xferlog_std_format=NO`): a ctime stamp, then
 * `[pid N]` — `Fri Jan 13 16:22:28 2023 [pid 1617] [alice] FAIL LOGIN: Client "::ffff:10.0.0.1"`.
 * The stamp has no zone: UTC. The rest is the message, read by the vsftpd program decoder.
 */
const LINE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([ \d]\d) (\d\d):(\d\d):(\d\d) (\d{4}) (?=\[pid (\d{1,10})\] )/;
const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';

export const vsftpdLog: LineRecognizer = {
  name: 'vsftpd-log',
  recognize(text: string, draft: Draft, _ctx: DecodeContext): boolean {
    const c = text.charCodeAt(0);
    if (c !== 77 && c !== 84 && c !== 87 && c !== 70 && c !== 83) return false; // M T W F S
    const m = LINE.exec(text);
    if (m === null) return false;
    const [, mon, day, hh, mm, ss, year, pid] = m;
    const ts = Date.UTC(Number(year), MONTHS.indexOf(mon!) / 3, Number(day), Number(hh), Number(mm), Number(ss));
    if (!Number.isFinite(ts)) return false;
    draft.ts = ts;
    draft.process = 'vsftpd';
    const p = Number(pid);
    if (p <= 2 ** 31 - 1) draft.pid = p;
    draft.message = text.slice(m[0].length);
    claim(draft, 'vsftpd-log');
    return true;
  },
};
