/**
 * The router: places, modifies, cancels and queries orders over one persistent ws-fapi connection, matching
 * each answer to its caller's promise in O(1). This file is the public face only: the session (sockets,
 * clock, logon, the request pipeline) lives in `_session.ts` and credential setup in `_credentials.ts`.
 *
 * Per order: pick the client order id → check the new-order gate → hand the typed params to the pipeline.
 * No validation happens here: callers pass well-typed data (the control plane validates its HTTP input).
 *
 * @module
 */

import { ConnectError, ExchangeError, FilterRefusedError, NotSentError } from "../errors.ts";
import type { PipelineMetrics } from "../pipeline/pipeline_metrics.ts";
import type { OpenOrderRef, OrderObserver } from "../pipeline/order_observer.ts";
import type { PromptAnswer } from "../pipeline/pending_requests.ts";
import { marketUrlsFor } from "../risk/market_urls.ts";
import { PreTradeGuard } from "../risk/pre_trade_guard.ts";
import { parseRiskLimits } from "../risk/risk_schema.ts";
import type {
  AlgoOrderRef,
  AlgoOrderResult,
  ModifyOrderParams,
  OrderRef,
  OrderResult,
  Params,
  PlaceAlgoOrderParams,
  PlaceOrderParams,
  RateLimit,
} from "../types.ts";
import { adHocMethod, METHODS, type MethodSpec, type Security } from "../wire/methods.ts";
import { ClientOrderIds } from "./client_order_ids.ts";
import { prepareCredentials, type PreparedCredentials, refusedCredentials } from "./_credentials.ts";
import { type CancelAllReport, cancelOpenOrders, type HaltReport, mergeHaltReports } from "./_cancel_open.ts";
import { CancelWatch } from "./_cancel_watch.ts";
import { type Flattener, type FlattenReport, flattenSymbol } from "./_flatten.ts";
import { RouterSession } from "./_session.ts";
import { numberOptionProblem, ROUTER_NUMBER_RULES } from "./number_options.ts";
import type { CredentialsRefusal, RouterOptions } from "./router_options.ts";

export type { CredentialsRefusal, RouterEvent, RouterOptions } from "./router_options.ts";
export type { CancelAllReport, HaltReport } from "./_cancel_open.ts";
export type { FlattenReport } from "./_flatten.ts";

const PLACE = METHODS["order.place"]!;
const MODIFY = METHODS["order.modify"]!;
const CANCEL = METHODS["order.cancel"]!;
const STATUS = METHODS["order.status"]!;
const ALGO_PLACE = METHODS["algoOrder.place"]!;
const ALGO_CANCEL = METHODS["algoOrder.cancel"]!;
const NO_PARAMS: Params = Object.freeze({});

/**
 * A place whose client id an order in flight, open or of unknown outcome already has: refused here with the
 * exchange's code. The exchange refuses such an id only while that order is open, so an IOC or MARKET order
 * sent twice under one id (a client's retry) could fill twice.
 */
function duplicateClientId(method: string, cid: string): FilterRefusedError {
  return new FilterRefusedError({
    code: -4116,
    msg: `ClientOrderId is duplicated: an order with id ${cid} is in flight, open or of unknown outcome`,
    method,
    filter: "CLIENT_ORDER_ID",
  });
}

/**
 * An order router connected to ws-fapi (or the embedded simulator).
 *
 * @example
 * ```ts
 * import { startSimulator } from "../sim/mod.ts";
 * const sim = await startSimulator({ hmacKeys: [{ apiKey: "key", secretKey: "secret" }] });
 * const router = await Router.connect({ url: sim.url, apiKey: "key", secretKey: "secret" });
 * const ack = await router.placeOrder({ symbol: "BTCUSDT", side: "BUY", type: "LIMIT",
 *   quantity: "0.002", price: "50000", timeInForce: "GTC" });
 * await router.queryOrder({ symbol: "BTCUSDT", orderId: ack.orderId });
 * await router.modifyOrder({ symbol: "BTCUSDT", orderId: ack.orderId, side: "BUY", quantity: "0.003", price: "49990" });
 * await router.cancelOrder({ symbol: "BTCUSDT", origClientOrderId: ack.clientOrderId });
 * await router.close();
 * await sim.close();
 * ```
 */
