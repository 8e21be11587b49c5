/**
 * The exchange is the truth for resting orders: every order (and algo order) it lists as open that the
 * tracker does not hold is adopted into it. One whose client id has this router's generated pattern was placed
 * by this router and lost with its journal: it is adopted as `recovered` and treated as its own (halt cancels
 * it, the dead-man's switch protects it). Any other is `external` (another client, the web UI) and left alone.
 * Orders the tracker holds are brought up to date by the listing (with the tracker's precedence rules); a
 * restored order whose outcome was unknown is settled by it without an `order.status` query.
 *
 * @module
 */

import type { OrderTracker } from "../orders/order_tracker.ts";
import { newOrder, type TrackedOrder } from "../orders/tracked_order.ts";
import { FINAL_STATUSES } from "../vocabulary.ts";
import type { ExchangeOrder, OpenOrdersClient } from "./open_orders.ts";

/**
 * What one adoption did.
 *
 * @example
 * ```ts
 * const report: AdoptionReport = { reason: "start", listed: 3, recovered: ["lr-k3j9x2ab-m1q2-1"],
 *   external: ["web_1"], resolved: 1 };
 * ```
 */
export interface AdoptionReport {
  /** Why it ran (e.g. "start", "journal damaged"). */
  reason: string;
  /** Orders and algo orders the exchange listed as open. */
  listed: number;
  /** Client ids taken as this router's own (a lost journal): adopted, or held as external until now. */
  recovered: string[];
  /** Client ids adopted as external. */
  external: string[];
  /** Orders held with an unknown outcome that the listing settled. */
  resolved: number;
}

/**
 * The client ids `ClientOrderIds` generates for `prefix`: `<prefix>-<8 base-36>-<clock base-36>-<counter>`.
 *
 * @example
 * ```ts
 * ownClientOrderIds("lr").test("lr-k3j9x2ab-m1q2-1"); // true
 * ownClientOrderIds("lr").test("web_f03vF8cUlNwnEO337MEx"); // false
 * ```
 */
export function ownClientOrderIds(prefix = "lr"): RegExp {
  if (!/^[A-Za-z0-9_-]{0,8}$/.test(prefix)) throw new RangeError(`invalid client order id prefix: ${prefix}`);
  return new RegExp(`^${prefix}${prefix ? "-" : ""}[0-9a-z]{8}-[0-9a-z]{1,5}-[0-9a-z]+$`);
}

/** Options for {@linkcode OrderAdopter}. */
export interface OrderAdopterOptions {
  /** The account's orders. */
  tracker: OrderTracker;
  /** Where the listings come from (and, when it can, one algo order's status: the audit asks it). */
  client:
    & Pick<OpenOrdersClient, "openOrders" | "openAlgoOrders">
    & Partial<Pick<OpenOrdersClient, "algoOrder">>;
  /** This router's client ids (see {@linkcode ownClientOrderIds}). */
  own: RegExp;
  /** An order held with an unknown outcome was settled by the listing (the journal records it). */
  onResolved?: (clientOrderId: string, status: string, orderId: number | undefined) => void;
}

/**
 * Lists the account's open orders and adopts the ones the tracker does not hold.
 *
 * @example
 * ```ts
 * import { OrderTracker } from "../orders/order_tracker.ts";
 * import type { OpenOrdersClient } from "./open_orders.ts";
 * declare const client: OpenOrdersClient;
 * const adopter = new OrderAdopter({ tracker: new OrderTracker(), client, own: ownClientOrderIds("lr") });
 * const report = await adopter.adopt("start");
 * console.log(report.recovered.length, "orders of a lost journal");
 * ```
 */
export class OrderAdopter {
  readonly #o: OrderAdopterOptions;

  /** Creates the adopter; nothing is listed until `adopt`. */
  constructor(options: OrderAdopterOptions) {
    this.#o = options;
  }

  /**
   * Lists open orders and open algo orders (every symbol: weight 40 each) and adopts them. Then each algo
   * order restored unverified (ws-fapi cannot query one) that the listing no longer shows, so it ended while
   * the router was down, is asked for by `GET /fapi/v1/algoOrder` (weight 1 each): its final status is known
   * before trading resumes, not at the first audit. One the exchange does not answer for stays unverified.
   */
  async adopt(reason: string): Promise<AdoptionReport> {
    const [orders, algoOrders] = await this.list();
    const report = this.apply(reason, orders, algoOrders);
    const { tracker, onResolved } = this.#o;
    const listed = new Set(algoOrders.map((raw) => raw.clientAlgoId));
    for (const o of tracker.list("open")) {
      if (!o.algo || o.status !== "UNVERIFIED" || listed.has(o.clientOrderId)) continue;
      let raw: ExchangeOrder | undefined;
      try {
        raw = await this.queryAlgo(o.clientOrderId);
      } catch {
        continue; // unknown to the exchange, or the query failed: the audit asks again
      }
      if (raw === undefined) break; // this client cannot ask
      tracker.apply(raw, o.clientOrderId);
      const now = tracker.get(o.clientOrderId);
      if (now !== undefined && now.status !== "UNVERIFIED") {
        report.resolved++;
        onResolved?.(o.clientOrderId, now.status, now.orderId);
      }
    }
    return report;
  }

