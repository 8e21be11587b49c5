/**
 * What the router tells a write-ahead journal about order-mutating requests. The router calls `intent`
 * before the frame leaves the process, and one of the outcome hooks when the request settles.
 *
 * @module
 */

import type { Params } from "../types.ts";

/**
 * Journal callbacks. Implementations must be cheap and must not throw (they run on the hot path).
 *
 * @example
 * ```ts
 * const hooks: OrderObserver = {
 *   intent: (cid, method, params) => journal.appendIntent(cid, method, params),
 *   ack: (cid, result) => journal.appendAck(cid, undefined, undefined),
 *   rejected: (cid, code, msg) => journal.appendRejected(cid, code, msg),
 *   unknown: (cid, reason) => journal.appendUnknown(cid, reason),
 *   notSent: (cid) => journal.appendRejected(cid, 0, "not sent"),
 * };
 * ```
 */
export interface OrderObserver {
  /** Before sending. `cidKey` names the param that `cid` fills in when the router generated it. */
  intent(cid: string, method: string, params: Params, cidKey: string): void;
  /** The exchange accepted it; `result` is the exchange's result object. */
  ack(cid: string, result: unknown): void;
  /** The exchange rejected it: final, nothing changed. */
  rejected(cid: string, code: number, msg: string): void;
  /** Outcome unknown (timeout, disconnect, -1006/-1007/5xx): needs reconciliation. */
  unknown(cid: string, reason: string): void;
  /** The frame was built but never left the process. */
  notSent(cid: string): void;
  /** Optional: the client id of a known order, so a cancel/modify by orderId is tracked by client id. */
  clientOrderIdOf?(symbol: string, orderId: number): string | undefined;
}

/**
 * Calls every hook set in order (e.g. the order tracker, then the file journal).
 *
 * @example
 * ```ts
 * const hooks = combineObservers(tracker, journalObserver);
 * ```
 */
export function combineObservers(...all: OrderObserver[]): OrderObserver {
  if (all.length === 1) return all[0]!;
  return {
    intent: (cid, method, params, cidKey) => {
      for (const h of all) h.intent(cid, method, params, cidKey);
    },
    ack: (cid, result) => {
      for (const h of all) h.ack(cid, result);
    },
    rejected: (cid, code, msg) => {
      for (const h of all) h.rejected(cid, code, msg);
    },
    unknown: (cid, reason) => {
      for (const h of all) h.unknown(cid, reason);
    },
    notSent: (cid) => {
      for (const h of all) h.notSent(cid);
    },
    clientOrderIdOf: (symbol, orderId) => {
      for (const h of all) {
        const cid = h.clientOrderIdOf?.(symbol, orderId);
        if (cid !== undefined) return cid;
      }
      return undefined;
    },
  };
}
