/**
 * The second half of a halt: cancel every order the router's observer knows to be open or unknown, once new
 * orders are stopped. Cancels go out concurrently; each outcome is reported, none is retried blindly. The
 * cancels' outcomes reach the observer through the pipeline like any other cancel.
 *
 * @module
 */

import { ExchangeError } from "../errors.ts";
import type { OpenOrderRef } from "../pipeline/order_observer.ts";
import type { AlgoOrderRef, OrderRef } from "../types.ts";

/**
 * What a halt did.
 *
 * @example
 * ```ts
 * const report: HaltReport = { halted: true, reason: "news", canceled: ["lr-1"], failed: [] };
 * ```
 */
export interface HaltReport {
  /** Always true: new orders are stopped. */
  halted: true;
  /** The reason this halt added. */
  reason: string;
  /** Client ids cancelled (or found already gone: -2011/-2013). */
  canceled: string[];
  /** Client ids whose cancel failed, with the error message: still tracked, cancel again or reconcile. */
  failed: { clientOrderId: string; error: string }[];
}

/** The cancels a halt needs. */
export interface Canceller {
  /** `order.cancel`. */
  cancelOrder(ref: OrderRef): Promise<unknown>;
  /** `algoOrder.cancel`. */
  cancelAlgoOrder(ref: AlgoOrderRef): Promise<unknown>;
}

/**
 * Cancels each of `open` (LIMIT/MARKET orders by origClientOrderId, algo orders by clientAlgoId).
 *
 * @example
 * ```ts
 * const report = await cancelOpenOrders(router, "news", [{ clientOrderId: "lr-1", symbol: "BTCUSDT", algo: false }]);
 * ```
 */
export async function cancelOpenOrders(
  canceller: Canceller,
  reason: string,
  open: readonly OpenOrderRef[],
): Promise<HaltReport> {
  const report: HaltReport = { halted: true, reason, canceled: [], failed: [] };
  await Promise.all(open.map(async (o) => {
    try {
      if (o.algo) await canceller.cancelAlgoOrder({ clientAlgoId: o.clientOrderId });
      else await canceller.cancelOrder({ symbol: o.symbol, origClientOrderId: o.clientOrderId });
      report.canceled.push(o.clientOrderId);
    } catch (e) {
      if (e instanceof ExchangeError && (e.code === -2011 || e.code === -2013)) {
        report.canceled.push(o.clientOrderId);
      } else report.failed.push({ clientOrderId: o.clientOrderId, error: (e as Error).message });
    }
  }));
  return report;
}
