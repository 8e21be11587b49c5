/**
 * Connects the journal to the router: the order lifecycle (intent before sending, then the outcome)
 * become journal records.
 *
 * @module
 */

import type { OrderObserver } from "../pipeline/order_observer.ts";
import type { OrderJournal } from "./order_journal.ts";
import { isPlace } from "../orders/tracked_order.ts";

/**
 * An observer that journals every order-mutating request that names an order.
 *
 * @example
 * ```ts
 * import { OrderJournal } from "./order_journal.ts";
 * import { OrderTracker } from "../orders/order_tracker.ts";
 * import { combineObservers } from "../pipeline/order_observer.ts";
 * import { Router, type RouterOptions } from "../router/router.ts";
 * declare const options: RouterOptions;
 * const { journal } = OrderJournal.open({ dir: "./lightning-data/production" });
 * const tracker = new OrderTracker();
 * const observer = combineObservers(tracker, journalObserver(journal));
 * const router = await Router.connect({ ...options, observer });
 * ```
 */
export function journalObserver(journal: OrderJournal, options: JournalObserverOptions = {}): OrderObserver {
  const ours = options.ours;
  // Asked of cancels, modifies and queries only: a place names an order of this router by definition.
  const skip = (cid: string, method: string) =>
    cid === "" || (ours !== undefined && !isPlace(method) && !ours(cid));
  return {
    intent(cid, method, params, cidKey) {
      // A cancel/modify by orderId of an order this router does not know has no id to reconcile by.
      if (skip(cid, method)) return;
      // A generated client id is not in `params` (the encoder adds it): the journal records it under cidKey.
      try {
        journal.appendIntent(cid, method, params, cidKey);
      } catch (e) {
        // An order that can only reduce a position (a flatten's, a halt's with flatten) goes out unrecorded:
        // the panic button must work on a full disk. The journal has reported its failure already; the
        // exchange's listing finds such an order at the next start if it rests.
        if (!onlyReduces(params)) throw e;
      }
    },
    ack(cid, result, method) {
      if (skip(cid, method)) return;
      const r = (typeof result === "object" && result !== null ? result : {}) as Record<string, unknown>;
      const id = r.orderId ?? r.algoId;
      // algoOrder.cancel answers without a status; its success is final.
      const status = method === "algoOrder.cancel" ? "CANCELED" : r.status ?? r.algoStatus;
      // The symbol and method make the record enough to reconcile the order by, should its intent be lost.
      const about = typeof r.symbol === "string" ? { method, symbol: r.symbol } : { method };
      journal.appendAck(
        cid,
        typeof id === "number" ? id : undefined,
        typeof status === "string" ? status : undefined,
        about,
      );
    },
    rejected(cid, code, msg, method) {
      if (skip(cid, method)) return;
      // Only a rejected place ends the order it names. A refused cancel/modify leaves it as it was; -2011/-2013
      // say the exchange does not hold it open, but not how it ended (it may have filled while the stream was
      // away): it stays open here until the follow-up's answer (order.status) ends it, and a restart before
      // that answer asks again.
      if (isPlace(method)) journal.appendRejected(cid, code, msg, { method });
    },
    unknown(cid, reason, method) {
      if (!skip(cid, method)) journal.appendUnknown(cid, reason, { method });
    },
    notSent(cid, method) {
      // A cancel/modify that did not go out changes nothing; a place that did not go out never existed.
      if (cid !== "" && isPlace(method)) journal.appendRejected(cid, 0, "not sent", { method });
    },
  };
}

/**
 * Options of {@linkcode journalObserver}.
 *
 * @example
 * ```ts
 * import { OrderTracker } from "../orders/order_tracker.ts";
 * const tracker = new OrderTracker();
 * const options: JournalObserverOptions = {
 *   ours: (cid) => tracker.get(cid)?.external === false,
 * };
 * ```
 */
export interface JournalObserverOptions {
  /**
   * Whether the order `cid` is this router's (the account holds it, and not as another client's): the
   * cancels, modifies and queries of any other id are not journaled. Recorded, a request about another
   * client's order made it this router's at the next start (restored as its own, and cancelled by a halt),
   * and one about an id nobody placed (a typo) came back as an order to reconcile, without a symbol to ask by.
   */
  ours?: (cid: string) => boolean;
}

/**
 * Whether an order can only reduce a position: reduce-only or closePosition (one-way), or a close of a hedge
 * side (SELL on LONG, BUY on SHORT).
 */
function onlyReduces(params: Readonly<Record<string, unknown>>): boolean {
  const yes = (v: unknown) => v === true || v === "true";
  if (yes(params.reduceOnly) || yes(params.closePosition)) return true;
  const side = params.positionSide;
  return (side === "LONG" && params.side === "SELL") || (side === "SHORT" && params.side === "BUY");
}
