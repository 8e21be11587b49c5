/**
 * Account state: one USDT wallet (10 000 to start), positions built from fills (one per symbol in one-way
 * mode, a LONG and a SHORT line per symbol in hedge mode, `dualSidePosition`), the initial margin
 * reserved by resting orders, the account's ORDERS rate windows and its listenKey. Fills move the wallet by
 * their realized PnL minus their commission; funding moves it by the funding fee. Margin is deliberately simple
 * (fixed 20× leverage, cross): enough for -2019 and for plausible account.* results.
 *
 * @module
 */

import type { Credential } from "./auth.ts";
import { abs, mul, ONE } from "./decimal.ts";
import type { FixedWindow } from "./rate_limiter.ts";

/** Executions kept per account for `GET /fapi/v1/userTrades` (the oldest are dropped). */
export const TRADES_KEPT = 10_000;

/**
 * One execution of an account's order, as `GET /fapi/v1/userTrades` lists it.
 *
 * @example
 * ```ts
 * const t: SimTrade = { symbol: "BTCUSDT", id: 1, orderId: 8000000000, side: "BUY", positionSide: "BOTH",
 *   price: 5_000_000_000_000n, qty: 200_000n, realized: 0n, commission: 4_000_000n, maker: true, time: 1 };
 * ```
 */
export interface SimTrade {
  readonly symbol: string;
  /** Trade id (the stream's `t`). */
  readonly id: number;
  readonly orderId: number;
  readonly side: string;
  readonly positionSide: string;
  /** Price, quantity, realized PnL and commission in units of 1e-8. */
  readonly price: bigint;
  readonly qty: bigint;
  readonly realized: bigint;
  readonly commission: bigint;
  readonly maker: boolean;
  readonly time: number;
}

/** Fixed leverage of every simulated position. */
export const LEVERAGE = 20n;
/** Starting wallet balance in USDT units. */
export const START_BALANCE = 10_000n * ONE;

/**
 * The key of `symbol`'s position line on `positionSide`: the symbol itself for the one-way (BOTH) line.
 *
 * @example
 * ```ts
 * lineKey("BTCUSDT", "BOTH"); // "BTCUSDT"
 * lineKey("BTCUSDT", "LONG"); // "BTCUSDT:LONG"
 * ```
 */
export function lineKey(symbol: string, positionSide: string): string {
  return positionSide === "BOTH" ? symbol : `${symbol}:${positionSide}`;
}

/**
 * Whether an order on `positionSide` closes that hedge-mode side (SELL on LONG, BUY on SHORT): it can only
 * reduce it. Never in one-way mode (BOTH).
 *
 * @example
 * ```ts
 * closesSide("LONG", "SELL"); // true
 * closesSide("BOTH", "SELL"); // false
 * ```
 */
export function closesSide(positionSide: string, side: string): boolean {
  return positionSide !== "BOTH" && (positionSide === "LONG") === (side === "SELL");
}

/** A position line: one-way (BOTH), or one side of a hedge-mode symbol (LONG ≥ 0, SHORT ≤ 0). */
export interface Position {
  readonly symbol: string;
  /** BOTH, LONG or SHORT. */
  readonly positionSide: string;
  /** Signed quantity in units: > 0 long, < 0 short. */
  amount: bigint;
  /** Average entry price in units (0n when flat). */
  entry: bigint;
  /** Realized PnL accumulated on this symbol since start (USDT units, before fees): `cr` on the stream. */
  realized: bigint;
  /** Commission paid to open the current position (USDT units), for the break-even price. */
  openFees: bigint;
  updateTime: number;
}

/**
 * One API key's account.
 *
 * @example
 * ```ts
 * import { units } from "./decimal.ts";
 * import { RateLimiter } from "./rate_limiter.ts";
 * const limiter = new RateLimiter({ ordersPer10s: 300, ordersPerMinute: 1200, weightPerMinute: 2400 });
 * const account = new Account("key", { kind: "hmac", secret: "s" }, limiter.orderWindows());
 * account.applyFill("BTCUSDT", "BUY", units("0.01"), units("51000"), Date.now(), units("0.255"));
 * ```
 */
