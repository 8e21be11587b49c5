/**
 * The router's view of the account's orders, event-sourced: its own requests (intent → ack / reject /
 * unknown, as a pipeline observer), the user data stream's order events, and reconciliation answers all
 * become changes to one record per client order id. Read by `GET /orders`, `/health`, halt (cancel what is
 * open) and the dead-man's switch (symbols with open orders).
 *
 * Precedence: every change carries the exchange time it describes (an event's `T`, an answer's
 * `updateTime`). A change older than what the order already reflects is ignored, and so is one that would
 * lower the filled quantity, so a stale snapshot never undoes a newer event and a replayed event changes
 * nothing. Finished orders leave the open list but stay queryable (the newest `finishedCapacity`).
 *
 * @module
 */

import type { OrderUpdate } from "../account/user_events.ts";
import type { OpenOrderRef, OrderObserver } from "../pipeline/order_observer.ts";
import type { Params } from "../types.ts";
import { fromParams, isPlace, newOrder, visible } from "./tracked_order.ts";
import type { TrackedOrder, TrackedState } from "./tracked_order.ts";
import { ALGO_STATUSES, FINAL_STATUSES, ORDER_STATUSES } from "../vocabulary.ts";
import { LIST_OPS, type TrackerMirror } from "./order_replica.ts";

/** Order and algo statuses, each one string of its own: a status read from a frame maps to it. */
const STATUS_NAMES = new Map<string, string>([...ORDER_STATUSES, ...ALGO_STATUSES].map((s) => [s, s]));

/**
 * A copy of `s` sharing no memory with a string it may be a slice of. Appending a space makes a new string
 * that `trimEnd` flattens into fresh memory, on JSC and V8 alike (RSS after a full GC with 10,000 one-KB
 * frames, keeping a 16-character slice / this copy of each: Bun 37.5 / 22.7 MB, Deno 66.8 / 47.7 MB, nothing
 * kept 21.7 / 46.7), at a third to a half of the cost of a JSON round trip. Text ending in whitespace, where
 * `trimEnd` would take more than the space, takes the JSON round trip.
 */
function copied(s: string): string {
  const last = s.charCodeAt(s.length - 1);
  if (last <= 32 || last >= 127) return JSON.parse(JSON.stringify(s)) as string;
  return (s + " ").trimEnd();
}

/** `before` of an order with no snapshot to compare: every change of it is one a reader sees. */
const UNSEEN = "";

export { finishesAtOnce } from "./tracked_order.ts";
export type { TrackedOrder, TrackedState } from "./tracked_order.ts";

/** Options for {@linkcode OrderTracker}. */
export interface OrderTrackerOptions {
  /** Called with a snapshot after every change of an order's state (never throws into the tracker). */
  onChange?: (order: Readonly<TrackedOrder>) => void;
  /** Finished orders kept for look-up. Default 10,000. */
  finishedCapacity?: number;
  /** Called with a finished order as it leaves the tracker (past `finishedCapacity`): forget what is kept of it. */
  onForget?: (order: Readonly<TrackedOrder>) => void;
  /**
   * Local time in epoch ms for `intentAt` and `updatedAt` (the ack follow-up and the reconciler compare them
   * with their clock). Default `Date.now`.
   */
  now?: () => number;
}

/** Inferred-finished orders held for their follow-up at most (a bound, should nothing take them). */
const MAX_INFERRED = 10_000;

/**
 * Tracks the account's orders by client order id.
 *
 * @example
 * ```ts
 * import { Router } from "../router/router.ts";
 * declare const url: string;
 * const tracker = new OrderTracker();
 * const router = await Router.connect({ url, apiKey: "key", secretKey: "secret", observer: tracker });
 * tracker.list("unknown"); // orders to reconcile
 * ```
 */
