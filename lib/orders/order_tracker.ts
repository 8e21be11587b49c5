/**
 * The router's own view of the orders it placed: which are open, which are in flight, and which have an
 * unknown outcome and must be reconciled. Fed by the pipeline's journal hooks (intent → ack / reject /
 * unknown) and by reconciliation; read by `GET /orders`, `/health`, halt (cancel everything open) and the
 * dead-man's switch (symbols with open orders).
 *
 * @module
 */

import type { Params } from "../types.ts";
import type { OpenOrderRef, OrderObserver } from "../pipeline/order_observer.ts";

/** Where an order stands as far as the router knows. */
export type TrackedState = "pending" | "open" | "unknown";

/**
 * One order placed through this router that is not known to be finished.
 *
 * @example
 * ```ts
 * for (const o of tracker.list()) console.log(o.clientOrderId, o.state, o.status);
 * ```
 */
export interface TrackedOrder {
  /** Client order id (or client algo id). */
  clientOrderId: string;
  /** Trading pair, e.g. BTCUSDT. */
  symbol: string;
  /** BUY or SELL. */
  side: string;
  /** Order type, e.g. LIMIT or STOP_MARKET. */
  type: string;
  /** Order quantity (as sent, then as the exchange echoed it). */
  quantity: string;
  /** Limit price (trigger price for algo orders without one); "" when none. */
  price: string;
  /** Exchange order id once known (for algo orders, the algoId). */
  orderId: number | undefined;
  /** Exchange status (NEW, PARTIALLY_FILLED…), or PENDING / UNKNOWN. */
  status: string;
  /** pending (sent, no answer yet), open, or unknown (must be reconciled). */
  state: TrackedState;
  /** A conditional order (algoOrder.place): not visible to order.status. */
  algo: boolean;
  /** Local ms when the intent was recorded (reconciliation waits past it + recvWindow before NOT_FOUND). */
  intentAt: number;
  /** Local ms of the last change. */
  updatedAt: number;
}

const FINAL = new Set(["FILLED", "CANCELED", "EXPIRED", "EXPIRED_IN_MATCH", "REJECTED", "FINISHED"]);

/**
 * Tracks open and unknown orders by client order id.
 *
 * @example
 * ```ts
 * const tracker = new OrderTracker();
 * const router = await Router.connect({ ...options, journal: tracker });
 * tracker.list("unknown"); // orders to reconcile
 * ```
 */
export class OrderTracker implements OrderObserver {
  readonly #orders = new Map<string, TrackedOrder>();
  readonly #byOrderId = new Map<string, string>();
  #resolvedTotal = 0;

