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
import type { FlattenReport } from "./_flatten.ts";
import { FINAL_STATUSES } from "../vocabulary.ts";

/**
 * What a halt did.
 *
 * @example
 * ```ts
 * const report: HaltReport = { halted: true, reason: "news", canceled: ["lr-1"], alreadyFinished: [], failed: [] };
 * ```
 */
export interface HaltReport {
  /** Always true: new orders are stopped. */
  halted: true;
  /** The reason this halt added. */
  reason: string;
  /** Client ids this halt cancelled. */
  canceled: string[];
  /**
   * Orders the exchange no longer held open when the cancel arrived (-2011/-2013), with the state an
   * `order.status` then showed (FILLED, CANCELED, EXPIRED…; for an algo order, that of the order it became;
   * NOT_FOUND when the exchange does not know it: never placed, or too old to ask). One the query shows live
   * (NEW, PARTIALLY_FILLED: its place reached the engine after the cancel) is cancelled once more and listed
   * under `canceled` or `failed`; one whose query failed is under `failed` (it may still rest).
   */
  alreadyFinished: { clientOrderId: string; status: string }[];
  /** Client ids whose cancel failed, with the error message: still tracked, cancel again or reconcile. */
  failed: { clientOrderId: string; error: string }[];
  /** With `flatten`: each symbol that had a position, closed after the cancels (see `Router.flatten`). */
  flattened?: FlattenReport[];
  /** With `flatten`: why the positions could not be listed (nothing was closed). */
  flattenError?: string;
}

/**
 * What `cancelAllOpenOrders` did (`DELETE /orders/open`): a halt's report of one symbol, without the halt.
 *
 * @example
 * ```ts
 * const report: CancelAllReport = { symbol: "BTCUSDT", canceled: ["lr-1"], alreadyFinished: [], failed: [] };
 * ```
 */
export interface CancelAllReport extends Pick<HaltReport, "canceled" | "alreadyFinished" | "failed"> {
  /** The symbol whose open orders were cancelled. */
  symbol: string;
}

/** The requests a halt needs. */
export interface Canceller {
  /** `order.cancel`. */
  cancelOrder(ref: OrderRef): Promise<unknown>;
  /** `algoOrder.cancel` (the `Router`'s: a triggered algo order is cancelled as the regular order it became). */
  cancelAlgoOrder(ref: AlgoOrderRef): Promise<unknown>;
  /** `order.status`: what became of an order that was no longer open. */
  queryOrder(ref: OrderRef): Promise<{ status: string }>;
}

/**
 * Cancels each of `open` (LIMIT/MARKET orders by origClientOrderId, algo orders by clientAlgoId: the canceller
 * cancels a triggered one as the regular order it became).
 *
 * @example
 * ```ts
 * import type { Router } from "./router.ts";
 * declare const router: Router;
 * const open = [{ clientOrderId: "lr-1", symbol: "BTCUSDT", algo: false }];
 * const report = await cancelOpenOrders(router, "news", open);
 * ```
 */
export async function cancelOpenOrders(
  canceller: Canceller,
  reason: string,
  open: readonly OpenOrderRef[],
): Promise<HaltReport> {
  const report: HaltReport = { halted: true, reason, canceled: [], alreadyFinished: [], failed: [] };
  await Promise.all(open.map((o) => cancelOne(canceller, o, report)));
  return report;
}

/**
 * `first` with the outcomes of `second` (a later pass over some of the same orders) in place of theirs.
 *
 * @example
 * ```ts
 * const first: HaltReport = { halted: true, reason: "r", canceled: [], alreadyFinished: [{ clientOrderId: "a",
 *   status: "NOT_FOUND" }], failed: [] };
 * const second: HaltReport = { ...first, canceled: ["a"], alreadyFinished: [] };
 * mergeHaltReports(first, second).canceled; // ["a"]
 * ```
 */
