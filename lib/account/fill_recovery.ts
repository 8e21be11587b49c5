/**
 * Fills the user data stream never delivered. A gap (a dropped or paused stream, events lost with the socket
 * up) is healed for orders and positions by queries and snapshots, but those carry no trades: an order found
 * FILLED by `order.status` leaves its fills, their prices, commissions and realized PnL, unknown. That is the
 * trader's record of executions, and the daily loss limit counts realized PnL from it.
 *
 * After each gap pass, audit that found drift, restart's reconciliation and follow-up that learns how an order
 * taken as gone ended (not on a timer: a run reads every tracked order and fill, a few ms on the event loop), an
 * order changed lately whose executed quantity is more than its recorded
 * fills add up to is asked for its trades (`GET /fapi/v1/userTrades?symbol=&orderId=`, REST, weight 5), and
 * the missing ones are recorded as the stream's would have been (journaled, told on `/events`, counted by the
 * loss limit). A fill is keyed by symbol and trade id, so one that also arrives on the stream counts once.
 *
 * A run asks about at most `maxQueries` orders. When more were short (a restart after many fills while the
 * router was down), or a query failed, the next run follows by itself after `pauseMs` (doubled while runs make
 * no progress, up to a minute), until none is short. An order whose trades were read `maxTries` times and
 * still do not add up (the exchange no longer lists them all) is left alone and named in the report.
 *
 * @module
 */

import type { ClockHandle, Timers } from "../_clock.ts";
import { unrefTimer } from "../_timers.ts";
import type { TrackedOrder } from "../orders/tracked_order.ts";
import type { AccountState } from "./account_state.ts";
import type { Fill } from "./fills.ts";

/** The REST read this needs (`OpenOrdersClient.userTrades`). */
export interface TradesSource {
  /** The account's executions of one order, oldest first (Binance's `userTrades` objects). */
  userTrades(symbol: string, orderId: number): Promise<readonly Readonly<Record<string, unknown>>[]>;
}

/** Options for {@linkcode FillRecovery}. */
export interface FillRecoveryOptions {
  account: AccountState;
  source: TradesSource;
  /** Orders asked about per run, newest change first (weight 5 each); the rest wait for the next run. Default 10. */
  maxQueries?: number;
  /** Only orders changed within this many ms are looked at. Default 1 hour. */
  windowMs?: number;
  /** Local epoch ms, on the tracker's time base (`updatedAt`). Default `Date.now`. */
  now?: () => number;
  /** Called after a run that recorded fills, met an error or gave up on an order. */
  onRecovered?: (run: RecoveryRun) => void;
  /** Pause before a run that follows by itself (orders left short). Default 5 s: 50 weight per 5 s at most. */
  pauseMs?: number;
  /** Reads of one order's trades that may come back short before it is left alone. Default 3. */
  maxTries?: number;
  /** The follow-up's timer. Default: the runtime's, unref'd (it never keeps a process alive). */
  timers?: Timers;
  /** While true, runs wait (an IP ban: asking lengthens it); one is tried again after the pause. */
  paused?: () => boolean;
}

/** The wait of `runSoon`: the stream's own trades usually arrive within it. */
const SOON_MS = 1000;

/** The longest pause between follow-up runs that make no progress. */
const MAX_PAUSE_MS = 60_000;

const RUNTIME_TIMERS: Timers = {
  setTimeout: (fn, ms) => unrefTimer(setTimeout(fn, ms)) as ClockHandle,
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  setInterval: (fn, ms) => setInterval(fn, ms) as ClockHandle,
  clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
};

/**
 * What one run did.
 *
 * @example
 * ```ts
 * const run: RecoveryRun = { orders: ["lr-k3j9x2ab-m1q2-7"], fills: 2 };
 * ```
 */
export interface RecoveryRun {
  /** Client ids of the orders whose missing fills were recorded. */
  orders: string[];
  /** Fills recorded. */
  fills: number;
  /** The first error, if a query failed (the order is looked at again next run). */
  error?: string;
  /** Orders still short after their trades were read `maxTries` times: left alone from now on. */
  gaveUp?: string[];
  /** Orders still short and not asked about yet (or failed): a run follows by itself. */
  left?: number;
}