export class Account {
  wallet: bigint = START_BALANCE;
  /** Initial margin held by resting orders. */
  openOrderMargin = 0n;
  updateTime = 0;
  /** Hedge mode: orders name a side (LONG/SHORT), each side is its own position line. */
  dualSidePosition = false;
  /** Position lines by {@linkcode lineKey}. */
  readonly positions = new Map<string, Position>();
  listenKey: string | undefined;
  listenKeyExpiresAt = 0;
  /** Executions, oldest first (the latest {@linkcode TRADES_KEPT}). */
  readonly trades: SimTrade[] = [];

  constructor(
    readonly apiKey: string,
    readonly credential: Credential,
    readonly orderWindows: readonly FixedWindow[],
  ) {}

  /** Keeps one execution for `GET /fapi/v1/userTrades`. */
  recordTrade(trade: SimTrade): void {
    // Dropped in batches: a shift per trade would copy the whole list every time.
    if (this.trades.push(trade) > 2 * TRADES_KEPT) this.trades.splice(0, this.trades.length - TRADES_KEPT);
  }

  /** Signed amount of `symbol`'s line on `positionSide` (0n when none). */
  positionAmount(symbol: string, positionSide = "BOTH"): bigint {
    return this.positions.get(lineKey(symbol, positionSide))?.amount ?? 0n;
  }

  /**
   * Books a fill: grows, reduces, closes or flips the position, realises PnL into the wallet and pays the
   * `commission` from it. Returns the PnL this fill realised (0n unless it reduced the position).
   */
  applyFill(
    symbol: string,
    side: string,
    qty: bigint,
    price: bigint,
    now: number,
    commission = 0n,
    positionSide = "BOTH",
  ): bigint {
    const signed = side === "BUY" ? qty : -qty;
    const key = lineKey(symbol, positionSide);
    let p = this.positions.get(key);
    if (p === undefined) {
      p = { symbol, positionSide, amount: 0n, entry: 0n, realized: 0n, openFees: 0n, updateTime: now };
      this.positions.set(key, p);
    }
    const before = p.amount;
    const after = before + signed;
    let realized = 0n;
    if (before === 0n || (before > 0n) === (signed > 0n)) {
      p.entry = (abs(before) * p.entry + qty * price) / abs(after);
      p.openFees += commission;
    } else {
      const closed = abs(signed) < abs(before) ? abs(signed) : abs(before);
      const pnl = mul(closed, price - p.entry);
      realized = before > 0n ? pnl : -pnl;
      this.wallet += realized;
      p.realized += realized;
      if (after === 0n) {
        p.entry = 0n;
        p.openFees = 0n;
      } else if ((after > 0n) !== (before > 0n)) {
        p.entry = price;
        p.openFees = (commission * abs(after)) / qty; // the part of this fill that opened the new side
      } else {
        p.openFees -= (p.openFees * closed) / abs(before);
      }
    }
    this.wallet -= commission;
    p.amount = after;
    p.updateTime = now;
    this.updateTime = now;
    return realized;
  }

  /**
   * Break-even price of the position: the entry moved by the opening commission per unit (0n when flat).
   * Closing fees are not included (a simulator choice).
   */
  breakEven(symbol: string, positionSide = "BOTH"): bigint {
    const p = this.positions.get(lineKey(symbol, positionSide));
    if (p === undefined || p.amount === 0n) return 0n;
    const perUnit = (p.openFees * ONE) / abs(p.amount);
    return p.amount > 0n ? p.entry + perUnit : p.entry - perUnit;
  }

  /** Pays (negative) or receives (positive) a funding fee of `amount` USDT units. */
  applyFunding(amount: bigint, now: number): void {
    this.wallet += amount;
    this.updateTime = now;
  }

  /** Unrealised PnL of every position at `marks`. */
  unrealized(marks: ReadonlyMap<string, bigint>): bigint {
    let total = 0n;
    for (const p of this.positions.values()) {
      if (p.amount !== 0n) total += mul(p.amount, (marks.get(p.symbol) ?? p.entry) - p.entry);
    }
    return total;
  }

  /** Initial margin of every position at `marks`. */
  positionMargin(marks: ReadonlyMap<string, bigint>): bigint {
    let total = 0n;
    for (const p of this.positions.values()) {
      if (p.amount !== 0n) total += mul(abs(p.amount), marks.get(p.symbol) ?? p.entry) / LEVERAGE;
    }
    return total;
  }

  /** Margin available for new orders. */
  available(marks: ReadonlyMap<string, bigint>): bigint {
    return this.wallet + this.unrealized(marks) - this.positionMargin(marks) - this.openOrderMargin;
  }
}
