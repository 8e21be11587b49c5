/**
 * Conditional (algo) orders: algoOrder.place / algoOrder.cancel (ws-fapi.md §5.4), and their life after a
 * trigger (algo_trigger.ts decides when). On a mark move each NEW order that triggers goes TRIGGERING, places
 * its regular order (linked by `ai`), goes TRIGGERED when that order is accepted and FINISHED when it is
 * filled, cancelled or expired; an order that cannot be placed (margin, reduce-only) goes REJECTED with the
 * reason in `rm`. Untriggered, the order endpoints cannot see them (as on Binance after the migration).
 *
 * @module
 */

import type { Account } from "./accounts.ts";
import { type AlgoRequest, parseAlgoPlace } from "./algo_params.ts";
import { intParam, type Params } from "./auth.ts";
import { type AlgoLink, triggeredOrder, triggers } from "./algo_trigger.ts";
import { formatUnits } from "./decimal.ts";
import { E, Failure } from "./errors.ts";
import type { Placed } from "./matching.ts";
import type { OrderChange, SimOrder } from "./orders.ts";
import { textParam } from "./params.ts";
import { checkMaxNumAlgoOrders, checkMaxNumOrders, type SymbolSpec } from "./symbols.ts";
import type { SimAlgoOrderView } from "./types.ts";
import type { PlaceRequest } from "./validate.ts";
import type { ALGO_STATUSES } from "./vocabulary.ts";

/** Statuses of an algo order that is not finished yet. */
const LIVE: ReadonlySet<string> = new Set(["NEW", "TRIGGERING", "TRIGGERED"]);

/**
 * A stored conditional order (what ALGO_UPDATE reports).
 *
 * @example
 * ```ts
 * declare const order: AlgoOrder;
 * order.status; // "NEW", "TRIGGERING", "TRIGGERED", "FINISHED", "CANCELED" or "REJECTED"
 * ```
 */
export interface AlgoOrder extends Omit<AlgoRequest, "clientAlgoId" | "triggerPrice"> {
  readonly algoId: number;
  readonly clientAlgoId: string;
  readonly account: Account;
  /** The trigger price; a trailing stop's live stop level (0n until it activates). */
  triggerPrice: bigint;
  /** Trailing stops: the best price since activation (0n before). */
  extreme: bigint;
  /** Once triggered: the regular order it placed. */
  actual: SimOrder | undefined;
  /** Trigger time (0 before). */
  triggerTime: number;
  /** Why the triggered order was rejected ("" otherwise). */
  rejectReason: string;
  readonly createTime: number;
  status: typeof ALGO_STATUSES[number];
  updateTime: number;
}

/**
 * The algo order store.
 *
 * @example
 * ```ts
 * import type { SimCore } from "./core.ts";
 * declare const core: SimCore;
 * const params = { algoType: "CONDITIONAL", symbol: "BTCUSDT", side: "SELL", type: "STOP_MARKET",
 *   quantity: "0.010", triggerPrice: "45000" };
 * const book = new AlgoBook();
 * const result = book.place(core.accounts.get("key")!, params, core.specs, core.exchange.marks, Date.now());
 * ```
 */
export class AlgoBook {
  readonly #all: AlgoOrder[] = [];
  readonly #byId = new Map<number, AlgoOrder>();
  readonly #observer: ((order: AlgoOrder) => void) | undefined;
  readonly #openOrders: ((account: Account, symbol: string) => number) | undefined;
  #nextId = 2_000_000_000_000_001;

  /**
   * `observer` is called synchronously after every placement and cancellation (the user data stream);
   * `openOrders` gives the account's open regular orders on a symbol (MAX_NUM_ORDERS counts both kinds).
   */
  constructor(
    observer?: (order: AlgoOrder) => void,
    openOrders?: (account: Account, symbol: string) => number,
  ) {
    this.#observer = observer;
    this.#openOrders = openOrders;
  }