/**
 * Recovers missing fills on request, one run at a time.
 *
 * @example
 * ```ts
 * import { AccountState } from "./account_state.ts";
 * import type { OpenOrdersClient } from "./open_orders.ts";
 * declare const client: OpenOrdersClient;
 * const recovery = new FillRecovery({ account: new AccountState(), source: client });
 * const run = await recovery.run(); // after a gap pass or an audit
 * ```
 */
export class FillRecovery {
  readonly #o: FillRecoveryOptions;
  #running: Promise<RecoveryRun> | undefined;
  #again = false;
  #recovered = 0;
  readonly #timers: Timers;
  /** The follow-up run's timer, while one is due. */
  #next: ClockHandle | undefined;
  #pauseMs: number;
  #stopped = false;
  /** Reads of each order's trades that came back short, by client id. */
  readonly #tries = new Map<string, number>();
  /** Orders left alone (see `maxTries`). */
  readonly #gaveUp = new Set<string>();

  constructor(options: FillRecoveryOptions) {
    this.#o = options;
    this.#timers = options.timers ?? RUNTIME_TIMERS;
    this.#pauseMs = options.pauseMs ?? 5000;
  }

  /** Cancels the follow-up run, and any later one. */
  stop(): void {
    this.#stopped = true;
    this.#timers.clearTimeout(this.#next);
    this.#next = undefined;
  }

  /** Fills recovered since start. */
  get recovered(): number {
    return this.#recovered;
  }

  /** Runs now, or once more after the run in progress (whose promise is returned). */
  run(): Promise<RecoveryRun> {
    if (this.#o.paused?.() === true) {
      // Not now: tried again after the pause (the orders short stay short until then).
      if (!this.#stopped && this.#next === undefined) {
        this.#next = this.#timers.setTimeout(() => {
          this.#next = undefined;
          void this.run();
        }, this.#o.pauseMs ?? 5000);
      }
      return Promise.resolve({ orders: [], fills: 0 });
    }
    if (this.#running !== undefined) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#loop().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #loop(): Promise<RecoveryRun> {
    this.#timers.clearTimeout(this.#next);
    this.#next = undefined;
    let last: RecoveryRun;
    do {
      this.#again = false;
      last = await this.#run();
    } while (this.#again);
    if (last.left !== undefined && last.left > 0 && !this.#stopped) {
      // Progress keeps the pause at its base; a run that recorded nothing (the REST failing) doubles it.
      const base = this.#o.pauseMs ?? 5000;
      this.#pauseMs = last.fills > 0 ? base : Math.min(this.#pauseMs * 2, Math.max(base, MAX_PAUSE_MS));
      this.#next = this.#timers.setTimeout(() => {
        this.#next = undefined;
        void this.run();
      }, this.#pauseMs);
    }
    return last;
  }

