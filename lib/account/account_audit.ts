/**
 * The periodic audit of the live view against the exchange. The user data stream has no sequence numbers: an
 * event lost while its socket stays up (Binance has dropped single events) leaves an order "open" that is
 * gone, or a position short, and nothing else would ever notice — while halt, the dead-man's switch and the
 * pre-trade limits act on that view. So every `intervalMs` the audit asks the exchange for its truth:
 *
 * 1. the open orders and open algo orders (REST, every symbol): one the tracker does not hold is adopted, one
 *    it holds is brought up to date (`OrderAdopter.apply`, with the tracker's precedence rules);
 * 2. `order.status` (an algo order: `GET /fapi/v1/algoOrder`) of each order the tracker held as open before the
 *    listing was asked for, that the listing did not show and that nothing changed since (the listing is the
 *    exchange's word that it is no longer open; the answer says how it ended);
 * 3. `v2/account.position` and `v2/account.balance` (a snapshot never undoes a newer event).
 *
 * What the exchange's answers changed is the drift, reported per audit. A change counts only when it happened
 * inside the audit's own synchronous apply (or its query's answer), so an event that arrived meanwhile on the
 * stream is not taken for drift, and only when what changed is older than `settleMs` (its event may still be
 * on the way otherwise). The audit skips its turn while the ws-fapi link is down or a gap pass runs
 * (which does the same and more), and its requests are paced to a share of the request weight like the gap
 * pass's.
 *
 * @module
 */

import { type Clock, systemClock } from "../_clock.ts";
import { unrefTimer } from "../_timers.ts";
import { ExchangeError } from "../errors.ts";
import type { TrackedOrder } from "../orders/order_tracker.ts";
import { routerBudget, type WeightBudget, type WeightWait } from "../orders/weight_budget.ts";
import type { AccountState } from "./account_state.ts";
import type { Position } from "./positions.ts";
import type { OrderAdopter } from "./adoption.ts";
import type { GapSource } from "./gap_reconciler.ts";
import type { ExchangeOrder } from "./open_orders.ts";

/**
 * How long a change may still be on its way on the user stream before an audit calls its absence drift: 2 s.
 *
 * @example
 * ```ts
 * DEFAULT_SETTLE_MS; // 2000
 * ```
 */
export const DEFAULT_SETTLE_MS = 2000;

/**
 * What one audit found: the orders and position lines the exchange's answers changed.
 *
 * @example
 * ```ts
 * const report: AuditReport = { at: Date.now(), listed: 2, queried: 1, adopted: [],
 *   corrected: ["lr-k3j9x2ab-m1q2-1"], positions: ["BTCUSDT:BOTH"] };
 * const drift = report.adopted.length + report.corrected.length + report.positions.length;
 * ```
 */
export interface AuditReport {
  /** Local ms when the listing was asked for. */
  at: number;
  /** Open orders and algo orders the exchange listed. */
  listed: number;
  /** `order.status` queries of orders the listing did not show. */
  queried: number;
  /**
   * Client ids the exchange listed as open that the tracker did not hold, now adopted as `external` (an
   * unknown order with this router's pattern is another process's: only the listing at start recovers).
   */
  adopted: string[];
  /** Client ids whose state, status or filled quantity the exchange's answers changed. */
  corrected: string[];
  /** Position lines (`symbol:positionSide`) whose amount the snapshot changed. */
  positions: string[];
  /** The first error, when part of the audit failed (the next audit tries again). */
  error?: string;
}

/**
 * The audit as `/health` shows it.
 *
 * @example
 * ```ts
 * const h: AuditHealth = { intervalMs: 60_000, audits: 3, skipped: 0, drift: 0, lastAt: null,
 *   lastDrift: 0, lastError: null };
 * ```
 */
export interface AuditHealth {
  /** Time between audits. */
  intervalMs: number;
  /** Audits completed. */
  audits: number;
  /** Turns skipped (link down, a gap pass running, the previous audit still running). */
  skipped: number;
  /** Orders and position lines corrected or adopted by audits so far. */
  drift: number;
  /** Local ms of the last completed audit, or null before the first. */
  lastAt: number | null;
  /** What the last audit corrected or adopted. */
  lastDrift: number;
  /** The last audit's error, or null. */
  lastError: string | null;
}