  /**
   * `GET /fapi/v1/algoOrder` of one algo order (whatever its status; weight 1), or undefined when the client
   * cannot ask (ws-fapi has no algo query at all).
   */
  queryAlgo(clientAlgoId: string): Promise<ExchangeOrder> | undefined {
    return this.#o.client.algoOrder?.(clientAlgoId);
  }

  /** Lists open orders and open algo orders (every symbol: weight 40 each), adopting nothing. */
  list(): Promise<[ExchangeOrder[], ExchangeOrder[]]> {
    const { client } = this.#o;
    return Promise.all([client.openOrders(), client.openAlgoOrders()]);
  }

  /**
   * Adopts from listings already fetched. `recover: false` adopts every unknown order as external, whatever
   * its client id: once running, an unknown order with this router's pattern is another router's (a second
   * process with the same prefix), not one this router's journal lost, and halt must leave it alone.
   */
  apply(
    reason: string,
    orders: readonly ExchangeOrder[],
    algoOrders: readonly ExchangeOrder[],
    recover = true,
  ): AdoptionReport {
    const report: AdoptionReport = { reason, listed: 0, recovered: [], external: [], resolved: 0 };
    for (const raw of orders) this.#one(report, raw, tracked(raw, false), recover);
    for (const raw of algoOrders) this.#one(report, raw, tracked(raw, true), recover);
    return report;
  }

  #one(report: AdoptionReport, raw: ExchangeOrder, order: TrackedOrder | undefined, recover: boolean): void {
    if (order === undefined) return; // not an open order with a client id: nothing to hold it by
    report.listed++;
    const { tracker, own, onResolved } = this.#o;
    const cid = order.clientOrderId;
    const recovered = recover && own.test(cid);
    const held = tracker.get(cid);
    // A regular order under the client id of an algo order held here: the order that algo order became once
    // triggered (unseen, if the stream lost the trigger). It is that algo order, not an external one.
    const child = held?.algo === true && !order.algo;
    // A finished order with this id and exchange id finished after the listing was taken: nothing to do.
    // Unless it was only taken as gone (NOT_FOUND: a cancel's -2011): the listing is the exchange's word that
    // it rests, and the tracker reopens it.
    if (held?.state === "finished" && (held.orderId === order.orderId || child)) {
      if (held.status === "NOT_FOUND") tracker.apply(raw, cid);
      return;
    }
    if (held === undefined || held.state === "finished") {
      tracker.adopt(order, { recovered });
      (recovered ? report.recovered : report.external).push(cid);
      return;
    }
    const wasUnknown = held.state === "unknown";
    if (recovered && held.external) report.recovered.push(cid); // the stream showed it first, as external
    tracker.adopt(order, { recovered }); // held: only re-marks an external order that is in fact ours
    tracker.apply(raw, cid);
    const now = tracker.get(cid);
    if (wasUnknown && now !== undefined && now.state !== "unknown") {
      report.resolved++;
      onResolved?.(cid, now.status, now.orderId);
    }
  }
}

/** A tracked record of a listed order, or undefined when it lacks a client id or is not open. */
function tracked(raw: ExchangeOrder, algo: boolean): TrackedOrder | undefined {
  const str = (key: string) => (typeof raw[key] === "string" ? raw[key] as string : "");
  const cid = str(algo ? "clientAlgoId" : "clientOrderId");
  const status = str(algo ? "algoStatus" : "status") || "NEW";
  if (cid === "" || FINAL_STATUSES.has(status)) return undefined;
  const limitPrice = str("price");
  const price = algo && (limitPrice === "" || Number(limitPrice) === 0) ? str("triggerPrice") : limitPrice;
  const type = str(algo ? "orderType" : "type");
  const quantity = str(algo ? "quantity" : "origQty");
  const now = Date.now();
  const o = newOrder(cid, str("symbol"), str("side"), type, quantity, price, algo, now);
  const id = raw[algo ? "algoId" : "orderId"];
  o.orderId = typeof id === "number" ? id : undefined;
  o.timeInForce = str("timeInForce");
  o.positionSide = str("positionSide") || "BOTH";
  o.status = status;
  o.state = "open";
  o.executedQty = str("executedQty") || "0";
  o.avgPrice = str("avgPrice") || "0";
  o.updateTime = typeof raw.updateTime === "number" ? raw.updateTime : 0;
  if (raw.reduceOnly === true || raw.closePosition === true) o.reduceOnly = true;
  return o;
}