export class Router {
  readonly #session: RouterSession;
  readonly #ids: ClientOrderIds;
  readonly #observer: OrderObserver | undefined;
  /** `close` was called: new orders are refused as "closed", not as "halted". */
  #closed = false;
  /** Why new orders are stopped; empty while they flow. */
  readonly #haltReasons = new Set<string>();
  /** Hold reasons only their owner removes (`holdNewOrders(reason, { liftsItself: true })`). */
  readonly #liftsItself = new Set<string>();
  /** Halt reasons a gateway keeps across a restart (`halt`, or `holdNewOrders(reason, { lasting: true })`). */
  readonly #lasting = new Set<string>();
  /** Halt reasons from `halt`: they cancel orders, and so do they again after a restart. */
  readonly #killSwitch = new Set<string>();
  /** The reasons joined, cached for the refusal message; undefined while orders flow. */
  #halted: string | undefined;
  /** Pre-trade checks; undefined with `preTrade: false`. */
  readonly #guard: PreTradeGuard | undefined;
  /** How long a request may go unanswered (ms): a halt waits at most this for places in flight. */
  readonly #requestTimeoutMs: number;
  /**
   * What flattening needs: positions, closing orders past the halt and the trader's limits (the exchange's
   * filters still apply), lot sizes. The
   * closing send repeats `placeOrder`'s last lines rather than `placeOrder` calling a shared helper: on the
   * hot path each function entered costs 150–300 ns with cold caches on Deno (bench/README.md).
   */
  readonly #flattener: Flattener = {
    accountPositions: (symbol) => this.accountPositions(symbol),
    placeClosing: (params) => {
      const guard = this.#guard;
      const at = Date.now();
      if (guard !== undefined && guard.check.checkClosing(params, at) !== 0) {
        return Promise.reject(guard.refusal(PLACE.name, params.symbol));
      }
      const cid = this.#ids.next();
      return this.#session.send(PLACE, params, "newClientOrderId", cid, at) as Promise<OrderResult>;
    },
    marketLot: (symbol) => {
      const filters = this.#guard?.check.state(symbol)?.filters;
      return filters === undefined ? undefined : { qtyScale: filters.qtyScale, maxQty: filters.marketMaxQty };
    },
  };

  /** Orders a halt or cancel-all did not cancel, cancelled once they show open (a late place, a lost cancel). */
  readonly #watch = new CancelWatch({
    canceller: this,
    openOrders: () => this.#observer?.openOrders?.() ?? [],
    halted: (reason) => this.#haltReasons.has(reason),
  });

  private constructor(options: RouterOptions, credentials: PreparedCredentials) {
    this.#observer = options.observer;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 5000;
    this.#ids = new ClientOrderIds(
      options.clientOrderIdPrefix === undefined ? {} : { prefix: options.clientOrderIdPrefix },
    );
    this.#guard = options.preTrade === false ? undefined : this.#createGuard(options);
    // The guard hears the exchange's rejects (reject breaker, exchangeInfo re-read on a filter error).
    const guard = this.#guard;
    this.#session = new RouterSession(
      options,
      credentials,
      (reason) => this.holdNewOrders(reason),
      guard === undefined ? undefined : (code, method) => guard.exchangeRejected(code, method),
    );
  }

  /**
   * Checks the credentials' form, connects, syncs the clock and (Ed25519) logs on. Rejects with a
   * {@linkcode ConnectError} that names what failed. An HMAC key the exchange does not accept is only found
   * out by the first signed request (an `ExchangeError`, e.g. -2015); `Gateway.open` asks the exchange at
   * open and refuses it with a `CredentialsError`.
   *
   * @example
   * ```ts
   * import { startSimulator } from "../sim/mod.ts";
   * const sim = await startSimulator({ hmacKeys: [{ apiKey: "key", secretKey: "secret" }] });
   * const router = await Router.connect({ url: sim.url, apiKey: "key", secretKey: "secret" });
   * await router.close();
   * await sim.close();
   * ```
   */
  static async connect(options: RouterOptions): Promise<Router> {
    const problem = numberOptionProblem(options, ROUTER_NUMBER_RULES);
    if (problem !== undefined) throw new ConnectError(`invalid option ${problem}`);
    let risk = options.risk;
    if (risk !== undefined) {
      try {
        risk = parseRiskLimits(risk);
      } catch (e) {
        throw new ConnectError(`invalid risk limits: ${(e as Error).message}`);
      }
    }
    const checked = risk === undefined ? options : { ...options, risk };
    const router = new Router(checked, await prepareCredentials(options));
    try {
      // Filters and marks load while the socket connects; a failed load leaves them "unavailable", never fails.
      await Promise.all([router.#session.start(), router.#guard?.start()]);
    } catch (e) {
      router.#session.close();
      router.#guard?.close();
      throw refusedCredentials(e) ?? new ConnectError((e as Error).message);
    }
    return router;
  }

  // ---- orders --------------------------------------------------------------------------------------------

  /** `order.place` (LIMIT or MARKET). A `newClientOrderId` is generated when absent. */
  placeOrder(params: PlaceOrderParams): Promise<OrderResult> {
    if (this.#halted !== undefined) return Promise.reject(this.#held(this.#halted));
    const taken = this.#takenId(params.newClientOrderId, PLACE.name);
    if (taken !== undefined) return Promise.reject(taken);
    const guard = this.#guard;
    if (guard === undefined) {
      const cid = params.newClientOrderId ?? this.#ids.next();
      return this.#session.send(PLACE, params, "newClientOrderId", cid) as Promise<OrderResult>;
    }
    // One clock read for the check and the order's timestamp (a cold read costs 50–150 ns).
    const at = Date.now();
    if (guard.check.checkPlace(params, at) !== 0) {
      return Promise.reject(guard.refusal(PLACE.name, params.symbol));
    }
    const cid = params.newClientOrderId ?? this.#ids.next();
    return this.#session.send(PLACE, params, "newClientOrderId", cid, at) as Promise<OrderResult>;
  }

  /**
   * Has `prompt` told of the result of the order request `promise` stands for (as `placeOrder`,
   * `modifyOrder` or `cancelOrder` just returned it, in this turn) before anything else is: before the order
   * tracker and the journal record it, and before `promise` resolves. For a caller that forwards the answer,
   * so that the bookkeeping runs after its write. Errors still reject `promise`. False when nothing was
   * attached (another request was sent in between, or the request was refused without being sent): read
   * `promise` as usual.
   *
   * @example
   * ```ts
   * declare const router: Router;
   * const placed = router.placeOrder({ symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.002" });
   * router.answerPromptly(placed, { answered: (result) => console.log("ack", result) });
   * await placed;
   * ```
   */
  answerPromptly(promise: Promise<unknown>, prompt: PromptAnswer): boolean {
    return this.#session.pipeline.answerPromptly(promise, prompt);
  }

  /**
   * Runs the order path's own code on a canned order, sending and recording nothing: the build and sign and
   * the ack's scan (`RequestPipeline.warm`), and the pre-trade check of the latest order that passed it,
   * counting nothing (`PreTradeCheck.warm`). A gateway's `OrderPathWarmer` calls it while no order flows.
   *
   * @example
   * ```ts
   * declare const router: Router;
   * router.warm(); // a number made from the work; nothing left the process
   * ```
   */
  warm(): number {
    const guard = this.#guard;
    return this.#session.pipeline.warm() + (guard === undefined ? 0 : guard.check.warm());
  }

  /** `order.modify` (LIMIT orders: new quantity and price). */
  modifyOrder(params: ModifyOrderParams): Promise<OrderResult> {
    if (this.#halted !== undefined) return Promise.reject(this.#held(this.#halted));
    const guard = this.#guard;
    let at: number | undefined;
    if (guard !== undefined) {
      at = Date.now(); // one clock read for the check and the timestamp
      if (guard.check.checkModify(params, at) !== 0) {
        return Promise.reject(guard.refusal(MODIFY.name, params.symbol));
      }
    }
    const cid = this.#cidOf(params);
    const sent = this.#session.send(MODIFY, params, "", cid, at) as Promise<OrderResult>;
    if (this.#observer?.placing?.(cid) !== true) return sent;
    return this.#onceAnswered(
      sent,
      cid,
      () => this.#session.send(MODIFY, params, "", cid) as Promise<OrderResult>,
    );
  }

  /**
   * `order.cancel` by orderId or origClientOrderId. Allowed while halted. Sent while the order's place is
   * unanswered, it can overtake it (-2011): it is then sent once more when the place is answered, if the order
   * rests (so is a modify).
   */
  cancelOrder(params: OrderRef): Promise<OrderResult> {
    const cid = this.#cidOf(params);
    const sent = this.#session.send(CANCEL, params, "", cid) as Promise<OrderResult>;
    if (this.#observer?.placing?.(cid) !== true) return sent;
    return this.#onceAnswered(
      sent,
      cid,
      () => this.#session.send(CANCEL, params, "", cid) as Promise<OrderResult>,
    );
  }

  /**
   * `sent`, a cancel or modify of `cid` sent while its place was unanswered; refused as unknown (-2011/-2013),
   * it waits for the place's answer (bounded by the request timeout) and, if the order then rests, `again`.
   */
  async #onceAnswered(
    sent: Promise<OrderResult>,
    cid: string,
    again: () => Promise<OrderResult>,
  ): Promise<OrderResult> {
    try {
      return await sent;
    } catch (e) {
      if (!(e instanceof ExchangeError && (e.code === -2011 || e.code === -2013))) throw e;
      const observer = this.#observer!;
      await this.#placesAnswered(() => observer.placing?.(cid) === true);
      if (observer.placing?.(cid) === true || observer.holdsClientOrderId?.(cid) !== true) throw e;
      return await again();
    }
  }

  /** `order.status` by orderId or origClientOrderId. The answer also updates the observer's view. */
  queryOrder(params: OrderRef): Promise<OrderResult> {
    const cid = params.origClientOrderId ?? "";
    const answer = this.#session.send(STATUS, params, "", cid) as Promise<OrderResult>;
    const observer = this.#observer;
    if (observer === undefined) return answer;
    // A query can be the first to show that an acked-NEW MARKET/IOC order filled or expired.
    return answer.then((result) => {
      try {
        observer.ack(cid, result, STATUS.name);
      } catch { /* an observer's bug must not fail the query */ }
      return result;
    });
  }

  /** `algoOrder.place`: stop, take-profit and trailing orders (`algoType=CONDITIONAL`). */
  placeAlgoOrder(params: PlaceAlgoOrderParams): Promise<AlgoOrderResult> {
    if (this.#halted !== undefined) return Promise.reject(this.#held(this.#halted));
    const taken = this.#takenId(params.clientAlgoId, ALGO_PLACE.name);
    if (taken !== undefined) return Promise.reject(taken);
    const guard = this.#guard;
    const at = Date.now(); // one clock read for the check and the timestamp
    if (guard !== undefined && guard.check.checkAlgoPlace(params, at) !== 0) {
      return Promise.reject(guard.refusal(ALGO_PLACE.name, params.symbol));
    }
    const cid = params.clientAlgoId ?? this.#ids.next();
    const full = { ...params, algoType: "CONDITIONAL" };
    return this.#session.send(ALGO_PLACE, full, "clientAlgoId", cid, at) as Promise<AlgoOrderResult>;
  }

  /**
   * `algoOrder.cancel` by algoId or clientAlgoId. Allowed while halted. An algo order that has triggered is no
   * longer the algo service's: the regular order it became is cancelled instead (`order.cancel`; the answer is
   * that order's), by its id when the observer knows it, else after the algo service refuses (-2011/-2013) by
   * the client algo id the order carries (its trigger not seen yet).
   */
  cancelAlgoOrder(params: AlgoOrderRef): Promise<Record<string, unknown>> {
    const held = this.#openAlgo(params);
    if (held?.actualOrderId !== undefined) {
      const ref = { symbol: held.symbol, orderId: held.actualOrderId };
      return this.#session.send(CANCEL, ref, "", held.clientOrderId) as Promise<Record<string, unknown>>;
    }
    const cid = params.clientAlgoId ?? held?.clientOrderId ?? "";
    const sent = this.#session.send(ALGO_CANCEL, params, "", cid) as Promise<Record<string, unknown>>;
    if (held === undefined) return sent;
    return sent.catch((e: unknown) => {
      if (!(e instanceof ExchangeError && (e.code === -2011 || e.code === -2013))) throw e;
      const ref = { symbol: held.symbol, origClientOrderId: held.clientOrderId };
      return (this.#session.send(CANCEL, ref, "", held.clientOrderId) as Promise<Record<string, unknown>>)
        .catch(
          () => Promise.reject(e), // no such order either: the algo service's answer stands
        );
    });
  }

  // ---- account and other methods ---------------------------------------------------------------------

  /** `v2/account.balance`. */
  accountBalance(): Promise<Record<string, unknown>[]> {
    return this.#read("v2/account.balance", NO_PARAMS) as Promise<Record<string, unknown>[]>;
  }

  /** `v2/account.position`, optionally for one symbol. */
  accountPositions(symbol?: string): Promise<Record<string, unknown>[]> {
    const params = symbol === undefined ? NO_PARAMS : { symbol };
    return this.#read("v2/account.position", params) as Promise<Record<string, unknown>[]>;
  }

  /** `v2/account.status`. */
  accountStatus(): Promise<Record<string, unknown>> {
    return this.#read("v2/account.status", NO_PARAMS) as Promise<Record<string, unknown>>;
  }

  /** `userDataStream.start`: returns the listenKey. */
  async startUserDataStream(): Promise<string> {
    return (await this.#read("userDataStream.start", NO_PARAMS) as { listenKey: string }).listenKey;
  }

  /** `userDataStream.ping`: extends the listenKey by 60 min. */
  async pingUserDataStream(): Promise<string> {
    return (await this.#read("userDataStream.ping", NO_PARAMS) as { listenKey: string }).listenKey;
  }

  /** `userDataStream.stop`. */
  async stopUserDataStream(): Promise<void> {
    await this.#read("userDataStream.stop", NO_PARAMS);
  }

  /** `session.status` of the active connection. */
  sessionStatus(): Promise<Record<string, unknown>> {
    return this.#read("session.status", NO_PARAMS) as Promise<Record<string, unknown>>;
  }

  /** `session.logout` of the active connection (orders then need per-request signatures). */
  sessionLogout(): Promise<Record<string, unknown>> {
    return this.#read("session.logout", NO_PARAMS) as Promise<Record<string, unknown>>;
  }

  /**
   * Any other ws-fapi method: `security` says how to authenticate it. Known methods use their own table
   * entry, and the order methods go through their own calls: `order.place`, `order.modify` and
   * `algoOrder.place` meet the halt and the pre-trade check here too (this is no way around the kill switch).
   *
   * @example
   * ```ts
   * import { startSimulator } from "../sim/mod.ts";
   * const sim = await startSimulator({ hmacKeys: [{ apiKey: "key", secretKey: "secret" }] });
   * const router = await Router.connect({ url: sim.url, apiKey: "key", secretKey: "secret" });
   * await router.request("ticker.price", { symbol: "BTCUSDT" }, "none");
   * await router.close();
   * await sim.close();
   * ```
   */
  request(method: string, params: Params = NO_PARAMS, security: Security = "signed"): Promise<unknown> {
    const spec: MethodSpec = METHODS[method] ?? adHocMethod(method, params, security);
    if (spec === PLACE) return this.placeOrder(params as unknown as PlaceOrderParams);
    if (spec === MODIFY) return this.modifyOrder(params as unknown as ModifyOrderParams);
    if (spec === ALGO_PLACE) return this.placeAlgoOrder(params as unknown as PlaceAlgoOrderParams);
    const cid = String(params.newClientOrderId ?? params.origClientOrderId ?? params.clientAlgoId ?? "");
    return this.#session.send(spec, params, "", cid);
  }

  // ---- halt ----------------------------------------------------------------------------------------------

  /**
   * The kill switch, and exactly what `POST /halt` does: stops new orders (place, modify, algo place) with
   * `reason` added to the halt reasons, then cancels every order the router's observer knows to be open or
   * unknown (with a {@linkcode Gateway} or an `OrderTracker` observer: every order this router placed that is
   * not finished). Cancels keep going out while halted. With `flatten`, every symbol with a position on the
   * exchange is then flattened (see `flatten`): the report's `flattened` says how each ended.
   */
  async halt(reason = "halted by operator", options: { flatten?: boolean } = {}): Promise<HaltReport> {
    this.#killSwitch.add(reason); // before the hold's event: a gateway keeps it as a cancelling halt
    this.holdNewOrders(reason, { lasting: true });
    const report = await this.#cancelOpen(reason, undefined);
    if (options.flatten !== true) return report;
    // Every symbol with a position, as the exchange shows it now; each closed by MARKET orders that only reduce.
    let lines: Record<string, unknown>[];
    try {
      lines = await this.accountPositions();
    } catch (e) {
      return { ...report, flattened: [], flattenError: (e as Error).message };
    }
    const symbols = [
      ...new Set(lines.filter((l) => Number(l.positionAmt ?? 0) !== 0).map((l) => String(l.symbol))),
    ];
    const flattened = await Promise.all(symbols.map((symbol) => flattenSymbol(this.#flattener, symbol)));
    return { ...report, flattened };
  }

  /**
   * Flattens `symbol`: cancels this router's open orders on it (as `cancelAllOpenOrders`), then closes the
   * account's position there with MARKET orders that can only reduce it (reduce-only in one-way mode, each
   * side's own `positionSide` in hedge mode), sized from `v2/account.position` asked just before (never from
   * the live view), and asks the position again to report what `remaining` is. The closing
   * orders are sent even while halted: they can only reduce. What `POST /flatten` does; `halt(reason,
   * { flatten: true })` does it for every symbol with a position.
   *
   * @example
   * ```ts
   * import { startSimulator } from "../sim/mod.ts";
   * const sim = await startSimulator({ hmacKeys: [{ apiKey: "key", secretKey: "secret" }] });
   * const router = await Router.connect({ url: sim.url, apiKey: "key", secretKey: "secret" });
   * const report = await router.flatten("BTCUSDT");
   * console.log(report.position, "closed;", report.remaining, "left");
   * await router.close();
   * await sim.close();
   * ```
   */
  async flatten(symbol: string): Promise<FlattenReport> {
    const { canceled, failed } = await this.cancelAllOpenOrders(symbol);
    const report = await flattenSymbol(this.#flattener, symbol);
    report.cancels = { canceled, failed };
    return report;
  }

  /**
   * Cancels every order of `symbol` the router's observer knows to be open or unknown (as `halt` does, with
   * the same second look at orders whose place was unanswered), without stopping new orders: Binance's
   * "cancel all open orders" over ws-fapi, one `order.cancel` / `algoOrder.cancel` each (REST has the only
   * single request for it). Orders placed after the call are not cancelled. What `DELETE /orders/open` does.
   *
   * @example
   * ```ts
   * import { startSimulator } from "../sim/mod.ts";
   * import { OrderTracker } from "../orders/order_tracker.ts";
   * const sim = await startSimulator({ hmacKeys: [{ apiKey: "key", secretKey: "secret" }] });
   * const router = await Router.connect({ url: sim.url, apiKey: "key", secretKey: "secret",
   *   observer: new OrderTracker() });
   * const report = await router.cancelAllOpenOrders("BTCUSDT");
   * console.log(report.canceled.length, "cancelled;", report.failed.length, "failed");
   * await router.close();
   * await sim.close();
   * ```
   */
  async cancelAllOpenOrders(symbol: string): Promise<CancelAllReport> {
    // A symbol the exchange does not list, with nothing of it tracked: a typo, refused (-1121) rather than
    // answered "nothing to cancel". One with orders tracked (a symbol delisted since) is still swept.
    const guard = this.#guard;
    if (guard !== undefined && !(this.#observer?.openOrders?.() ?? []).some((o) => o.symbol === symbol)) {
      const refused = guard.unlistedSymbol(symbol, CANCEL.name);
      if (refused !== undefined) throw refused;
    }
    const { canceled, alreadyFinished, failed } = await this.#cancelOpen(`cancel all ${symbol}`, symbol);
    return { symbol, canceled, alreadyFinished, failed };
  }

  /** Cancels the observer's open orders (of `symbol`, or all), then once more those whose place rested late. */
  async #cancelOpen(reason: string, symbol: string | undefined): Promise<HaltReport> {
    const known = () =>
      (this.#observer?.openOrders?.() ?? []).filter((o) => symbol === undefined || o.symbol === symbol);
    const open = known();
    // A place still unanswered when its cancel goes out can rest after all: the engine may take the cancel
    // first (-2011). Once those places are answered (bounded by the request timeout), such orders still open
    // are cancelled in one more pass. Taken before the cancels: the observer's orders change meanwhile, and
    // a place answered during the first pass is one of these.
    const unanswered = new Set(open.filter((o) => o.state === "pending").map((o) => o.clientOrderId));
    let report = await cancelOpenOrders(this, reason, open);
    if (unanswered.size > 0) {
      await this.#placesAnswered(() =>
        known().some((o) => o.state === "pending" && unanswered.has(o.clientOrderId))
      );
      const still = known().filter((o) => unanswered.has(o.clientOrderId));
      if (still.length > 0) report = mergeHaltReports(report, await cancelOpenOrders(this, reason, still));
    }
    // Not cancelled, and perhaps resting yet (a place of unknown outcome that lands later, a cancel lost with
    // the link): watched, and cancelled once shown open (a halt's while it holds, a cancel-all's for a minute).
    const missed = report.failed.map((f) => f.clientOrderId);
    for (const f of report.alreadyFinished) if (f.status === "NOT_FOUND") missed.push(f.clientOrderId);
    this.#watch.watch(missed, symbol === undefined ? reason : undefined);
    return report;
  }

  /**
   * Stops new orders for `reason` without cancelling anything: for conditions such as reconciling after a
   * restart, shutting down or an IP ban (418; lifted by `resume`, not by itself). Removed again with
   * `resume(reason)`. `liftsItself`: a hold whose owner removes it when its condition ends (reconciling the
   * orders of a crashed run, shutting down); `resume()` without a reason leaves it, so an operator's resume
   * cannot let orders out on an incomplete picture. `lasting`: a halt as `halt` sets it, which a gateway keeps
   * across a restart (see `lastingHalts`). `killSwitch`: a reason of `halt`'s held again after a restart (see
   * `killSwitchHalts`), without cancelling anything now.
   */
  holdNewOrders(
    reason: string,
    options: { liftsItself?: boolean; lasting?: boolean; killSwitch?: boolean } = {},
  ): void {
    if (options.liftsItself === true) this.#liftsItself.add(reason);
    if (options.lasting === true) this.#lasting.add(reason);
    if (options.killSwitch === true) this.#killSwitch.add(reason);
    if (this.#haltReasons.has(reason)) return;
    this.#haltReasons.add(reason);
    this.#halted = [...this.#haltReasons].join("; ");
    this.#session.emit({ type: "halted", reason, reasons: [...this.#haltReasons] });
  }

  /**
   * Removes one halt reason, or every one when `reason` is omitted but those that lift themselves (see
   * `holdNewOrders`); orders flow once none is left.
   */
  resume(reason?: string): void {
    if (this.#haltReasons.size === 0) return;
    const removed = reason === undefined
      ? [...this.#haltReasons].filter((r) => !this.#liftsItself.has(r))
      : [reason];
    if (reason === undefined) {
      if (removed.length === 0) return;
      for (const r of removed) {
        this.#haltReasons.delete(r);
        this.#lasting.delete(r);
        this.#killSwitch.delete(r);
      }
    } else if (!this.#haltReasons.delete(reason)) return;
    else {
      this.#liftsItself.delete(reason);
      this.#lasting.delete(reason);
      this.#killSwitch.delete(reason);
    }
    this.#halted = this.#haltReasons.size === 0 ? undefined : [...this.#haltReasons].join("; ");
    this.#session.emit({ type: "resumed", removed, reasons: [...this.#haltReasons] });
  }

  /** The halt reasons joined by "; ", or undefined when orders flow. */
  get halted(): string | undefined {
    return this.#halted;
  }

  /** Every reason new orders are stopped for (empty while they flow). */
  get haltReasons(): readonly string[] {
    return [...this.#haltReasons];
  }

  /**
   * The halt reasons set by the kill switch (`halt`: an operator, a risk breaker) or held as `lasting`, still
   * in force: what a gateway keeps across a restart, so a halted router does not come back trading. Holds
   * for a condition (a journal failure, an IP ban, reconciling) are found again by the next start, or not.
   */
  get lastingHalts(): readonly string[] {
    return [...this.#haltReasons].filter((r) => this.#lasting.has(r));
  }

  /**
   * The halt reasons in force that came from `halt` (the kill switch: an operator's, a risk breaker's), which
   * cancel this router's orders, unlike a hold. A gateway keeps them apart across a restart and cancels the
   * orders still resting once it has started.
   */
  get killSwitchHalts(): readonly string[] {
    return [...this.#haltReasons].filter((r) => this.#killSwitch.has(r));
  }

  // ---- state ---------------------------------------------------------------------------------------------

  /** Whether a logged-on socket is up. */
  get connected(): boolean {
    return this.#session.connected;
  }

  /** "hmac" (signed requests) or "ed25519" (session logon). */
  get auth(): "hmac" | "ed25519" {
    return this.#session.auth;
  }

  /**
   * The exchange's latest refusal of the key or signature (-2015, -2014, -1022) while running, or undefined:
   * `/health` reports one younger than a minute.
   */
  get lastCredentialsRefusal(): CredentialsRefusal | undefined {
    return this.#session.lastCredentialsRefusal;
  }

  /** The latest rate-limit counters from the exchange. */
  get rateLimits(): readonly RateLimit[] {
    return this.#session.pipeline.limits.current;
  }

  /**
   * After the exchange answered 429 or 418: until when (exchange ms) new requests are refused locally, and
   * why (the exchange's answer); undefined when none is. Cancels still go out.
   */
  get rateLimitBlock(): { until: number; reason: string } | undefined {
    const limits = this.#session.pipeline.limits;
    return limits.blockedUntil > this.#session.clock.now()
      ? { until: limits.blockedUntil, reason: limits.blockedBy }
      : undefined;
  }

  /**
   * Learns from an answer the router did not get itself (a REST call of the gateway's) an IP ban (418 "…
   * banned until T") or a used-up request weight (429 -1003 "Too many requests", until the minute's end): new
   * requests are refused locally and the gateway goes quiet until then, as for one the router met; a ban also
   * holds new orders until an operator resumes. Returns whether `msg` named either.
   */
  noteRateLimit(msg: string): boolean {
    const limits = this.#session.pipeline.limits;
    const until = /banned until (\d{12,})/.exec(msg);
    if (until !== null) {
      const untilMs = Number(until[1]);
      limits.block(untilMs, `the exchange answered 418 (${msg})`, true);
      this.holdNewOrders(`IP banned by the exchange until ${new Date(untilMs).toISOString()}`);
      this.#session.emit({ type: "rate-limited", status: 418, untilMs });
      return true;
    }
    if (!/-1003|Too many requests/i.test(msg)) return false;
    const now = this.#session.clock.now();
    const untilMs = Math.ceil((now + 1) / 60_000) * 60_000;
    limits.block(untilMs, `the exchange answered 429 (${msg})`, false, true);
    this.#session.emit({ type: "rate-limited", status: 429, untilMs });
    return true;
  }

  /**
   * Whether the exchange has banned this IP (418) for now: the gateway's own requests (audits, the fill
   * read-back, the dead-man's refreshes, the link's probes) wait, since asking lengthens a ban.
   */
  get ipBanned(): boolean {
    return this.#session.pipeline.limits.bannedUntil > this.#session.clock.now();
  }

  /**
   * Whether the gateway's own requests (audits, the fill read-back, the dead-man's refreshes, listenKey pings,
   * exchangeInfo reads, the link's probes) wait now: the IP is banned (418), or its request weight is used up
   * (-1003) until the minute's end. Binance bans an IP that keeps asking through a 429.
   */
  get quiet(): boolean {
    return this.#session.quiet();
  }

  /** Server clock offset (ms, server − local). */
  get clockOffsetMs(): number {
    return this.#session.clock.offsetMs;
  }

  /** Requests awaiting an answer. */
  get inFlight(): number {
    return this.#session.pipeline.inFlight;
  }

  /**
   * Resolves once no request is in flight, or after `timeoutMs` (each request times out by itself within the
   * request timeout, so that bound is enough). For a halt's second look and a graceful stop.
   *
   * @example
   * ```ts
   * declare const router: Router;
   * await router.settled(6000);
   * ```
   */
  settled(timeoutMs: number): Promise<void> {
    return waitWhile(() => this.inFlight > 0, timeoutMs);
  }

  /** Waits while `unanswered` holds: places still out, bounded by the request timeout (+1 s). */
  #placesAnswered(unanswered: () => boolean): Promise<void> {
    return waitWhile(unanswered, this.#requestTimeoutMs + 1000);
  }

  /** Counters for metrics. */
  get metrics(): PipelineMetrics {
    return this.#session.pipeline.metrics;
  }

  /** The pre-trade checks (filters, limits, marks, refusal counts); undefined with `preTrade: false`. */
  get preTrade(): PreTradeGuard | undefined {
    return this.#guard;
  }

  /**
   * Closes the connection. In-flight requests fail now (order requests with
   * {@linkcode UnknownOrderStateError}); later calls reject with {@linkcode NotSentError}.
   */
  close(): Promise<void> {
    this.#closed = true;
    this.#watch.stop();
    this.#guard?.close();
    this.#session.close();
    return Promise.resolve();
  }

  /** The refusal of a place whose caller-chosen client id the observer holds (in flight, open, unknown). */
  #takenId(given: string | undefined, method: string): FilterRefusedError | undefined {
    return given !== undefined && this.#observer?.holdsClientOrderId?.(given) === true
      ? duplicateClientId(method, given)
      : undefined;
  }

  /**
   * Why a new order is not sent while new orders are held: "closed" once the router is closed (a gateway holds
   * new orders while it shuts down, and that hold stays), else "halted" with the reasons.
   */
  #held(reasons: string): NotSentError {
    return this.#closed
      ? new NotSentError("closed", "the router is closed")
      : new NotSentError("halted", reasons);
  }

  #createGuard(options: RouterOptions): PreTradeGuard {
    const derived = marketUrlsFor(options.url);
    const f = options.filters ?? {};
    const guard = new PreTradeGuard({
      ...f,
      restUrl: f.restUrl ?? derived.restUrl,
      streamUrl: f.streamUrl ?? derived.streamUrl,
      ...(options.risk === undefined ? {} : { limits: options.risk }),
      onNotice: (notice) => this.#session.emit(notice),
      quiet: () => this.#session.quiet(),
    });
    guard.onTrip((reason) => void this.halt(reason));
    return guard;
  }

  #read(method: string, params: Params): Promise<unknown> {
    return this.#session.send(METHODS[method]!, params, "", "");
  }

  /** The algo order `ref` names, if the observer holds it open (with its regular order's id once triggered). */
  #openAlgo(ref: AlgoOrderRef): OpenOrderRef | undefined {
    const open = this.#observer?.openOrders?.();
    if (open === undefined) return undefined;
    for (const o of open) {
      if (!o.algo) continue;
      if (ref.clientAlgoId !== undefined ? o.clientOrderId === ref.clientAlgoId : o.orderId === ref.algoId) {
        return o;
      }
    }
    return undefined;
  }

  /** The client id an order request refers to (looked up by orderId when only that was given). */
  #cidOf(ref: OrderRef): string {
    if (ref.origClientOrderId !== undefined) return ref.origClientOrderId;
    if (ref.orderId === undefined) return "";
    return this.#observer?.clientOrderIdOf?.(ref.symbol, ref.orderId) ?? "";
  }
}

/** Polls `condition` every 5 ms while it holds, for at most `timeoutMs`. */
async function waitWhile(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}
