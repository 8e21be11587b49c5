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
  /** A conditional order: cancelled with `algoOrder.cancel`, or once triggered as the order it became. */
  algo: boolean;
  /** A triggered conditional order's regular order in the matching engine (cancelled with `order.cancel`). */
  actualOrderId?: number;
  /** The exchange's id once known (the algoId for algo orders). */
  orderId?: number | undefined;
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
  /**
   * Optional: right after the frame of a request every `intent` accepted was handed to the socket, in the
   * same turn (before any answer, or any other request, is handled); also when the send failed or a
   * journal's `intent` refused the request, and then before `notSent`. For a record that need not be durable
   * before the frame leaves. Must not throw: the order may be on its way.
   */
  afterSend?(cid: string, method: string, params: Params, cidKey: string): void;
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
  /**
   * Optional: whether an order with this client id is in flight, open or of unknown outcome. The router then
   * refuses a new place with the same id (-4116, nothing sent): the exchange refuses a duplicate only among
   * open orders, so an IOC or MARKET order sent twice under one id could fill twice.
   */
  holdsClientOrderId?(cid: string): boolean;
  /**
   * Optional: whether the place of this client id is sent and not yet answered. A cancel or modify the
   * exchange refuses as unknown (-2011/-2013) meanwhile may have overtaken it: the router sends it once more
   * when the place is answered and the order rests.
   */
  placing?(cid: string): boolean;
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
    afterSend: (cid, method, params, cidKey) => {
      for (const o of all) o.afterSend?.(cid, method, params, cidKey);
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
    holdsClientOrderId: (cid) => {
      for (const o of all) if (o.holdsClientOrderId?.(cid) === true) return true;
      return false;
    },
    placing: (cid) => {
      for (const o of all) if (o.placing?.(cid) === true) return true;
      return false;
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

/**
 * `observer`, told of each intent only once its frame was handed to the socket (`afterSend`) instead of
 * before: for a record that need not be durable before the order leaves, such as the order tracker's. Bun
 * writes a WebSocket frame during `send`, so the order leaves that much sooner (the tracker's intent with its
 * account event: bench/README.md, tenth round); Deno writes it once the turn is over, so there it changes
 * nothing. The record is still made in the same turn, before any answer or any other order is handled, so
 * the pre-trade exposure counts the order before the next one is checked.
 *
 * @example
 * ```ts
 * import { OrderTracker } from "../orders/order_tracker.ts";
 * const tracker = new OrderTracker();
 * const observer = combineObservers(deferIntent(tracker));
 * observer.intent("lr-1", "order.place", { symbol: "BTCUSDT", side: "BUY", type: "MARKET" }, "newClientOrderId");
 * tracker.get("lr-1"); // undefined: not yet
 * observer.afterSend?.("lr-1", "order.place", { symbol: "BTCUSDT", side: "BUY", type: "MARKET" }, "newClientOrderId");
 * tracker.get("lr-1")?.state; // "pending"
 * ```
 */
export function deferIntent(observer: OrderObserver): OrderObserver {
  const deferred: OrderObserver = {
    intent: () => {},
    afterSend: (cid, method, params, cidKey) => observer.intent(cid, method, params, cidKey),
    ack: (cid, result, method) => observer.ack(cid, result, method),
    rejected: (cid, code, msg, method) => observer.rejected(cid, code, msg, method),
    unknown: (cid, reason, method) => observer.unknown(cid, reason, method),
    notSent: (cid, method) => observer.notSent(cid, method),
  };
  if (observer.clientOrderIdOf !== undefined) {
    deferred.clientOrderIdOf = (symbol, orderId) => observer.clientOrderIdOf!(symbol, orderId);
  }
  if (observer.openOrders !== undefined) deferred.openOrders = () => observer.openOrders!();
  if (observer.holdsClientOrderId !== undefined) {
    deferred.holdsClientOrderId = (cid) => observer.holdsClientOrderId!(cid);
  }
  if (observer.placing !== undefined) deferred.placing = (cid) => observer.placing!(cid);
  return deferred;
}
