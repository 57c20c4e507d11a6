// `logagg tail` in a real terminal: the built CLI in a tmux pane (skipped when tmux is not
// installed), driven by keys as a person would, read back from the pane.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { deferCleanup } from '../helpers/temp.js';
import { events, sleep, tailDb, until } from '../tui/tail-fixtures.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe.skipIf(!hasTmux)('logagg tail in a terminal (tmux)', () => {
  test('renders, follows, filters, opens an event, acknowledges, quits and restores the screen', async () => {
    const db = tailDb();
    db.write(events(3, 'boot', { host: 'web-1' }));
    const socket = `logagg-tail-test-${process.pid}`;
    const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
    deferCleanup(() => spawnSync('tmux', ['-L', socket, 'kill-server']));
    // Ink draws only the final frame when CI is set (is-in-ci): a person's terminal does not have it.
    tmux('new-session', '-d', '-x', '120', '-y', '30', '-c', ROOT, `env -u CI -u CONTINUOUS_INTEGRATION ${process.execPath} ${BIN} tail --db ${db.path} --interval 50; echo "EXIT=$?"; sleep 60`);
    const pane = () => tmux('capture-pane', '-p');
    const waitPane = async (what: string, pred: (p: string) => boolean) => {
      try {
        await until(what, () => pred(pane()), 30_000); // a JVM and another test file may share the 2 cores
      } catch (e) {
        throw new Error(`${(e as Error).message}; pane:\n${pane()}`);
      }
    };
    const keys = async (...k: string[]) => {
      for (const one of k) {
        tmux('send-keys', one);
        await sleep(150);
      }
    };

    await waitPane('the TUI', (p) => p.includes('boot-2') && p.includes('● live'));
    db.write(events(1, 'disk failing', { host: 'db-1', level: 3, level_name: 'error' }), [{ rule_id: 'disk', host: 'db-1', severity: 'HIGH', title: 'Disk failing on db-1' }]);
    await waitPane('new row and alert', (p) => p.includes('disk failing-0') && p.includes('Disk failing on db-1'));
    expect(pane()).toMatch(/\/ search {2}h host/);

    await keys('/', 'disk', 'Enter');
    await waitPane('filtered', (p) => p.includes('q="disk"') && !p.includes('boot-2'));
    await keys('Up', 'Enter');
    await waitPane('the detail', (p) => p.includes('Event #4') && p.includes('Alerts (1)'));
    await keys('Escape', 'Tab', 'a');
    await waitPane('acknowledged', (p) => /alert #1 acknowledged/.test(p));
    await keys('q');
    await waitPane('exited', (p) => p.includes('EXIT=0'));
    // The alternate screen is left: the TUI's frame is gone from the terminal.
    expect(pane()).not.toContain('● live');
  }, 120_000);
});