export class OrderTracker implements OrderObserver {
  readonly #live = new Map<string, TrackedOrder>();
  readonly #finished = new Map<string, TrackedOrder>();
  /**
   * Client ids by symbol, then by orderId (unique per symbol on Binance): number keys, so an ack indexes its
   * order without building and hashing a "symbol:id" string (1–2 µs with the cold caches every ack has).
   */
  readonly #byOrderId = new Map<string, Map<number, string>>();
  /** Client ids whose place is sent and not yet answered (ack, rejection, unknown or not sent). */
  readonly #placing = new Set<string>();
  readonly #onChange: ((order: Readonly<TrackedOrder>) => void) | undefined;
  readonly #onForget: ((order: Readonly<TrackedOrder>) => void) | undefined;
  readonly #finishedCapacity: number;
  readonly #now: () => number;
  readonly #finishedRing: TrackedOrder[] = [];
  /**
   * Each order's JSON text as of its last change, for `GET /orders` polls: dropped by `#touch` on every change
   * of that order (records are changed in place, so only the tracker can tell), and gone with the order.
   */
  readonly #json = new WeakMap<TrackedOrder, string>();
  /**
   * The status each order had when its outcome became unknown: what an answer older than the newest event held
   * (the exchange saw nothing newer since) puts back. Only orders in the unknown state have an entry.
   */
  readonly #statusBeforeUnknown = new Map<string, string>();
  /**
   * Orders with an exchange id taken as finished from a refused cancel or modify (-2011/-2013): the exchange no
   * longer holds them open, but whether they filled, expired or were cancelled only a query tells (the stream
   * may have missed it). Read and cleared by `takeInferred` (the ack follow-up asks about each once).
   */
  readonly #inferred = new Set<string>();
  #finishedHead = 0;
  #resolvedTotal = 0;
  /** A copy of the lists elsewhere (the monitor), told every list operation and changed record. */
  #mirror: TrackerMirror | undefined;

  /**
   * Told of each `order.modify` the exchange refused with the order still open (it stays as it was) or that
   * was never sent, by the order's client id: the pre-trade exposure gives back the increase it reserved.
   */
  onModifyRefused: ((clientOrderId: string) => void) | undefined = undefined;

