/**
 * The second half of the kill switch: cancel every order the router knows to be open (or unknown), once new
 * orders are halted. Cancels go out concurrently; each outcome is reported, none is retried blindly.
 *
 * @module
 */

import { ExchangeError } from "../errors.ts";
import type { Router } from "../router/router.ts";
import type { OrderTracker } from "./order_tracker.ts";

/** What a cancel-all did. */
export interface CancelAllReport {
  /** Client ids cancelled (or found already gone: -2011). */
  canceled: string[];
  /** Client ids whose cancel failed, with the error message: still tracked, cancel again or reconcile. */
  failed: { clientOrderId: string; error: string }[];
}

/**
 * Cancels every open, pending or unknown order in `tracker` (LIMIT orders by origClientOrderId, algo orders by
 * clientAlgoId). Works while the router is halted.
 *
 * @example
 * ```ts
 * router.halt("news");
 * const report = await cancelAllTracked(router, tracker);
 * ```
 */
export async function cancelAllTracked(
  router: Pick<Router, "cancelOrder" | "cancelAlgoOrder">,
  tracker: OrderTracker,
): Promise<CancelAllReport> {
  const report: CancelAllReport = { canceled: [], failed: [] };
  await Promise.all(
    tracker.list().map(async (o) => {
      try {
        if (o.algo) {
          await router.cancelAlgoOrder({ clientAlgoId: o.clientOrderId });
          tracker.apply({ clientAlgoId: o.clientOrderId, algoStatus: "CANCELED" });
        } else {
          tracker.apply(await router.cancelOrder({ symbol: o.symbol, origClientOrderId: o.clientOrderId }));
        }
        report.canceled.push(o.clientOrderId);
      } catch (e) {
        if (e instanceof ExchangeError && (e.code === -2011 || e.code === -2013)) {
          tracker.notFound(o.clientOrderId);
          report.canceled.push(o.clientOrderId);
        } else report.failed.push({ clientOrderId: o.clientOrderId, error: (e as Error).message });
      }
    }),
  );
  return report;
}