  /**
   * The account's untriggered algo orders on `symbol` (what MAX_NUM_ALGO_ORDERS counts: a triggered one's
   * regular order counts as a regular order).
   */
  pendingCount(account: Account, symbol: string): number {
    let count = 0;
    for (const o of this.#all) {
      if (
        o.account === account && o.spec.symbol === symbol && (o.status === "NEW" || o.status === "TRIGGERING")
      ) {
        count++;
      }
    }
    return count;
  }

  /** Validates and stores a conditional order; returns its result object. */
  place(
    account: Account,
    params: Params,
    specs: ReadonlyMap<string, SymbolSpec>,
    marks: ReadonlyMap<string, bigint>,
    now: number,
  ): Record<string, unknown> | Failure {
    const req = parseAlgoPlace(params, specs, marks, account.dualSidePosition);
    if (req instanceof Failure) return req;
    const symbol = req.spec.symbol;
    const pending = this.pendingCount(account, symbol);
    const tooMany = checkMaxNumAlgoOrders(req.spec, pending) ??
      checkMaxNumOrders(req.spec, pending + (this.#openOrders?.(account, symbol) ?? 0));
    if (tooMany !== undefined) return tooMany;
    if (req.clientAlgoId !== undefined && this.#openByClientId(account, req.clientAlgoId) !== undefined) {
      return E.duplicateClientId();
    }
    const algoId = this.#nextId++;
    const order: AlgoOrder = {
      ...req,
      algoId,
      clientAlgoId: req.clientAlgoId ?? `sim-algo-${algoId}`,
      account,
      extreme: 0n,
      actual: undefined,
      triggerTime: 0,
      rejectReason: "",
      createTime: now,
      status: "NEW",
      updateTime: now,
    };
    this.#all.push(order);
    this.#byId.set(algoId, order);
    this.#observer?.(order);
    return algoOrderResult(order);
  }

  /** Cancels by algoId or clientAlgoId; -2011 when not found or not open. */
  cancel(account: Account, params: Params, now: number): Record<string, unknown> | Failure {
    const rawId = params["algoId"];
    const clientAlgoId = textParam(params, "clientAlgoId");
    if (rawId === undefined && clientAlgoId === undefined) return E.eitherParam("algoId", "clientAlgoId");
    let order: AlgoOrder | undefined;
    if (rawId !== undefined) {
      const id = intParam(rawId);
      if (id === undefined) return E.mandatory("algoId");
      order = this.#byId.get(id);
    } else if (clientAlgoId !== undefined) {
      order = this.#openByClientId(account, clientAlgoId);
    }
    if (order === undefined || order.account !== account || order.status !== "NEW") return E.unknownOrder();
    order.status = "CANCELED";
    order.updateTime = now;
    this.#observer?.(order);
    return { algoId: order.algoId, clientAlgoId: order.clientAlgoId, code: "200", msg: "success" };
  }

  /**
   * A mark move: triggers every NEW algo order of `symbol` whose condition now holds, oldest first, placing
   * its regular order through `place`.
   */
  markMoved(
    symbol: string,
    mark: bigint,
    now: number,
    place: (account: Account, req: PlaceRequest, link: AlgoLink) => Placed | Failure,
  ): void {
    const due = this.#all.filter((o) => o.status === "NEW" && o.spec.symbol === symbol && triggers(o, mark));
    for (const algo of due) {
      algo.status = "TRIGGERING";
      algo.triggerTime = now;
      algo.updateTime = now;
      this.#observer?.(algo);
      const req = triggeredOrder(algo, algo.account.positionAmount(symbol, algo.positionSide));
      const link = {
        algoId: algo.algoId,
        origType: algo.type,
        stopPrice: algo.triggerPrice,
        workingType: algo.workingType,
      };
      const placed = req instanceof Failure ? req : place(algo.account, req, link);
      if (placed instanceof Failure) {
        algo.status = "REJECTED";
        algo.rejectReason = placed.msg;
        algo.updateTime = now;
        this.#observer?.(algo);
      }
    }
  }

  /** The exchange's observer for orders placed by a trigger: TRIGGERED on NEW, FINISHED when it ends. */
  orderChanged(order: SimOrder, change: OrderChange): void {
    if (order.algoId === undefined) return;
    const algo = this.#byId.get(order.algoId);
    if (algo === undefined) return;
    if (change.execution === "NEW") {
      algo.actual = order;
      algo.status = "TRIGGERED";
    } else if (order.status === "FILLED" || order.status === "CANCELED" || order.status === "EXPIRED") {
      if (algo.status === "FINISHED") return;
      algo.status = "FINISHED";
    } else {
      return;
    }
    algo.updateTime = order.updateTime;
    this.#observer?.(algo);
  }

  /**
   * The account's open algo orders (NEW, or triggered with their order still working), of `symbol` or of
   * every symbol, oldest first.
   */
  openOf(account: Account, symbol?: string): AlgoOrder[] {
    return this.#all.filter((o) =>
      o.account === account && LIVE.has(o.status) && (symbol === undefined || o.spec.symbol === symbol)
    );
  }

  /** The harness's view of every algo order. */
  views(): SimAlgoOrderView[] {
    return this.#all.map((o) => ({
      algoId: o.algoId,
      clientAlgoId: o.clientAlgoId,
      symbol: o.spec.symbol,
      side: o.side,
      type: o.type,
      algoStatus: o.status,
      triggerPrice: formatUnits(o.triggerPrice, o.spec.pricePrecision),
      price: formatUnits(o.price, o.spec.pricePrecision),
      quantity: formatUnits(o.quantity, o.spec.quantityPrecision),
      apiKey: o.account.apiKey,
    }));
  }

  /** The account's algo order by algoId, or its newest with `clientAlgoId`, whatever its status. */
  find(account: Account, ref: { algoId?: number; clientAlgoId?: string }): AlgoOrder | undefined {
    if (ref.algoId !== undefined) {
      const o = this.#byId.get(ref.algoId);
      return o?.account === account ? o : undefined;
    }
    return this.#all.findLast((o) => o.account === account && o.clientAlgoId === ref.clientAlgoId);
  }

  #openByClientId(account: Account, clientAlgoId: string): AlgoOrder | undefined {
    return this.#all.find((o) =>
      o.account === account && o.clientAlgoId === clientAlgoId && o.status === "NEW"
    );
  }
}