  /** Orders that are not finished, optionally of one state. */
  list(state?: TrackedState): TrackedOrder[] {
    const out: TrackedOrder[] = [];
    for (const o of this.#orders.values()) if (state === undefined || o.state === state) out.push(o);
    return out;
  }

  /** Count of orders in `state`. */
  count(state: TrackedState): number {
    let n = 0;
    for (const o of this.#orders.values()) if (o.state === state) n++;
    return n;
  }

  /** Unknown orders resolved by reconciliation since start. */
  get resolvedTotal(): number {
    return this.#resolvedTotal;
  }

  /** The tracked order with this client id. */
  get(clientOrderId: string): TrackedOrder | undefined {
    return this.#orders.get(clientOrderId);
  }

  /** Symbols with at least one open, pending or unknown order. */
  symbols(): string[] {
    return [...new Set([...this.#orders.values()].map((o) => o.symbol))];
  }

  /** OrderObserver: maps a cancel/modify by orderId to the client id, so its outcome is tracked. */
  clientOrderIdOf(symbol: string, orderId: number): string | undefined {
    return this.#byOrderId.get(symbol + ":" + orderId);
  }

  /** Records an order whose outcome is unknown from an earlier run (journal recovery). */
  restore(clientOrderId: string, method: string, params: Params, intentAt: number): void {
    const o = fromParams(clientOrderId, method, params, intentAt);
    // Algo orders cannot be queried over ws-fapi: listed as open but unverified rather than blocking on them.
    this.#orders.set(clientOrderId, {
      ...o,
      status: o.algo ? "UNVERIFIED" : "UNKNOWN",
      state: o.algo ? "open" : "unknown",
    });
  }

  /** Applies the exchange's answer about an order (from an ack or reconciliation). */
  apply(result: unknown, fallbackClientOrderId = ""): void {
    if (typeof result !== "object" || result === null) return;
    const r = result as Record<string, unknown>;
    const cid = String(r.clientOrderId ?? r.clientAlgoId ?? fallbackClientOrderId);
    const o = this.#orders.get(cid);
    if (o === undefined) return;
    const status = String(r.status ?? r.algoStatus ?? o.status);
    const wasUnknown = o.state === "unknown";
    const id = r.orderId ?? r.algoId;
    if (typeof id === "number" && o.orderId === undefined) {
      o.orderId = id;
      this.#byOrderId.set(o.symbol + ":" + id, cid);
    }
    if (typeof r.price === "string") o.price = r.price;
    if (typeof r.origQty === "string") o.quantity = r.origQty;
    o.status = status;
    o.updatedAt = Date.now();
    if (wasUnknown) this.#resolvedTotal++;
    if (FINAL.has(status)) this.#forget(cid);
    else o.state = "open";
  }

  /** Reconciliation found no such order (it never reached the exchange): forget it. */
  notFound(clientOrderId: string): void {
    if (this.#orders.get(clientOrderId)?.state === "unknown") this.#resolvedTotal++;
    this.#forget(clientOrderId);
  }

  // ---- OrderObserver ------------------------------------------------------------------------------------

  intent(cid: string, method: string, params: Params, _cidKey: string): void {
    if (method !== "order.place" && method !== "algoOrder.place") return;
    // A duplicate client id is the exchange's to reject (-4116); it must not overwrite the live order.
    if (this.#orders.has(cid)) return;
    this.#orders.set(cid, fromParams(cid, method, params, Date.now()));
  }

  ack(cid: string, result: unknown, method: string): void {
    // algoOrder.cancel answers {algoId, clientAlgoId, code: "200", msg: "success"}: no status, but final.
    if (method === "algoOrder.cancel") this.apply({ algoStatus: "CANCELED" }, cid);
    else this.apply(result, cid);
  }

  openOrders(): OpenOrderRef[] {
    return this.list();
  }

  rejected(cid: string, code: number, _msg: string): void {
    const o = this.#orders.get(cid);
    if (o === undefined) return;
    // A rejected place never existed; a rejected cancel of an order the exchange no longer knows (-2011)
    // means it is finished.
    if (o.state === "pending" || code === -2011 || code === -2013) this.#forget(cid);
  }

  unknown(cid: string, _reason: string): void {
    const o = this.#orders.get(cid);
    if (o === undefined) return;
    o.state = "unknown";
    o.status = "UNKNOWN";
    o.updatedAt = Date.now();
  }

  notSent(cid: string): void {
    if (this.#orders.get(cid)?.state === "pending") this.#forget(cid);
  }

  #forget(cid: string): void {
    const o = this.#orders.get(cid);
    if (o === undefined) return;
    this.#orders.delete(cid);
    if (o.orderId !== undefined) this.#byOrderId.delete(o.symbol + ":" + o.orderId);
  }
}

function fromParams(cid: string, method: string, params: Params, intentAt: number): TrackedOrder {
  return {
    clientOrderId: cid,
    symbol: String(params.symbol ?? ""),
    side: String(params.side ?? ""),
    type: String(params.type ?? ""),
    quantity: String(params.quantity ?? ""),
    price: String(params.price ?? params.triggerPrice ?? ""),
    orderId: undefined,
    status: "PENDING",
    state: "pending",
    algo: method === "algoOrder.place",
    intentAt,
    updatedAt: intentAt,
  };
}
