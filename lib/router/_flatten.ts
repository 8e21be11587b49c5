/**
 * Flattening a symbol: the position closed with reduce-only MARKET orders, sized from the exchange's own
 * position (`v2/account.position`, asked just before), never from the live view, which may be behind. Each
 * closing order carries `reduceOnly` (one-way mode), so whatever happened meanwhile it can only shrink the
 * position; it asks `newOrderRespType: RESULT`, so its answer is final. A position larger than the symbol's
 * MARKET_LOT_SIZE maximum is closed in as many orders as that takes. The position is asked again afterwards
 * and reported as `remaining` (another client's fill, or a MARKET order that found no liquidity).
 *
 * Hedge-mode lines (positionSide LONG/SHORT) are not closed: a closing order there carries `positionSide`
 * instead of `reduceOnly`, which the pre-trade exposure (one-way only) cannot tell from an opening one. They
 * are reported in `failed`, naming the line.
 *
 * @module
 */

import type { OrderResult, PlaceOrderParams } from "../types.ts";
import { formatScaled, parseScaled } from "../risk/scaled_decimal.ts";

/**
 * What flattening one symbol did.
 *
 * @example
 * ```ts
 * const report: FlattenReport = { symbol: "BTCUSDT", cancels: { canceled: [], failed: [] }, position: "-0.003",
 *   closed: [{ clientOrderId: "lr-1",
 *   side: "BUY", quantity: "0.003", status: "FILLED", executedQty: "0.003" }], failed: [], remaining: "0" };
 * ```
 */
export interface FlattenReport {
  /** The symbol flattened. */
  symbol: string;
  /** This router's open orders on the symbol, cancelled first (by a halt, the halt's own report has them). */
  cancels: { canceled: string[]; failed: { clientOrderId: string; error: string }[] };
  /** The one-way position the exchange showed before closing ("0": already flat). */
  position: string;
  /** The closing orders the exchange answered, with their final status. */
  closed: { clientOrderId: string; side: string; quantity: string; status: string; executedQty: string }[];
  /** Closing orders that failed (or position lines not closed), with the reason. */
  failed: { side: string; quantity: string; error: string }[];
  /**
   * The position the exchange showed afterwards: "0" when flat, the amount (with the side for a hedge-mode
   * line, e.g. "0.002 LONG"), or "unknown" when that query failed.
   */
  remaining: string;
}

/** What flattening needs from the router. */
export interface Flattener {
  /** `v2/account.position` of one symbol. */
  accountPositions(symbol: string): Promise<Record<string, unknown>[]>;
  /** Sends one closing order (past any halt: it can only reduce). */
  placeClosing(params: PlaceOrderParams): Promise<OrderResult>;
  /** The symbol's quantity scale and MARKET_LOT_SIZE maximum (scaled), when the filters are loaded. */
  marketLot(symbol: string): { qtyScale: number; maxQty: number } | undefined;
}

/**
 * Closes `symbol`'s one-way position with reduce-only MARKET orders and reports what happened.
 *
 * @example
 * ```ts
 * declare const router: Flattener;
 * const report = await flattenSymbol(router, "BTCUSDT");
 * if (report.remaining !== "0") console.error("still open:", report.remaining);
 * ```
 */
export async function flattenSymbol(router: Flattener, symbol: string): Promise<FlattenReport> {
  const report: FlattenReport = {
    symbol,
    cancels: { canceled: [], failed: [] },
    position: "0",
    closed: [],
    failed: [],
    remaining: "unknown",
  };
  for (const line of await router.accountPositions(symbol)) {
    if (line.symbol !== symbol) continue;
    const amount = String(line.positionAmt ?? "0");
    if (Number(amount) === 0) continue;
    const side = amount.startsWith("-") ? "BUY" : "SELL";
    const quantity = amount.replace(/^[-+]/, "");
    const positionSide = String(line.positionSide ?? "BOTH");
    if (positionSide !== "BOTH") {
      const error =
        `hedge-mode ${positionSide} position not closed: close it with positionSide ${positionSide}`;
      report.failed.push({ side, quantity, error });
      continue;
    }
    report.position = amount;
    await Promise.all(
      chunks(router.marketLot(symbol), quantity).map(async (q) => {
        const params: PlaceOrderParams = {
          symbol,
          side,
          type: "MARKET",
          quantity: q,
          reduceOnly: true,
          newOrderRespType: "RESULT",
        };
        try {
          const r = await router.placeClosing(params);
          report.closed.push({
            clientOrderId: String(r.clientOrderId),
            side,
            quantity: q,
            status: String(r.status),
            executedQty: String(r.executedQty),
          });
        } catch (e) {
          report.failed.push({ side, quantity: q, error: (e as Error).message });
        }
      }),
    );
  }
  try {
    const after = await router.accountPositions(symbol);
    const left = after.find((l) => l.symbol === symbol && Number(l.positionAmt ?? 0) !== 0);
    const side = String(left?.positionSide ?? "BOTH");
    report.remaining = left === undefined
      ? "0"
      : `${String(left.positionAmt)}${side === "BOTH" ? "" : ` ${side}`}`;
  } catch { /* stays "unknown" */ }
  return report;
}

/** `quantity` in pieces no larger than the MARKET_LOT_SIZE maximum (one piece when that is unknown). */
function chunks(lot: { qtyScale: number; maxQty: number } | undefined, quantity: string): string[] {
  if (lot === undefined || !(lot.maxQty > 0) || !Number.isFinite(lot.maxQty)) return [quantity];
  let left = parseScaled(quantity, lot.qtyScale);
  if (!(left > 0) || !Number.isFinite(left)) return [quantity];
  const out: string[] = [];
  while (left > 0 && out.length < 1000) {
    const piece = Math.min(left, lot.maxQty);
    out.push(formatScaled(piece, lot.qtyScale));
    left -= piece;
  }
  return out;
}
