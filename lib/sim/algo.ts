/**
 * Conditional (algo) orders: algoOrder.place / algoOrder.cancel (ws-fapi.md §5.4). They are validated and
 * stored but never trigger, and the order endpoints cannot see them (as on Binance after the migration).
 *
 * @module
 */

import type { Account } from "./accounts.ts";
import { intParam, type Params } from "./auth.ts";
import { formatUnits, parseDecimal } from "./decimal.ts";
import { E, Failure } from "./errors.ts";
import { checkLotSize, checkPriceFilter, type SymbolSpec } from "./symbols.ts";
import type { SimAlgoOrderView } from "./types.ts";
import { boolParam, symbolParam, textParam } from "./params.ts";
import {
  ALGO_STATUSES,
  ALGO_TIME_IN_FORCE,
  ALGO_TYPES,
  CLIENT_ID_RE,
  CONDITIONAL_TYPES,
  memberOf,
  SIDES,
} from "./vocabulary.ts";

const isAlgoType = memberOf(ALGO_TYPES);
const isSide = memberOf(SIDES);
const isConditional = memberOf(CONDITIONAL_TYPES);
const isAlgoTimeInForce = memberOf(ALGO_TIME_IN_FORCE);

/**
 * A stored conditional order (what ALGO_UPDATE reports).
 *
 * @example
 * ```ts
 * declare const order: AlgoOrder;
 * order.status; // "NEW" | "CANCELED"
 * ```
 */
export interface AlgoOrder {
  readonly algoId: number;
  readonly clientAlgoId: string;
  readonly algoType: typeof ALGO_TYPES[number];
  readonly account: Account;
  readonly spec: SymbolSpec;
  readonly side: string;
  readonly type: string;
  readonly timeInForce: string;
  readonly quantity: bigint;
  readonly price: bigint;
  readonly triggerPrice: bigint;
  readonly workingType: string;
  readonly priceMatch: string;
  readonly closePosition: boolean;
  readonly priceProtect: boolean;
  readonly reduceOnly: boolean;
  readonly selfTradePreventionMode: string;
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
  #nextId = 2_000_000_000_000_001;

  /** `observer` is called synchronously after every placement and cancellation (the user data stream). */
  constructor(observer?: (order: AlgoOrder) => void) {
    this.#observer = observer;
  }

  /** Validates and stores a conditional order; returns its result object. */
  place(
    account: Account,
    params: Params,
    specs: ReadonlyMap<string, SymbolSpec>,
    marks: ReadonlyMap<string, bigint>,
    now: number,
  ): Record<string, unknown> | Failure {
    const algoType = textParam(params, "algoType");
    if (algoType === undefined || !isAlgoType(algoType)) return E.mandatory("algoType");
    const spec = symbolParam(params, specs);
    if (spec instanceof Failure) return spec;
    const side = textParam(params, "side");
    if (side === undefined) return E.mandatory("side");
    if (!isSide(side)) return E.badSide();
    const type = textParam(params, "type");
    if (type === undefined) return E.mandatory("type");
    if (!isConditional(type)) return E.badType();
    if ((textParam(params, "positionSide") ?? "BOTH") !== "BOTH") return E.positionSide();
    const timeInForce = textParam(params, "timeInForce") ?? "GTC";
    if (!isAlgoTimeInForce(timeInForce)) return E.badTif();
    const closePosition = boolParam(params, "closePosition", false);
    if (closePosition instanceof Failure) return closePosition;
    const priceProtect = boolParam(params, "priceProtect", false);
    if (priceProtect instanceof Failure) return priceProtect;
    const reduceOnly = boolParam(params, "reduceOnly", false);
    if (reduceOnly instanceof Failure) return reduceOnly;
    const clientAlgoId = params["clientAlgoId"];
    if (
      clientAlgoId !== undefined && (typeof clientAlgoId !== "string" || !CLIENT_ID_RE.test(clientAlgoId))
    ) {
      return E.badClientId();
    }
    if (typeof clientAlgoId === "string" && this.#openByClientId(account, clientAlgoId) !== undefined) {
      return E.duplicateClientId();
    }

    let quantity = 0n;
    if (closePosition) {
      if (params["quantity"] !== undefined) return E.notRequired("quantity");
      if (params["reduceOnly"] !== undefined) return E.notRequired("reduceOnly");
    } else {
      const q = decimal(params, "quantity", spec.quantityPrecision);
      if (q instanceof Failure) return q;
      const lot = checkLotSize(spec, q, type.endsWith("MARKET"));
      if (lot !== undefined) return lot;
      quantity = q;
    }
    let price = 0n;
    if (type === "STOP" || type === "TAKE_PROFIT") {
      const p = decimal(params, "price", spec.pricePrecision);
      if (p instanceof Failure) return p;
      const filter = checkPriceFilter(spec, p);
      if (filter !== undefined) return filter;
      price = p;
    }
    let triggerPrice = 0n;
    const mark = marks.get(spec.symbol) ?? 0n;
    if (type === "TRAILING_STOP_MARKET") {
      const rate = parseDecimal(params["callbackRate"]);
      if (rate === undefined || rate.units < 10_000_000n || rate.units > 1_000_000_000n) {
        return E.mandatory("callbackRate");
      }
    } else {
      const t = decimal(params, "triggerPrice", spec.pricePrecision);
      if (t instanceof Failure) return t;
      const filter = checkPriceFilter(spec, t);
      if (filter !== undefined) return filter;
      // STOP* triggers when the price moves against the side (BUY above the mark); TAKE_PROFIT* the other way.
      const above = (type.startsWith("STOP")) === (side === "BUY");
      if (above ? t <= mark : t >= mark) return E.wouldTrigger();
      triggerPrice = t;
    }

    const algoId = this.#nextId++;
    const order: AlgoOrder = {
      algoId,
      clientAlgoId: typeof clientAlgoId === "string" ? clientAlgoId : `sim-algo-${algoId}`,
      algoType,
      account,
      spec,
      side,
      type,
      timeInForce,
      quantity,
      price,
      triggerPrice,
      workingType: textParam(params, "workingType") ?? "CONTRACT_PRICE",
      priceMatch: textParam(params, "priceMatch") ?? "NONE",
      closePosition,
      priceProtect,
      reduceOnly,
      selfTradePreventionMode: textParam(params, "selfTradePreventionMode") ?? "NONE",
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

  /** The account's open (NEW) algo orders, of `symbol` or of every symbol, oldest first. */
  openOf(account: Account, symbol?: string): AlgoOrder[] {
    return this.#all.filter((o) =>
      o.account === account && o.status === "NEW" && (symbol === undefined || o.spec.symbol === symbol)
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

  #openByClientId(account: Account, clientAlgoId: string): AlgoOrder | undefined {
    return this.#all.find((o) =>
      o.account === account && o.clientAlgoId === clientAlgoId && o.status === "NEW"
    );
  }
}

function decimal(params: Params, name: string, precision: number): bigint | Failure {
  const parsed = parseDecimal(params[name]);
  if (parsed === undefined) return E.mandatory(name);
  if (parsed.decimals > precision) return E.precision();
  return parsed.units;
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
    positionSide: "BOTH",
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
    triggerTime: 0,
    goodTillDate: 0,
  };
}
