/**
 * Notifications in a running ingest process: the settings with which the writer writes the
 * outbox inside each batch's transaction, and the sender that delivers from it. Built from the validated config
 * before anything connects (a missing secret stops start-up, exit 2), started once the writer
 * connection is open, stopped before it closes.
 */
import type { FrozenConfig } from '../config/load.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import type { EnqueueSettings } from './outbox.js';
import type { RouteConfig } from './routing.js';
import { resolveChannels, type SecretEnv } from './secrets.js';
import { NotifySender, type SenderSettings } from './sender.js';
import type { Channel } from './transports.js';

export type NotifySettings = FrozenConfig['notify'];

export interface NotifyService {
  readonly channels: readonly Channel[];
  /**
   * How the outbox is written inside each batch's transaction, after its alerts (by the writer,
   * on whichever thread it runs: src/ingest/commit-job.ts). Plain data.
   */
  readonly enqueue: EnqueueSettings;
  /** Called after a batch that queued outbox rows was committed: the sender looks at once. */
  wake(): void;
  /** Starts delivering, on the writer connection. */
  start(store: Store): void;
  stop(): Promise<void>;
}

export interface NotifyServiceOptions {
  logger: Logger;
  /** The values of the variables the config names for secrets (notifySecretEnv, src/config/sections/notify.ts). */
  secretEnv: SecretEnv;
  clock?: () => number;
  random?: () => number;
}

export function senderSettings(cfg: NotifySettings): SenderSettings {
  const s = cfg.sender;
  return {
    pollIntervalMs: s.poll_interval,
    batch: s.batch,
    timeoutMs: s.timeout,
    retry: { initialMs: s.backoff_initial, maxMs: s.backoff_max, giveUpAfterMs: s.give_up_after },
    keepMs: s.keep,
  };
}

export function enqueueSettings(cfg: NotifySettings): EnqueueSettings {
  return {
    routes: cfg.routes as readonly RouteConfig[],
    channels: Object.keys(cfg.channels),
    policy: { renotifyAfterMs: cfg.renotify_after, escalate: cfg.escalate },
  };
}

/** null when notify.enabled is false or no channel is configured: nothing to enqueue or send. */
export function createNotifyService(cfg: NotifySettings, opts: NotifyServiceOptions): NotifyService | null {
  if (!cfg.enabled || Object.keys(cfg.channels).length === 0) return null;
  const channels = resolveChannels(cfg.channels, opts.secretEnv);
  const settings = enqueueSettings(cfg);
  let sender: NotifySender | null = null;
  let wakeQueued = false;
  return {
    channels,
    enqueue: settings,
    wake() {
      if (wakeQueued) return;
      wakeQueued = true;
      setImmediate(() => {
        wakeQueued = false;
        sender?.wake();
      });
    },
    start(store) {
      if (sender !== null) return;
      sender = new NotifySender({
        store,
        channels,
        settings: senderSettings(cfg),
        dashboardUrl: cfg.dashboard_url,
        logger: opts.logger,
        ...(opts.clock ? { clock: opts.clock } : {}),
        ...(opts.random ? { random: opts.random } : {}),
      });
      sender.start();
    },
    async stop() {
      await sender?.stop();
    },
  };
}