/** Options for {@linkcode AccountAudit}. */
export interface AccountAuditOptions {
  /** Queries, snapshots, the link state and the rate-limit counters (the `Router`). */
  router: GapSource;
  /** The live view that is audited. */
  account: AccountState;
  /**
   * Lists the open orders (REST) and adopts or updates from the listing (the gateway's adopter); with
   * `queryAlgo`, algo orders the listing no longer shows are looked up too.
   */
  adopter: Pick<OrderAdopter, "list" | "apply"> & Partial<Pick<OrderAdopter, "queryAlgo">>;
  /** Time between audits, ms (> 0). */
  intervalMs: number;
  /** True while a gap pass runs: the audit skips its turn. */
  busy?: () => boolean;
  /** Called after every audit. */
  onAudit?: (report: AuditReport) => void;
  /**
   * A change younger than this (ms) may still be on its way on the stream: an order changed this recently is
   * not queried, and what the answers change about such an order or position line is applied but not counted
   * as drift (a false alarm under heavy trading otherwise). Default 2000.
   */
  settleMs?: number;
  /** Order queries in flight at once. Default 4. */
  concurrency?: number;
  /** Share (0–1] of the REQUEST_WEIGHT limit the audit may bring the count up to. Default 0.5. */
  weightShare?: number;
  /** The interval timer and the pacing waits. Default real time. */
  clock?: Clock;
  /** Exchange time in ms, for the rate windows. Default `clock.now() + router.clockOffsetMs`. */
  serverNow?: () => number;
  /** Local epoch ms, on the tracker's time base (`updatedAt`). Default `Date.now`. */
  now?: () => number;
  /** Called when the audit waits for the rate window to roll. */
  onWait?: (wait: WeightWait) => void;
}

/**
 * Audits the account against the exchange every `intervalMs`, and on request.
 *
 * @example
 * ```ts
 * import { AccountState } from "./account_state.ts";
 * import type { GapSource } from "./gap_reconciler.ts";
 * import { OrderAdopter, ownClientOrderIds } from "./adoption.ts";
 * import type { OpenOrdersClient } from "./open_orders.ts";
 * declare const router: GapSource;
 * declare const client: OpenOrdersClient;
 * const account = new AccountState();
 * const adopter = new OrderAdopter({ tracker: account.orders, client, own: ownClientOrderIds() });
 * const audit = new AccountAudit({ router, account, adopter, intervalMs: 60_000,
 *   onAudit: (r) => r.corrected.length > 0 && console.warn("the stream missed", r.corrected) });
 * audit.start();
 * await audit.run(); // one now
 * audit.stop();
 * ```
 */
export class AccountAudit {
  readonly #o: AccountAuditOptions;
  readonly #budget: WeightBudget;
  readonly #clock: Clock;
  readonly #now: () => number;
  #timer: unknown;
  #running: Promise<AuditReport | undefined> | undefined;
  #audits = 0;
  #skipped = 0;
  #drift = 0;
  #last: AuditReport | undefined;

  /** Creates the audit; nothing runs until `start` or `run`. */
  constructor(options: AccountAuditOptions) {
    if (!(options.intervalMs > 0)) {
      throw new RangeError(`audit interval must be > 0 ms: ${options.intervalMs}`);
    }
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#now = options.now ?? Date.now;
    const { router, weightShare, serverNow, onWait } = options;
    this.#budget = routerBudget(router, { share: weightShare, clock: this.#clock, serverNow, onWait });
  }

  /** Audits every `intervalMs` from now on (the timer never keeps the process alive). */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = unrefTimer(this.#clock.setInterval(() => void this.run(), this.#o.intervalMs));
  }

  /** Stops the timer and ends an audit waiting for the rate window; later audits send nothing. */
  stop(): void {
    this.#clock.clearInterval(this.#timer);
    this.#timer = undefined;
    this.#budget.stop();
  }

