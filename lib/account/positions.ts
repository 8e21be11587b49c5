/**
 * Positions and balances as the account last reported them: from `ACCOUNT_UPDATE` events and from the
 * `v2/account.position` / `v2/account.balance` snapshots that reconciliation fetches. Each line keeps the
 * exchange time it describes; a snapshot older than the newest event applied to that line is ignored.
 *
 * @module
 */

import type { BalanceUpdate, PositionUpdate } from "./user_events.ts";

/**
 * One position (one-way mode: positionSide BOTH; hedge mode: LONG and SHORT lines).
 *
 * @example
 * ```ts
 * declare const book: PositionBook;
 * for (const p of book.positions()) console.log(p.symbol, p.positionAmt, p.unrealizedProfit);
 * ```
 */
export interface Position {
  symbol: string;
  positionSide: string;
  positionAmt: string;
  entryPrice: string;
  unrealizedProfit: string;
  /** Exchange ms this line describes. */
  updateTime: number;
}

/**
 * `p` with its unrealized PnL at `mark` ((mark − entry) × signed amount, in the quote asset, 8 decimals) and
 * the mark it was taken at; `p` as the exchange last reported it (`markPrice` null) without a mark. The
 * exchange's own figure comes with ACCOUNT_UPDATE, sent only when a balance or position changes: between fills
 * it does not follow the market.
 *
 * @example
 * ```ts
 * const p: Position = { symbol: "BTCUSDT", positionSide: "BOTH", positionAmt: "-0.006", entryPrice: "50000",
 *   unrealizedProfit: "0", updateTime: 1 };
 * atMark(p, 50100).unrealizedProfit; // "-0.60000000"
 * ```
 */
export function atMark(p: Position, mark: number | undefined): Position & { markPrice: string | null } {
  if (mark === undefined || !(mark > 0)) return { ...p, markPrice: null };
  const pnl = (mark - Number(p.entryPrice)) * Number(p.positionAmt);
  return { ...p, unrealizedProfit: (Object.is(pnl, -0) ? 0 : pnl).toFixed(8), markPrice: String(mark) };
}

/** One asset's balance. */
export interface Balance {
  asset: string;
  walletBalance: string;
  crossWalletBalance: string;
  /** Exchange ms this line describes. */
  updateTime: number;
}

/**
 * Positions and balances with newest-wins precedence.
 *
 * @example
 * ```ts
 * const book = new PositionBook();
 * book.applyPosition({ symbol: "BTCUSDT", positionSide: "BOTH", positionAmt: "0.002", entryPrice: "50000", unrealizedProfit: "0" }, 1);
 * book.positions(); // the non-zero ones
 * ```
 */
export class PositionBook {
  readonly #positions = new Map<string, Position>();
  readonly #balances = new Map<string, Balance>();

  /** Applies one position line at exchange time `time`; returns the new line, or undefined if stale/same. */
  applyPosition(p: PositionUpdate, time: number): Position | undefined {
    const key = `${p.symbol}:${p.positionSide}`;
    const old = this.#positions.get(key);
    if (old !== undefined && time < old.updateTime) return undefined;
    if (
      old !== undefined && old.positionAmt === p.positionAmt && old.entryPrice === p.entryPrice &&
      old.unrealizedProfit === p.unrealizedProfit
    ) return undefined;
    const line: Position = { ...p, updateTime: Math.max(time, old?.updateTime ?? 0) };
    this.#positions.set(key, line);
    return line;
  }

  /** Applies one balance line at exchange time `time`; returns the new line, or undefined if stale/same. */
  applyBalance(b: BalanceUpdate, time: number): Balance | undefined {
    const old = this.#balances.get(b.asset);
    if (old !== undefined && time < old.updateTime) return undefined;
    if (
      old !== undefined && old.walletBalance === b.walletBalance &&
      old.crossWalletBalance === b.crossWalletBalance
    ) return undefined;
    const line: Balance = { ...b, updateTime: Math.max(time, old?.updateTime ?? 0) };
    this.#balances.set(b.asset, line);
    return line;
  }

  /** Positions, non-zero ones unless `all`, optionally of one symbol. */
  positions(options: { symbol?: string | undefined; all?: boolean } = {}): Position[] {
    return [...this.#positions.values()].filter((p) =>
      (options.all || Number(p.positionAmt) !== 0) &&
      (options.symbol === undefined || p.symbol === options.symbol)
    );
  }

  /** Every balance line. */
  balances(): Balance[] {
    return [...this.#balances.values()];
  }
}
