/**
 * Observers of the order lifecycle: the pipeline tells them about every order-mutating request, `intent`
 * before the frame leaves the process and one outcome when it settles. The order tracker and the write-ahead
 * journal are observers; the pipeline knows neither.
 *
 * @module
 */

import type { Params } from "../types.ts";

/** An order an observer knows to be open (or unknown), as much as it takes to cancel it. */
export interface OpenOrderRef {
  /** Client order id (client algo id for algo orders). */
  clientOrderId: string;
  /** Trading pair, e.g. BTCUSDT. */
  symbol: string;
  /** A conditional order: cancelled with `algoOrder.cancel`. */
  algo: boolean;
  /** "pending" while its place is unanswered (a halt checks such orders again once they are answered). */
  state?: string;
}

/**
 * Order lifecycle callbacks. Implementations must be cheap and must not throw, except `intent`, which throws
 * to refuse the order (a journal that cannot write it): nothing is then sent.
 *
 * @example
 * ```ts
 * const seen: string[] = [];
 * const observer: OrderObserver = {
 *   intent: (cid, method) => void seen.push(`${method} ${cid}`),
 *   ack: (cid) => void seen.push(`ack ${cid}`),
 *   rejected: (cid, code) => void seen.push(`rejected ${cid} ${code}`),
 *   unknown: (cid) => void seen.push(`unknown ${cid}`),
 *   notSent: (cid) => void seen.push(`not sent ${cid}`),
 * };
 * ```
 */
export interface OrderObserver {
  /** Before sending. `cidKey` names the param that `cid` fills in when the router generated it. */
  intent(cid: string, method: string, params: Params, cidKey: string): void;
  /** The exchange accepted `method`; `result` is the exchange's result object. */
  ack(cid: string, result: unknown, method: string): void;
  /**
   * The exchange rejected `method`: final, nothing changed. A refused cancel or modify says nothing about the
   * order it names being gone, except -2011/-2013 (the exchange does not hold it open).
   */
  rejected(cid: string, code: number, msg: string, method: string): void;
  /** Outcome of `method` unknown (timeout, disconnect, -1006/-1007/5xx): needs reconciliation. */
  unknown(cid: string, reason: string, method: string): void;
  /** The `method` frame was built but never left the process. */
  notSent(cid: string, method: string): void;
  /** Optional: the client id of a known order, so a cancel/modify by orderId is tracked by client id. */
  clientOrderIdOf?(symbol: string, orderId: number): string | undefined;
  /** Optional: the orders this observer knows to be open or unknown (what a halt cancels). */
  openOrders?(): OpenOrderRef[];
}

/**
 * Calls every observer in order (e.g. the order tracker, then the file journal). An `intent` that throws
 * stops the order: the observers already told get `notSent` from the pipeline.
 *
 * @example
 * ```ts
 * const quiet: OrderObserver = { intent() {}, ack() {}, rejected() {}, unknown() {}, notSent() {} };
 * const both = combineObservers(quiet, quiet);
 * both.ack("lr-1", { status: "NEW" }, "order.place");
 * ```
 */
export function combineObservers(...all: OrderObserver[]): OrderObserver {
  if (all.length === 1) return all[0]!;
  return {
    intent: (cid, method, params, cidKey) => {
      for (const o of all) o.intent(cid, method, params, cidKey);
    },
    ack: (cid, result, method) => {
      for (const o of all) o.ack(cid, result, method);
    },
    rejected: (cid, code, msg, method) => {
      for (const o of all) o.rejected(cid, code, msg, method);
    },
    unknown: (cid, reason, method) => {
      for (const o of all) o.unknown(cid, reason, method);
    },
    notSent: (cid, method) => {
      for (const o of all) o.notSent(cid, method);
    },
    clientOrderIdOf: (symbol, orderId) => {
      for (const o of all) {
        const cid = o.clientOrderIdOf?.(symbol, orderId);
        if (cid !== undefined) return cid;
      }
      return undefined;
    },
    openOrders: () => {
      for (const o of all) if (o.openOrders !== undefined) return o.openOrders();
      return [];
    },
  };
}