  constructor(options: OrderTrackerOptions = {}) {
    this.#onChange = options.onChange;
    this.#onForget = options.onForget;
    this.#finishedCapacity = options.finishedCapacity ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** Orders that are not finished, optionally of one state. */
  list(state?: TrackedState): TrackedOrder[] {
    const out: TrackedOrder[] = [];
    if (state === "finished") return [...this.#finished.values()];
    for (const o of this.#live.values()) if (state === undefined || o.state === state) out.push(o);
    return out;
  }

  /** Every order kept: the unfinished ones, then the finished ones, oldest first. */
  listAll(): TrackedOrder[] {
    return [...this.#live.values(), ...this.#finished.values()];
  }

  /**
   * `JSON.stringify(order)`, from a cache invalidated on every change of that order, so a poll of a long list
   * serializes only what changed since the last one. For records this tracker holds (others are serialized).
   */
  json(order: Readonly<TrackedOrder>): string {
    let text = this.#json.get(order);
    if (text === undefined) {
      text = JSON.stringify(order);
      if (this.get(order.clientOrderId) === order) this.#json.set(order, text);
    }
    return text;
  }

  /**
   * From now on tells `mirror` every operation on the two lists and every record that changes (undefined:
   * stop); it is first told the lists as they are, in order.
   */
  mirrorTo(mirror: TrackerMirror | undefined): void {
    this.#mirror = mirror;
    if (mirror === undefined) return;
    for (const o of this.#live.values()) {
      mirror.listed(LIST_OPS.LIVE_SET, o.clientOrderId);
      mirror.changed(o);
    }
    for (const o of this.#finished.values()) {
      mirror.listed(LIST_OPS.FINISHED_SET, o.clientOrderId);
      mirror.changed(o);
    }
  }

  /** Count of orders in `state`. */
  count(state: TrackedState): number {
    if (state === "finished") return this.#finished.size;
    let n = 0;
    for (const o of this.#live.values()) if (o.state === state) n++;
    return n;
  }

  /** Unknown orders resolved by reconciliation since start. */
  get resolvedTotal(): number {
    return this.#resolvedTotal;
  }

  /** The order with this client id (unfinished, or finished and still kept). */
  get(clientOrderId: string): TrackedOrder | undefined {
    return this.#live.get(clientOrderId) ?? this.#finished.get(clientOrderId);
  }

  /** Symbols with at least one open, pending or unknown order of this router. */
  symbols(): string[] {
    const out = new Set<string>();
    for (const o of this.#live.values()) if (!o.external) out.add(o.symbol);
    return [...out];
  }

  /** OrderObserver: the orders a halt cancels: this router's, not finished. */
  openOrders(): OpenOrderRef[] {
    return this.list().filter((o) => !o.external);
  }

  /**
   * The client ids of orders taken as finished (NOT_FOUND) from a refused cancel or modify since the last call,
   * although the exchange had given them an id, and of triggered algo orders the algo service reports
   * FINISHED with nothing known of their fills: how each really ended is for a query to tell.
   */
  takeInferred(): string[] {
    if (this.#inferred.size === 0) return [];
    const out = [...this.#inferred];
    this.#inferred.clear();
    return out;
  }

  /** OrderObserver: an order with this client id is pending, open or unknown (not finished). */
  holdsClientOrderId(cid: string): boolean {
    // A place still unanswered counts too: its order can finish on the stream first (a MARKET or IOC order
    // filled), and a second place under the id would then go out before the first one's answer.
    return this.#live.has(cid) || this.#placing.has(cid);
  }

  /** OrderObserver: the place of this client id is sent and not yet answered. */
  placing(cid: string): boolean {
    return this.#placing.has(cid);
  }

  /** OrderObserver: maps a cancel/modify by orderId to the client id, so its outcome is tracked. */
  clientOrderIdOf(symbol: string, orderId: number): string | undefined {
    return this.#byOrderId.get(symbol)?.get(orderId);
  }

  /** Records an order whose outcome is unknown from an earlier run (journal recovery). */
  restore(clientOrderId: string, method: string, params: Params, intentAt: number): void {
    const o = fromParams(clientOrderId, method, params, intentAt);
    // Algo orders cannot be queried over ws-fapi: listed as open but unverified rather than blocking on them.
    o.status = o.algo ? "UNVERIFIED" : "UNKNOWN";
    o.state = o.algo ? "open" : "unknown";
    this.#setLive(o);
    this.#mirror?.changed(o);
  }

  /**
   * Applies the exchange's answer about an order (an ack, a cancel, an `order.status`, reconciliation).
   * Ignored when older than what the order already reflects.
   */
  apply(result: unknown, fallbackClientOrderId = ""): void {
    if (typeof result !== "object" || result === null) return;
    const r = result as Record<string, unknown>;
    const cid = String(r.clientOrderId ?? r.clientAlgoId ?? fallbackClientOrderId);
    const o = this.get(cid);
    if (o === undefined) return;
    const time = typeof r.updateTime === "number" ? r.updateTime : 0;
    const executed = typeof r.executedQty === "string" ? r.executedQty : undefined;
    // A pending order's first answer always changes what a reader sees (its state): nothing to compare with,
    // and two snapshots less on every ack (about 2 µs with the cold caches every ack has).
    const before = o.state === "pending" ? UNSEEN : visible(o);
    // An answer about the regular order a triggered algo order became (order.cancel, order.status by its id or
    // the client algo id it carries): its id is the algo order's `actualOrderId`.
    const child = o.algo && r.algoId === undefined && typeof r.orderId === "number";
    // Ids are facts whatever the answer's age: indexed before the precedence check (a listing of the order an
    // algo order became, newer than the algo listing, must not keep the algoId out).
    const id = r.orderId ?? r.algoId;
    if (child) this.#actual(o, id);
    else if (typeof id === "number") this.#index(o, id);
    if (o.algo && !child) this.#actual(o, r.actualOrderId);
    // That order's answer tells what the algo service's FINISHED does not: its fills. Never stale against it.
    const childOfFinished = child && o.status === "FINISHED";
    if (
      !childOfFinished &&
      ((time > 0 && time < o.updateTime) ||
        (executed !== undefined && Number(executed) < Number(o.executedQty)))
    ) {
      // A stale snapshot never undoes a newer event. Yet it was read after the outcome became unknown, and
      // shows nothing newer than that event: the order is as that event left it, no longer unknown.
      if (o.state === "unknown") this.#restoreKnown(o);
      return;
    }
    this.#touch(o);
    // An ack's strings are slices of its frame (lib/wire/lazy_result.ts). Kept here and in the event log for
    // 10,000 orders, a slice would keep its whole frame alive on JSC (Bun): store copies, only on change.
    if (typeof r.price === "string" && r.price !== o.price) o.price = copied(r.price);
    if (typeof r.origQty === "string" && r.origQty !== o.quantity) o.quantity = copied(r.origQty);
    // An order restored without its intent (an orphan, an owed fill's): the answer fills in what it is.
    if (o.type === "" && typeof r.type === "string") o.type = copied(r.type);
    if (o.side === "" && typeof r.side === "string") o.side = copied(r.side);
    if (o.timeInForce === "" && typeof r.timeInForce === "string") o.timeInForce = copied(r.timeInForce);
    if (executed !== undefined && executed !== o.executedQty) o.executedQty = copied(executed);
    if (typeof r.avgPrice === "string") {
      if (r.avgPrice !== o.avgPrice) o.avgPrice = copied(r.avgPrice);
    } else if (typeof r.cumQuote === "string" && Number(executed) > 0) {
      // order.cancel answers no avgPrice: from the quote executed (a partial fill the stream did not tell).
      o.avgPrice = String(Number((Number(r.cumQuote) / Number(executed)).toFixed(8)));
    }
    if (time > 0) o.updateTime = time;
    let status = String(r.status ?? r.algoStatus ?? o.status);
    if (child && status === "NEW") status = "TRIGGERED";
    // The algo service's FINISHED after the order it became ended: that order's status (FILLED, CANCELED…) says more.
    if (status === "FINISHED" && o.state === "finished" && o.actualOrderId !== undefined) status = o.status;
    this.#setStatus(
      o,
      status === o.status ? o.status : (STATUS_NAMES.get(status) ?? copied(status)),
      true,
      before,
    );
  }

  /** Applies an `ORDER_TRADE_UPDATE`; an order this router did not place is tracked as external. */
  applyUpdate(u: OrderUpdate): TrackedOrder | undefined {
    let o = this.get(u.clientOrderId);
    if (o === undefined) {
      o = newOrder(u.clientOrderId, u.symbol, u.side, u.orderType, u.quantity, u.price, false, 0);
      o.external = true;
      // Without it an external IOC/FOK would count as resting in the pre-trade exposure.
      o.timeInForce = u.timeInForce;
      o.positionSide = u.positionSide;
      this.#setLive(o);
    }
    // Older than what this order reflects; but the algo service's FINISHED carries no fills: the events of the
    // order it became still tell them.
    if (u.time < o.updateTime && !(o.algo && o.status === "FINISHED")) return undefined;
    const sameTime = u.time === o.updateTime;
    if (Number(u.executedQty) < Number(o.executedQty)) return undefined;
    if (sameTime && u.status === o.status && u.executedQty === o.executedQty && u.price === o.price) {
      return undefined; // the same event again
    }
    this.#touch(o);
    const before = visible(o);
    o.executedQty = u.executedQty;
    if (u.avgPrice !== "") o.avgPrice = u.avgPrice;
    o.updateTime = u.time;
    if (o.algo && !o.external) {
      // The regular order a triggered conditional order became: it carries the client algo id. The algo
      // order keeps its algoId, type and trigger; its status follows that order's (NEW reads TRIGGERED).
      this.#actual(o, u.orderId);
      this.#setStatus(o, u.status === "NEW" ? "TRIGGERED" : u.status, false, before);
      return o;
    }
    this.#index(o, u.orderId);
    o.quantity = u.quantity;
    if (u.price !== "" && u.price !== "0") o.price = u.price;
    this.#setStatus(o, u.status, false, before);
    return o;
  }

  /**
   * Tracks an order the exchange lists as open that is not held here: `recovered` (this router's own, from a
   * lost journal: halt cancels it) or external. False when held already (re-marked if external and recovered).
   */
  adopt(order: TrackedOrder, mark: { recovered: boolean }): boolean {
    const held = this.#live.get(order.clientOrderId);
    if (held !== undefined) {
      if (!mark.recovered || !held.external) return false;
      this.#touch(held);
      Object.assign(held, { external: false, recovered: true });
      this.#changed(held);
      return false;
    }
    const o: TrackedOrder = { ...order, external: !mark.recovered, recovered: mark.recovered };
    this.#deleteFinished(o.clientOrderId); // a client id may be reused once its order is finished
    this.#setLive(o);
    if (o.orderId !== undefined) this.#indexId(o.symbol, o.orderId, o.clientOrderId);
    this.#changed(o);
    return true;
  }

  /** Reconciliation found no such order (it never reached the exchange): forget it. */
  notFound(clientOrderId: string): void {
    const o = this.#live.get(clientOrderId);
    if (o === undefined) return;
    if (o.state === "unknown") this.#resolvedTotal++;
    this.#touch(o);
    o.status = "NOT_FOUND";
    this.#finish(o);
  }

  // ---- OrderObserver ------------------------------------------------------------------------------------

  intent(cid: string, method: string, params: Params, _cidKey: string): void {
    if (method !== "order.place" && method !== "algoOrder.place") return;
    // A duplicate client id is the exchange's to reject (-4116); it must not overwrite the live order.
    if (this.#live.has(cid)) return;
    this.#deleteFinished(cid); // a client id may be reused once its order is finished
    const o = fromParams(cid, method, params, this.#now());
    this.#setLive(o);
    this.#placing.add(cid);
    // Reported at once, in the turn that sends it (before it, or right after it behind `deferIntent`): the
    // pre-trade exposure must count an order in flight (pending is open, the worst case), or orders sent
    // before the first one's answer would all pass the same limits.
    this.#changed(o);
  }

  ack(cid: string, result: unknown, method: string): void {
    if (isPlace(method)) this.#placing.delete(cid);
    // algoOrder.cancel answers {algoId, clientAlgoId, code: "200", msg: "success"}: no status, but final.
    if (method === "algoOrder.cancel") this.apply({ algoStatus: "CANCELED" }, cid);
    else this.apply(result, cid);
  }

  rejected(cid: string, code: number, _msg: string, method: string): void {
    if (isPlace(method)) this.#placing.delete(cid);
    const o = this.#live.get(cid);
    if (o === undefined) return;
    this.#touch(o);
    // A rejected place never existed. A refused cancel or modify leaves the order as it was, unless the
    // exchange says it no longer holds it open (-2011/-2013): then it is taken as finished (NOT_FOUND, an
    // inference a later answer or event showing the order live undoes). Not while its place is unanswered:
    // a cancel sent right after the place can reach the matching engine first; the place's answer settles it.
    if (isPlace(method) && o.state === "pending") {
      o.status = "REJECTED";
      this.#finish(o);
    } else if (!isPlace(method) && (code === -2011 || code === -2013) && o.state !== "pending") {
      o.status = "NOT_FOUND";
      this.#finish(o);
      // An algo order refused this way may have triggered (and filled) unseen: order.status by the client algo
      // id, which the order it became carries, tells (an untriggered one answers -2013 and stays NOT_FOUND).
      if (o.orderId !== undefined && this.#inferred.size < MAX_INFERRED) this.#inferred.add(cid);
    } else if (method === "order.modify") {
      this.#modifyRefused(cid);
    }
  }

  unknown(cid: string, _reason: string, method: string): void {
    if (isPlace(method)) this.#placing.delete(cid); // unknown: live until reconciled, held by that
    const o = this.#live.get(cid);
    if (o === undefined) return;
    if (o.state !== "unknown") this.#statusBeforeUnknown.set(cid, o.status);
    this.#touch(o);
    o.state = "unknown";
    o.status = "UNKNOWN";
    o.updatedAt = this.#now();
    this.#changed(o);
  }

  notSent(cid: string, method: string): void {
    if (isPlace(method)) this.#placing.delete(cid);
    if (method === "order.modify") this.#modifyRefused(cid);
    const o = this.#live.get(cid);
    if (isPlace(method) && o?.state === "pending") {
      this.#deleteLive(cid); // it never existed anywhere: no record to keep
      this.#changed({ ...o, status: "NOT_SENT", state: "finished" });
    }
  }

  // ---- helpers -----------------------------------------------------------------------------------------

  /** Every change of a record goes through here first: its cached JSON is no longer its text. */
  #modifyRefused(cid: string): void {
    try {
      this.onModifyRefused?.(cid);
    } catch { /* a listener's bug must not break the tracker */ }
  }

  #touch(o: TrackedOrder): void {
    this.#json.delete(o);
    this.#mirror?.changed(o);
  }

  #index(o: TrackedOrder, id: number): void {
    if (o.orderId !== undefined) return;
    this.#touch(o);
    o.orderId = id;
    this.#indexId(o.symbol, id, o.clientOrderId);
  }

  /** A triggered algo order's regular order (`ai`, as a number or text): kept, and found by its id. */
  #actual(o: TrackedOrder, id: unknown): void {
    const n = typeof id === "number" ? id : typeof id === "string" && id !== "" ? Number(id) : NaN;
    if (!Number.isSafeInteger(n) || n <= 0 || o.actualOrderId === n) return;
    this.#touch(o);
    o.actualOrderId = n;
    this.#indexId(o.symbol, n, o.clientOrderId);
  }

  #indexId(symbol: string, orderId: number, clientOrderId: string): void {
    let ids = this.#byOrderId.get(symbol);
    if (ids === undefined) this.#byOrderId.set(symbol, ids = new Map());
    ids.set(orderId, clientOrderId);
  }

  /**
   * An unknown order back to the status it had when its outcome became unknown, on an answer that shows
   * nothing newer (see `apply`). An order with no exchange status then (a place never answered) stays unknown.
   */
  #restoreKnown(o: TrackedOrder): void {
    const status = this.#statusBeforeUnknown.get(o.clientOrderId);
    if (status === undefined || status === "PENDING") return;
    this.#touch(o);
    this.#setStatus(o, status, true, visible(o));
  }

  /** Sets the status; reports a change only when something a reader sees changed (`before` vs now). */
  #setStatus(o: TrackedOrder, status: string, fromAnswer: boolean, before: string): void {
    if (fromAnswer && o.state === "unknown" && status !== "UNKNOWN") this.#resolvedTotal++;
    if (status !== "UNKNOWN") this.#statusBeforeUnknown.delete(o.clientOrderId);
    this.#touch(o);
    // NOT_FOUND is the router's inference (a cancel's -2011, reconciliation), not the exchange's status: the
    // exchange showing the order live again (a place that reached the engine after the cancel) reopens it.
    const inferred = o.state === "finished" && o.status === "NOT_FOUND";
    o.status = status;
    o.updatedAt = this.#now();
    if (FINAL_STATUSES.has(status)) {
      if (o.state !== "finished" || visible(o) !== before) this.#finish(o);
      // The algo service's FINISHED says the order it became ended, not how: that order is asked (the
      // follow-up's order.status by the client algo id, which it carries), unless its own events told.
      if (
        status === "FINISHED" && o.algo && !(Number(o.executedQty) > 0) && this.#inferred.size < MAX_INFERRED
      ) {
        this.#inferred.add(o.clientOrderId);
      }
    } else {
      if (inferred) this.#reopen(o);
      else if (o.state !== "finished") o.state = "open";
      if (before === UNSEEN || visible(o) !== before) this.#changed(o);
    }
  }

  /** Back from the finished list to the live one (its entry in the finished ring is skipped from now on). */
  #reopen(o: TrackedOrder): void {
    if (this.#finished.get(o.clientOrderId) === o) this.#deleteFinished(o.clientOrderId);
    if (!this.#live.has(o.clientOrderId)) this.#setLive(o);
    o.state = "open";
  }

  #finish(o: TrackedOrder): void {
    this.#touch(o);
    o.state = "finished";
    o.updatedAt = this.#now();
    if (this.#deleteLive(o.clientOrderId)) {
      this.#finished.set(o.clientOrderId, o);
      this.#mirror?.listed(LIST_OPS.FINISHED_SET, o.clientOrderId);
      this.#evictOldestFinished(o);
    }
    this.#changed(o);
  }

  /**
   * Keeps at most `finishedCapacity` finished orders: a ring of them in finishing order, so the oldest is
   * found in O(1) (walking a Map past deleted entries is not). An entry whose client id was reused since is
   * skipped: the map holds a newer order under that id.
   */
  #evictOldestFinished(added: TrackedOrder): void {
    const ring = this.#finishedRing;
    if (ring.length < this.#finishedCapacity) {
      ring.push(added);
      return;
    }
    const oldest = ring[this.#finishedHead]!;
    ring[this.#finishedHead] = added;
    this.#finishedHead = (this.#finishedHead + 1) % this.#finishedCapacity;
    if (this.#finished.get(oldest.clientOrderId) !== oldest) return;
    this.#deleteFinished(oldest.clientOrderId);
    if (oldest.orderId !== undefined) this.#byOrderId.get(oldest.symbol)?.delete(oldest.orderId);
    if (oldest.actualOrderId !== undefined) this.#byOrderId.get(oldest.symbol)?.delete(oldest.actualOrderId);
    try {
      this.#onForget?.(oldest);
    } catch { /* an owner's bug must not break the tracker */ }
  }

  // The list operations a mirror is told of (each as the Map does it, so the copy keeps the same order).

  #setLive(o: TrackedOrder): void {
    this.#live.set(o.clientOrderId, o);
    this.#mirror?.listed(LIST_OPS.LIVE_SET, o.clientOrderId);
  }

  #deleteLive(clientOrderId: string): boolean {
    if (!this.#live.delete(clientOrderId)) return false;
    this.#statusBeforeUnknown.delete(clientOrderId);
    this.#mirror?.listed(LIST_OPS.LIVE_DELETE, clientOrderId);
    return true;
  }

  #deleteFinished(clientOrderId: string): void {
    if (this.#finished.delete(clientOrderId)) this.#mirror?.listed(LIST_OPS.FINISHED_DELETE, clientOrderId);
  }

  #changed(o: TrackedOrder): void {
    this.#mirror?.changed(o);
    if (this.#onChange === undefined) return;
    try {
      this.#onChange({ ...o });
    } catch { /* an observer's bug must not break tracking */ }
  }
}
