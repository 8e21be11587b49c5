/**
 * The simulator's shared state: accounts, exchange, algo orders, rate limiter, faults, countdowns, counters,
 * the clock and the user data stream service. Sessions (one per WebSocket) and the REST handler act on it; only
 * the stream service holds sockets (its subscribers).
 *
 * @module
 */

import { Account } from "./accounts.ts";
import { AlgoBook } from "./algo.ts";
import { importEd25519Spki } from "./auth.ts";
import { SyntheticBook } from "./book.ts";
import { Countdowns } from "./countdown.ts";
import { mul, parseDecimal } from "./decimal.ts";
import { FaultState } from "./faults.ts";
import { FeeSchedule } from "./fees.ts";
import { FundingSchedule } from "./funding.ts";
import { Exchange } from "./matching.ts";
import { mulberry32 } from "./prng.ts";
import { RateLimiter, type RateLimits } from "./rate_limiter.ts";
import { DEFAULT_MARK_PRICES, SYMBOLS, type SymbolSpec } from "./symbols.ts";
import type { SimulatorClock, SimulatorOptions, SimulatorStats } from "./types.ts";
import { UserStreams } from "./user_stream.ts";
import { laterUnref, type TimerHandle } from "../_timers.ts";

/** Real time, with timers that do not keep the process alive. */
const REAL_CLOCK: SimulatorClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => laterUnref(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as TimerHandle | undefined),
};

/** Options with defaults applied. */
export interface ResolvedOptions {
  readonly port: number;
  readonly pingIntervalMs: number;
  readonly pongTimeoutMs: number;
  readonly connectionLifetimeMs: number;
  readonly clockOffsetMs: number;
  readonly limits: RateLimits;
  /** The market model's seed (book sizes, the walk, generated ids). */
  readonly seed: number;
}

/**
 * Builds the state for `options` (async because Ed25519 keys are imported with WebCrypto).
 *
 * @example
 * ```ts
 * const core = await SimCore.create({ hmacKeys: [{ apiKey: "k", secretKey: "s" }] });
 * core.now(); // Date.now() + clockOffsetMs
 * ```
 */
export class SimCore {
  readonly options: ResolvedOptions;
  readonly specs: ReadonlyMap<string, SymbolSpec>;
  readonly accounts: ReadonlyMap<string, Account>;
  readonly exchange: Exchange;
  /** The sim clock's time source and the timers that run on it (listenKey expiry, mark walk). */
  readonly clock: SimulatorClock;
  readonly streams: UserStreams = new UserStreams(this);
  readonly algo: AlgoBook = new AlgoBook(
    (order) => this.streams.algoChanged(order),
    (account, symbol) => this.exchange.openCount(account, symbol),
  );
  readonly limiter: RateLimiter;
  readonly faults = new FaultState();
  readonly countdowns: Countdowns;
  /** Funding payments, when `SimulatorOptions.funding` is set. */
  readonly funding: FundingSchedule | undefined;
  readonly stats: SimulatorStats = {
    connections: 0,
    connectionsTotal: 0,
    requests: 0,
    pingsSent: 0,
    pongsOk: 0,
    pongsBad: 0,
    ordersPlaced: 0,
    rejected: 0,
    streamConnections: 0,
    streamConnectionsTotal: 0,
    eventsSent: 0,
    eventsLost: 0,
  };