  /** Counters and the last audit's result. */
  health(): AuditHealth {
    const last = this.#last;
    return {
      intervalMs: this.#o.intervalMs,
      audits: this.#audits,
      skipped: this.#skipped,
      drift: this.#drift,
      lastAt: last?.at ?? null,
      lastDrift: last === undefined ? 0 : driftOf(last),
      lastError: last?.error ?? null,
    };
  }

  /**
   * Audits now. Resolves with the report (that of the audit already running, if one is), or undefined when
   * the turn is skipped (the link is down, or a gap pass runs).
   */
  run(): Promise<AuditReport | undefined> {
    const { router, busy } = this.#o;
    if (this.#running !== undefined) {
      this.#skipped++;
      return this.#running;
    }
    if (!router.connected || busy?.() === true) {
      this.#skipped++;
      return Promise.resolve(undefined);
    }
    this.#running = this.#audit().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #audit(): Promise<AuditReport> {
    const report: AuditReport = {
      at: this.#now(),
      listed: 0,
      queried: 0,
      adopted: [],
      corrected: [],
      positions: [],
    };
    const note = (e: unknown) => (report.error ??= (e as Error).message);
    // Exchange time before which a change's event would have arrived by now.
    const serverAt = this.#o.serverNow?.() ?? report.at + this.#o.router.clockOffsetMs;
    const settled = serverAt - (this.#o.settleMs ?? DEFAULT_SETTLE_MS);
    const listed = await this.#list(report, settled).catch((e) => (note(e), undefined));
    if (listed !== undefined) await this.#queryMissing(report, listed, settled).catch(note);
    await this.#snapshots(report, settled).catch(note);
    this.#audits++;
    this.#drift += driftOf(report);
    this.#last = report;
    try {
      this.#o.onAudit?.(report);
    } catch { /* an observer's bug must not stop the audits */ }
    return report;
  }

  /** Lists and applies; returns the client ids listed. */
  async #list(report: AuditReport, settled: number): Promise<Set<string>> {
    const { adopter, account } = this.#o;
    let orders: ExchangeOrder[] = [];
    let algoOrders: ExchangeOrder[] = [];
    await this.#budget.run(async () => void ([orders, algoOrders] = await adopter.list()));
    const ids = new Set<string>();
    const recent = new Set<string>(); // changed on the exchange too lately to call a difference drift
    for (const [list, key] of [[orders, "clientOrderId"], [algoOrders, "clientAlgoId"]] as const) {
      for (const o of list) {
        const cid = o[key];
        if (typeof cid !== "string") continue;
        ids.add(cid);
        if (typeof o.updateTime === "number" && o.updateTime > settled) recent.add(cid);
      }
    }
    // Synchronous from here: whatever changes in between is the listing's doing. A pending order the listing
    // shows is only ahead of its answer, and an unknown one is resolved (the reconciler's work): neither is drift.
    const before = new Map<string, string>();
    for (const o of account.orders.list("open")) before.set(o.clientOrderId, fingerprint(o));
    const heldAs = new Map<string, TrackedOrder["state"] | undefined>();
    for (const cid of ids) {
      const o = account.orders.get(cid);
      heldAs.set(cid, o?.state);
      if (o?.state === "finished") before.set(cid, fingerprint(o)); // a NOT_FOUND the listing reopens
    }
    const adoption = adopter.apply("audit", orders, algoOrders, false);
    report.listed = adoption.listed;
    const adopted = new Set<string>();
    for (const cid of adoption.external) {
      const was = heldAs.get(cid);
      if (was === undefined || was === "finished") adopted.add(cid);
    }
    for (const cid of adopted) if (!recent.has(cid)) report.adopted.push(cid);
    for (const [cid, was] of before) {
      const now = account.orders.get(cid);
      if (now === undefined || adopted.has(cid) || recent.has(cid) || fingerprint(now) === was) continue;
      report.corrected.push(cid);
    }
    return ids;
  }