  async #run(): Promise<RecoveryRun> {
    const { account, source } = this.#o;
    const report: RecoveryRun = { orders: [], fills: 0 };
    const short = this.#short();
    const asked = short.slice(0, this.#o.maxQueries ?? 10);
    let left = short.length - asked.length;
    for (const o of asked) {
      const orderId = exchangeOrderId(o)!;
      let trades: readonly Readonly<Record<string, unknown>>[];
      try {
        trades = await source.userTrades(o.symbol, orderId);
      } catch (e) {
        report.error ??= (e as Error).message;
        left++;
        continue;
      }
      let n = 0;
      for (const t of trades) {
        const fill = fillOf(t, o);
        if (fill !== undefined && account.recordFill(fill)) n++;
      }
      if (n > 0) {
        report.orders.push(o.clientOrderId);
        report.fills += n;
      }
      if (!this.#isShort(o)) {
        this.#tries.delete(o.clientOrderId);
        continue;
      }
      // Read, and still short: the exchange's list lacks some trades (or they are on their way).
      const tries = (this.#tries.get(o.clientOrderId) ?? 0) + 1;
      if (tries < (this.#o.maxTries ?? 3)) {
        this.#tries.set(o.clientOrderId, tries);
        left++;
      } else {
        this.#tries.delete(o.clientOrderId);
        this.#gaveUp.add(o.clientOrderId);
        (report.gaveUp ??= []).push(o.clientOrderId);
      }
    }
    if (left > 0) report.left = left;
    this.#recovered += report.fills;
    if (report.fills > 0 || report.error !== undefined || report.gaveUp !== undefined) {
      try {
        this.#o.onRecovered?.(report);
      } catch { /* an observer's bug must not stop the recovery */ }
    }
    return report;
  }

  /** Whether `o`'s recorded fills add up to less than it executed. */
  #isShort(o: TrackedOrder): boolean {
    return isShortOfFills(this.#o.account, o);
  }

  /**
   * Runs about a second from now unless a run is due or going on: an order was seen executed beyond its
   * recorded fills (a query's answer, a RESULT ack ahead of its trades on the stream). The wait lets the
   * stream's own trades arrive; the run asks only about orders still short then.
   */
  runSoon(): void {
    if (this.#stopped || this.#next !== undefined || this.#running !== undefined) return;
    this.#next = this.#timers.setTimeout(() => {
      this.#next = undefined;
      void this.run();
    }, SOON_MS);
  }

  /** Orders changed lately whose fills add up to less than they executed, newest change first. */
  #short(): TrackedOrder[] {
    const { account } = this.#o;
    const now = (this.#o.now ?? Date.now)();
    // The book's per-order sums outlive its dropped fills for as long as the order is tracked: an order it
    // dropped fills of is not short, and one whose fills never came (a gap longer than the book) is.
    const since = now - (this.#o.windowMs ?? 3_600_000);
    const short = account.orders.listAll().filter((o) =>
      o.updatedAt >= since && !this.#gaveUp.has(o.clientOrderId) && isShortOfFills(account, o)
    );
    short.sort((a, b) => b.updatedAt - a.updatedAt);
    return short;
  }
}

/**
 * Whether order `o` executed more than `account`'s recorded fills of it add up to (a fill the stream missed).
 *
 * @example
 * ```ts
 * import { AccountState } from "./account_state.ts";
 * const account = new AccountState();
 * const short = account.orders.list().filter((o) => isShortOfFills(account, o));
 * ```
 */
export function isShortOfFills(account: AccountState, o: Readonly<TrackedOrder>): boolean {
  const executed = Number(o.executedQty);
  if (!(executed > 0)) return false;
  const id = exchangeOrderId(o);
  // Quantities are decimal strings; their float sum is off by far less than any step size.
  return id !== undefined && account.fills.filledQty(o.symbol, id) < executed * (1 - 1e-9);
}

/** The id the exchange's trades name the order by: a triggered algo order's regular order, else its own. */
function exchangeOrderId(o: Readonly<TrackedOrder>): number | undefined {
  return o.algo ? o.actualOrderId : o.orderId;
}

/** A fill from one `userTrades` object of order `o`; undefined when it is malformed. */
function fillOf(t: Readonly<Record<string, unknown>>, o: TrackedOrder): Fill | undefined {
  const text = (v: unknown) => (typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined);
  const tradeId = t.id;
  const price = text(t.price);
  const qty = text(t.qty);
  if (typeof tradeId !== "number" || price === undefined || qty === undefined) return undefined;
  return {
    symbol: typeof t.symbol === "string" ? t.symbol : o.symbol,
    orderId: typeof t.orderId === "number" ? t.orderId : exchangeOrderId(o)!,
    clientOrderId: o.clientOrderId,
    tradeId,
    side: typeof t.side === "string" ? t.side : o.side,
    price,
    qty,
    commission: text(t.commission) ?? "0",
    commissionAsset: typeof t.commissionAsset === "string" ? t.commissionAsset : "",
    realizedProfit: text(t.realizedPnl) ?? "0",
    maker: t.maker === true,
    time: typeof t.time === "number" ? t.time : 0,
    positionSide: typeof t.positionSide === "string" ? t.positionSide : o.positionSide,
  };
}