/**
 * An algo order in the shape `algoOrder.place` answers with (the REST listings add a few fields to it).
 *
 * @example
 * ```ts
 * declare const order: AlgoOrder;
 * algoOrderResult(order).algoStatus; // "NEW"
 * ```
 */
export function algoOrderResult(o: AlgoOrder): Record<string, unknown> {
  const pp = o.spec.pricePrecision;
  return {
    algoId: o.algoId,
    clientAlgoId: o.clientAlgoId,
    algoType: o.algoType,
    orderType: o.type,
    symbol: o.spec.symbol,
    side: o.side,
    positionSide: o.positionSide,
    timeInForce: o.timeInForce,
    quantity: formatUnits(o.quantity, o.spec.quantityPrecision),
    algoStatus: o.status,
    triggerPrice: formatUnits(o.triggerPrice, pp),
    price: formatUnits(o.price, pp),
    icebergQuantity: null,
    selfTradePreventionMode: o.selfTradePreventionMode,
    workingType: o.workingType,
    priceMatch: o.priceMatch,
    closePosition: o.closePosition,
    priceProtect: o.priceProtect,
    reduceOnly: o.reduceOnly,
    createTime: o.createTime,
    updateTime: o.updateTime,
    triggerTime: o.triggerTime,
    goodTillDate: 0,
  };
}