export function mergeHaltReports(first: HaltReport, second: HaltReport): HaltReport {
  const again = new Set([...second.canceled, ...second.alreadyFinished.map((o) => o.clientOrderId)]);
  for (const f of second.failed) again.add(f.clientOrderId);
  return {
    halted: true,
    reason: first.reason,
    canceled: [...first.canceled.filter((id) => !again.has(id)), ...second.canceled],
    alreadyFinished: [
      ...first.alreadyFinished.filter((o) => !again.has(o.clientOrderId)),
      ...second.alreadyFinished,
    ],
    failed: [...first.failed.filter((o) => !again.has(o.clientOrderId)), ...second.failed],
  };
}

/** Cancels `o`, adding the outcome to `report`. */
async function cancelOne(canceller: Canceller, o: OpenOrderRef, report: HaltReport): Promise<void> {
  const clientOrderId = o.clientOrderId;
  try {
    // An algo order that triggered is cancelled as the order it became (`Router.cancelAlgoOrder`).
    if (o.algo) await canceller.cancelAlgoOrder({ clientAlgoId: clientOrderId });
    else await canceller.cancelOrder({ symbol: o.symbol, origClientOrderId: clientOrderId });
    report.canceled.push(clientOrderId);
  } catch (e) {
    if (!isNotOpen(e)) {
      report.failed.push({ clientOrderId, error: (e as Error).message });
      return;
    }
    const status = await finalStatus(canceller, o);
    if (typeof status !== "string") {
      // Refused as not open, and what it is could not be asked: it may still rest. Not finished: failed.
      report.failed.push({
        clientOrderId,
        error: `cancel refused as not open, and its status could not be asked: ${status.error}`,
      });
      return;
    }
    // Live after all (a place the engine took after the cancel): cancel it once more.
    if (status !== NOT_FOUND && !FINAL_STATUSES.has(status)) await cancelAgain(canceller, o, report);
    else report.alreadyFinished.push({ clientOrderId, status });
  }
}

/**
 * The status reported for an order the exchange does not know (-2013 to its query): never placed (its place
 * was refused or never arrived), or too old to ask about; either way not resting.
 */
const NOT_FOUND = "NOT_FOUND";

/** The exchange no longer holds the order open (or never did): -2011 / -2013. */
function isNotOpen(e: unknown): boolean {
  return e instanceof ExchangeError && (e.code === -2011 || e.code === -2013);
}

/** The second and last cancel of an order a query showed live after a first cancel's -2011. */
async function cancelAgain(canceller: Canceller, o: OpenOrderRef, report: HaltReport): Promise<void> {
  try {
    await canceller.cancelOrder(
      o.actualOrderId === undefined
        ? { symbol: o.symbol, origClientOrderId: o.clientOrderId }
        : { symbol: o.symbol, orderId: o.actualOrderId },
    );
    report.canceled.push(o.clientOrderId);
  } catch (e) {
    report.failed.push({ clientOrderId: o.clientOrderId, error: (e as Error).message });
  }
}

/**
 * What an order the exchange no longer holds open ended as (the query also updates the observer): its status,
 * NOT_FOUND when the exchange does not know it, or the query's error.
 */
async function finalStatus(canceller: Canceller, o: OpenOrderRef): Promise<string | { error: string }> {
  try {
    // An algo order is asked about as the regular order it became (order.status cannot see algo orders): by
    // its id, or by the client algo id it carries (one never triggered answers -2013: NOT_FOUND, its algo
    // order ended otherwise, as the algo service's refusal said).
    if (o.actualOrderId !== undefined) {
      return (await canceller.queryOrder({ symbol: o.symbol, orderId: o.actualOrderId })).status;
    }
    return (await canceller.queryOrder({ symbol: o.symbol, origClientOrderId: o.clientOrderId })).status;
  } catch (e) {
    return e instanceof ExchangeError && e.code === -2013 ? NOT_FOUND : { error: (e as Error).message };
  }
}
