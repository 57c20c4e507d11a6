/**
 * What the API needs from alerts and rules, and no more. The detection engine (issue 3) owns
 * the alerts table and the rule set; it provides implementations of these ports and `serve`
 * passes them to createApp. Times are epoch milliseconds UTC; the API renders them as ISO 8601.
 * The alert vocabulary (states, record, filter, change) is the domain's: src/core/alert.ts.
 */
import type { AlertStats } from '../store/alert-reader.js';
import type { AlertChange, Alert, AlertFeed, AlertFilter, AlertHistoryEntry, AlertPage, AlertState } from '../core/alert.js';
import type { Severity } from '../core/event.js';
import type { RefusedRule, RuleInfo } from '../core/rules/rule-info.js';
import type { NewSilence, Silence } from '../core/silence.js';
import type { ExpireResult, SilenceListFilter, SilencePage } from '../store/silence-store.js';
import type { Account } from '../auth/account.js';
import type { LoginAttempt } from '../store/user-store.js';

export interface AlertsPort {
  /**
   * A page of alerts. A cursor the port did not make must raise BAD_REQUEST naming `cursor`
   * (badRequest from src/errors.ts), never a generic error.
   */
  list(filter: AlertFilter, page: { limit: number; cursor: string | null }): AlertPage;
  /** One alert, or null when absent or outside hostScope. */
  get(id: number, hostScope?: readonly string[]): Alert | null;
  /**
   * Records a state change (who, when, comment). Returns the updated alert, or null when the
   * alert is absent or outside hostScope. The API has already checked the move is allowed.
   * Asynchronous: in `serve` the API runs on a worker thread and the change is made by the
   * ingest writer on the main thread (src/api/worker/).
   */
  transition(id: number, change: AlertChange, hostScope?: readonly string[]): Promise<Alert | null>;
  /** The alert's state changes, oldest first; null when the alert is absent or outside hostScope. */
  history(id: number, hostScope?: readonly string[]): AlertHistoryEntry[] | null;
  /** Alert counts per severity and state, for /metrics and /metrics/summary. */
  counts(filter: AlertFilter): { severity: Severity; state: AlertState; count: number }[];
  /** Alert counts by state, severity, rule and host (the `top` busiest rules and hosts): GET /alert-stats. */
  stats(filter: AlertFilter, top: number): AlertStats;
  /**
   * Alerts created or changed after `position` matching the filter, at most `limit`, oldest
   * change first. `position` null means "from now": no items, the current head.
   */
  feed(position: string | null, filter: AlertFilter, limit: number): AlertFeed;
}

/** Asynchronous: in `serve` the rules live on the main thread and the API on a worker thread. */
export interface RulesPort {
  list(): Promise<RuleInfo[]>;
  /** Enables or disables a rule; returns it, or null when there is no such rule. */
  setEnabled(id: string, enabled: boolean, by: string): Promise<RuleInfo | null>;
  /** Rules of the folder refused at start (they did not compile and do not run), with why. */
  refused(): Promise<RefusedRule[]>;
  /**
   * How many rules are refused, synchronously, for /readyz and /metrics (on the API thread of
   * `serve`, the count the main thread last sent).
   */
  refusedCount(): number;
}

/**
 * Silences (src/core/silence.ts). Reads on the API's connection; creating and expiring need the
 * writer, and are asynchronous for the same reason as AlertsPort.transition.
 */
export interface SilencesPort {
  list(filter: SilenceListFilter, page: { limit: number; beforeId: number | null }, now: number): SilencePage;
  /** One silence, or null when absent or outside hostScope. */
  get(id: number, hostScope?: readonly string[]): Silence | null;
  create(s: NewSilence, now: number): Promise<Silence>;
  /** Ends it now; null when absent or outside hostScope. */
  expire(id: number, by: string, now: number, hostScope?: readonly string[]): Promise<ExpireResult | null>;
}

/**
 * Local accounts, for sign-in (POST /api/v1/auth/login) and for ending the sessions of changed
 * or removed accounts. Reads on the API's connection; recording an attempt needs the writer,
 * and is asynchronous for the same reason as AlertsPort.transition.
 */
export interface AccountsPort {
  /** The account of this exact name, or null. */
  find(name: string): Account | null;
  /** Records a sign-in attempt (login_audit); rejects when it cannot be recorded. */
  record(attempt: LoginAttempt): Promise<void>;
}