  /** `order.status` of every order held open before the listing that it did not show and nothing changed. */
  async #queryMissing(report: AuditReport, listed: ReadonlySet<string>, settled: number): Promise<void> {
    const { router, account } = this.#o;
    const queryAlgo = this.#o.adopter.queryAlgo?.bind(this.#o.adopter);
    // Changed locally within settleMs: its next event may be on the way; the next audit looks if not.
    const quietSince = report.at - (this.#o.settleMs ?? DEFAULT_SETTLE_MS);
    const missing = account.orders.list().filter((o) =>
      o.state === "open" && (!o.algo || queryAlgo !== undefined) && !listed.has(o.clientOrderId) &&
      o.updatedAt < quietSince
    );
    let next = 0;
    const one = async (o: TrackedOrder) => {
      const was = fingerprint(o);
      const changedBefore = o.updatedAt >= report.at;
      report.queried++;
      try {
        if (o.algo) {
          // Algo orders are REST only; the answer applies with the tracker's precedence rules.
          const raw = await queryAlgo!(o.clientOrderId);
          if (raw !== undefined) account.orders.apply(raw, o.clientOrderId);
          // FINISHED tells nothing of fills: the order it became, which carries the client algo id, does.
          if (raw !== undefined && raw.algoStatus === "FINISHED") {
            await router.queryOrder({ symbol: o.symbol, origClientOrderId: o.clientOrderId });
          }
        } else {
          // The router hands the answer to the account's order observer (precedence applies there).
          await router.queryOrder({ symbol: o.symbol, origClientOrderId: o.clientOrderId });
        }
      } catch (e) {
        // -2013: too old to query (a cancelled order after 3 days): nothing to learn from it.
        if (!(e instanceof ExchangeError && e.code === -2013)) throw e;
        return;
      }
      const now = account.orders.get(o.clientOrderId);
      // An order that ended after `settled` (exchange time) may have its event on the way: not drift yet.
      if (!changedBefore && now !== undefined && fingerprint(now) !== was && now.updateTime <= settled) {
        report.corrected.push(o.clientOrderId);
      }
    };
    const worker = async () => {
      while (next < missing.length && router.connected) {
        const o = missing[next++]!;
        if (o.updatedAt >= report.at) continue; // an event told its fate meanwhile
        if (!(await this.#budget.run(() => one(o)))) return; // stopped
      }
    };
    const workers = Math.min(this.#o.concurrency ?? 4, missing.length);
    await Promise.all(Array.from({ length: workers }, worker));
  }

  /** Position and balance snapshots, applied with the account's precedence rules. */
  async #snapshots(report: AuditReport, settled: number): Promise<void> {
    const { router, account } = this.#o;
    let items: Record<string, unknown>[] = [];
    const asOf = () => this.#o.serverNow?.() ?? this.#now() + router.clockOffsetMs;
    await this.#budget.run(async () => void (items = await router.accountPositions()));
    const before = lines(account);
    account.applyPositionSnapshot(items, asOf());
    const after = lines(account);
    for (const key of new Set([...before.keys(), ...after.keys()])) {
      const was = before.get(key);
      const now = after.get(key);
      if (Number(was?.positionAmt ?? 0) === Number(now?.positionAmt ?? 0)) continue;
      // When it changed on the exchange: the new line's time, or for a line now closed, no later than the
      // old one's (the snapshot gives no time for a position it no longer lists).
      if ((now ?? was)!.updateTime <= settled) report.positions.push(key);
    }
    await this.#budget.run(async () => account.applyBalanceSnapshot(await router.accountBalance(), asOf()));
  }
}

/** Orders and position lines an audit changed. */
function driftOf(r: AuditReport): number {
  return r.adopted.length + r.corrected.length + r.positions.length;
}

/** What an audit may correct about an order. */
function fingerprint(o: TrackedOrder): string {
  return `${o.state}|${o.status}|${o.executedQty}`;
}

/** Non-zero position lines by `symbol:positionSide`. */
function lines(account: AccountState): Map<string, Position> {
  const m = new Map<string, Position>();
  for (const p of account.book.positions()) m.set(`${p.symbol}:${p.positionSide}`, p);
  return m;
}