  private constructor(
    options: ResolvedOptions,
    accounts: Map<string, Account>,
    limiter: RateLimiter,
    marks: Map<string, bigint>,
    clock: SimulatorClock,
    market: SimulatorOptions,
  ) {
    this.options = options;
    this.specs = new Map(SYMBOLS.map((s) => [s.symbol, s]));
    this.accounts = accounts;
    this.limiter = limiter;
    this.clock = clock;
    const notional = parseDecimal(market.book?.levelNotional ?? "50000");
    if (notional === undefined || notional.decimals > 8 || notional.units <= 0n) {
      throw new TypeError(`invalid book.levelNotional: ${market.book?.levelNotional}`);
    }
    this.exchange = new Exchange(
      {
        specs: this.specs,
        marks,
        book: new SyntheticBook(options.seed, notional.units),
        fees: new FeeSchedule(market.fees),
        random: mulberry32(options.seed ^ 0x1d5eed),
        openAlgoOrders: (account, symbol) => this.algo.pendingCount(account, symbol),
      },
      (order, change) => {
        this.streams.orderChanged(order, change);
        this.algo.orderChanged(order, change);
      },
    );
    this.funding = market.funding === undefined
      ? undefined
      : new FundingSchedule(market.funding, clock, () =>
        this.now(), (rate, time) =>
        this.#settleFunding(rate, time));
    this.countdowns = new Countdowns((account, symbol) =>
      this.exchange.cancelAll(account, symbol, this.now())
    );
  }

  /** Resolves defaults, imports keys and creates the accounts. */
  static async create(options: SimulatorOptions): Promise<SimCore> {
    const resolved: ResolvedOptions = {
      port: options.port ?? 0,
      pingIntervalMs: options.pingIntervalMs ?? 180_000,
      pongTimeoutMs: options.pongTimeoutMs ?? 600_000,
      connectionLifetimeMs: options.connectionLifetimeMs ?? 24 * 60 * 60 * 1000,
      clockOffsetMs: options.clockOffsetMs ?? 0,
      seed: options.seed ?? 1,
      limits: {
        ordersPer10s: options.limits?.ordersPer10s ?? 300,
        ordersPerMinute: options.limits?.ordersPerMinute ?? 1200,
        weightPerMinute: options.limits?.weightPerMinute ?? 2400,
        weightWindowSeconds: options.limits?.weightWindowSeconds ?? 60,
      },
    };
    if (!Number.isSafeInteger(resolved.seed)) throw new TypeError(`seed must be an integer: ${options.seed}`);
    const seconds = resolved.limits.weightWindowSeconds;
    if (!Number.isInteger(seconds) || seconds === undefined || seconds <= 0) {
      throw new TypeError(`invalid limits.weightWindowSeconds: ${seconds}`);
    }
    const limiter = new RateLimiter(resolved.limits);
    const accounts = new Map<string, Account>();
    for (const k of options.hmacKeys ?? []) {
      accounts.set(
        k.apiKey,
        new Account(k.apiKey, { kind: "hmac", secret: k.secretKey }, limiter.orderWindows()),
      );
    }
    for (const k of options.ed25519Keys ?? []) {
      const key = await importEd25519Spki(k.publicKeyPem);
      accounts.set(k.apiKey, new Account(k.apiKey, { kind: "ed25519", key }, limiter.orderWindows()));
    }
    if (options.dualSidePosition === true) {
      for (const account of accounts.values()) account.dualSidePosition = true;
    }
    const marks = new Map<string, bigint>();
    const given = { ...DEFAULT_MARK_PRICES, ...options.markPrices };
    for (const spec of SYMBOLS) {
      const price = parseDecimal(given[spec.symbol]);
      if (price === undefined || price.decimals > 8 || price.units <= 0n) {
        throw new TypeError(`invalid mark price for ${spec.symbol}: ${given[spec.symbol]}`);
      }
      marks.set(spec.symbol, price.units);
    }
    const core = new SimCore(resolved, accounts, limiter, marks, options.clock ?? REAL_CLOCK, options);
    if (options.faults !== undefined) core.faults.set(options.faults);
    return core;
  }

  /**
   * Moves the mark of `symbol`: resting orders it passes fill (by at most `fillQty` each when given), then
   * the algo orders it triggers place their orders against the new book.
   */
  moveMark(symbol: string, mark: bigint, fillQty?: bigint): void {
    const now = this.now();
    this.exchange.setMark(symbol, mark, now, fillQty);
    this.algo.markMoved(
      symbol,
      mark,
      now,
      (account, req, link) => this.exchange.place(account, req, now, link),
    );
  }

  /** One funding time: every open position pays or receives `amount × mark × rate`. */
  #settleFunding(rate: bigint, time: number): void {
    for (const account of this.accounts.values()) {
      let paid = 0n;
      let any = false;
      for (const p of account.positions.values()) {
        if (p.amount === 0n) continue;
        any = true;
        paid += mul(mul(p.amount, this.exchange.marks.get(p.symbol) ?? p.entry), rate);
      }
      if (!any) continue;
      account.applyFunding(-paid, time);
      this.streams.fundingPaid(account);
    }
  }

  /** The simulator's clock (ms): `Date.now()` (or the injected clock's `now()`) `+ clockOffsetMs`. */
  now(): number {
    return this.clock.now() + this.options.clockOffsetMs;
  }
}
