/**
 * Flattening a symbol: the position closed with MARKET orders that can only reduce it, sized from the
 * exchange's own position (`v2/account.position`, asked just before), never from the live view, which may be
 * behind. In one-way mode a closing order carries `reduceOnly`; in hedge mode (a LONG or SHORT line) it
 * carries that line's `positionSide` (the exchange refuses `reduceOnly` there): SELL on LONG, BUY on SHORT,
 * which close a side and cannot open one. So whatever happened meanwhile, it can only shrink the position.
 * Each asks `newOrderRespType: RESULT`, so its answer is final. A line larger than the symbol's
 * MARKET_LOT_SIZE maximum is closed in as many orders as that takes. The position is asked again afterwards
 * and reported as `remaining` (another client's fill, or a MARKET order that found no liquidity).
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
  /**
   * The position the exchange showed before closing: "0" when flat, the amount in one-way mode, each hedge-mode
   * line's amount with its side (e.g. "0.002 LONG, -0.001 SHORT").
   */
  position: string;
  /** The closing orders the exchange answered, with their final status. */
  closed: { clientOrderId: string; side: string; quantity: string; status: string; executedQty: string }[];
  /** Closing orders that failed (or position lines not closed), with the reason. */
  failed: { side: string; quantity: string; error: string }[];
  /** The position the exchange showed afterwards, as `position` says it, or "unknown" when that query failed. */
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
 * Closes `symbol`'s position (one-way, or both hedge-mode sides) with MARKET orders that can only reduce it,
 * and reports what happened.
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
  const lines = open(await router.accountPositions(symbol), symbol);
  report.position = describe(lines);
  for (const line of lines) {
    const amount = String(line.positionAmt);
    const side = amount.startsWith("-") ? "BUY" : "SELL";
    const positionSide = String(line.positionSide ?? "BOTH");
    // One-way: reduce-only. Hedge mode: the line's side (SELL on LONG, BUY on SHORT closes it).
    const closes = positionSide === "BOTH"
      ? { reduceOnly: true as const }
      : { positionSide: positionSide as "LONG" | "SHORT" };
    await Promise.all(
      chunks(router.marketLot(symbol), amount.replace(/^[-+]/, "")).map(async (q) => {
        const params: PlaceOrderParams = {
          symbol,
          side,
          type: "MARKET",
          quantity: q,
          ...closes,
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
    report.remaining = describe(open(await router.accountPositions(symbol), symbol));
  } catch { /* stays "unknown" */ }
  return report;
}

/** `symbol`'s lines with a position, of the exchange's `v2/account.position` answer. */
function open(lines: Record<string, unknown>[], symbol: string): Record<string, unknown>[] {
  return lines.filter((l) => l.symbol === symbol && Number(l.positionAmt ?? 0) !== 0);
}

/** Lines as `FlattenReport.position` says them: "0", the one-way amount, or "amount SIDE" per hedge line. */
function describe(lines: Record<string, unknown>[]): string {
  if (lines.length === 0) return "0";
  return lines.map((l) => {
    const side = String(l.positionSide ?? "BOTH");
    return `${String(l.positionAmt)}${side === "BOTH" ? "" : ` ${side}`}`;
  }).join(", ");
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
