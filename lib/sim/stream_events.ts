/**
 * The user data stream's event objects, field by field as in ws-fapi.md §8: ORDER_TRADE_UPDATE,
 * ACCOUNT_UPDATE (reason ORDER), ALGO_UPDATE and listenKeyExpired. Pure functions of the simulator's state;
 * the caller stamps the times (`E` event time, `T` transaction time, both on the sim clock).
 *
 * Simulator choices where the reference gives no format: quantities (`q`, `l`, `z`, `pa`) at the symbol's
 * quantity precision; order and stop prices (`p`, `sp`, `tp`) at its price precision; fill and average
 * prices (`L`, `ap`) exact, with at least the price precision; money (`n`, `rp`, `b`, `a`, `wb`, `cw`, `bc`,
 * `cr`, `up`, `iw`) and entry prices (`ep`, `bep`) at 8 decimals, as account.* answers them. Commission is
 * in USDT (`N`), `n` the fill's fee; `bep` is the entry moved by the opening fees per unit.
 *
 * @module
 */

import { type Account, lineKey } from "./accounts.ts";
import type { AlgoOrder } from "./algo.ts";
import { formatUnits, mul } from "./decimal.ts";
import type { OrderChange, SimOrder } from "./orders.ts";
import type { SymbolSpec } from "./symbols.ts";

const USDT = (v: bigint) => formatUnits(v, 8);

/**
 * An exact price with at least `precision` decimals: "51000.00", "49999.905".
 *
 * @example
 * ```ts
 * formatPrice(4_999_990_500_000n, 2); // "49999.905"
 * ```
 */
export function formatPrice(units: bigint, precision: number): string {
  const full = formatUnits(units, 8);
  let end = full.length;
  const dot = full.indexOf(".");
  while (end > dot + 1 + precision && full.charCodeAt(end - 1) === 48) end--;
  return full.slice(0, precision === 0 && end === dot + 1 ? dot : end);
}

/**
 * The account's open-order notional on one symbol, by side (`b` / `a` of ORDER_TRADE_UPDATE).
 *
 * @example
 * ```ts
 * const book: OpenNotional = { bid: 0n, ask: 0n };
 * ```
 */
export interface OpenNotional {
  /** BUY orders: price × open quantity, in units. */
  readonly bid: bigint;
  /** SELL orders: price × open quantity, in units. */
  readonly ask: bigint;
}

/**
 * ORDER_TRADE_UPDATE for one change of `order` (already in its new state).
 *
 * @example
 * ```ts
 * import type { SimOrder } from "./orders.ts";
 * declare const order: SimOrder;
 * const event = orderTradeUpdate(order, { execution: "NEW" }, Date.now(), { bid: 0n, ask: 0n });
 * event.o; // { s: "BTCUSDT", c: "…", S: "BUY", …, x: "NEW", X: "NEW", … }
 * ```
 */
export function orderTradeUpdate(
  order: SimOrder,
  change: OrderChange,
  time: number,
  open: OpenNotional,
): { e: "ORDER_TRADE_UPDATE"; E: number; T: number; o: Record<string, unknown> } {
  const pp = order.spec.pricePrecision;
  const qp = order.spec.quantityPrecision;
  const fill = change.fill;
  const head = {
    s: order.spec.symbol,
    c: order.clientOrderId,
    S: order.side,
    o: order.type,
    f: order.timeInForce,
    q: formatUnits(order.qty, qp),
    p: formatUnits(order.price, pp),
    ap: formatPrice(order.avgPrice, pp),
    sp: formatUnits(order.stopPrice, pp),
    x: change.execution,
    X: order.status,
    i: order.orderId,
  };
  const modify = change.modifyId === undefined ? {} : { M: change.modifyId };
  const tail = {
    l: formatUnits(fill?.qty ?? 0n, qp),
    z: formatUnits(order.executed, qp),
    L: formatPrice(fill?.price ?? 0n, pp),
    N: "USDT",
    n: USDT(fill?.commission ?? 0n),
    T: time,
    t: fill?.tradeId ?? 0,
    b: USDT(open.bid),
    a: USDT(open.ask),
    m: fill?.maker ?? false,
    R: order.reduceOnly,
    wt: order.workingType,
    ot: order.origType,
    ps: order.positionSide,
    cp: false,
    pP: false,
    si: 0,
    ss: 0,
    rp: USDT(fill?.realized ?? 0n),
    V: order.selfTradePreventionMode,
    pm: order.priceMatch,
    gtd: order.goodTillDate,
    er: String(change.expireReason ?? 0),
  };
  return { e: "ORDER_TRADE_UPDATE", E: time, T: time, o: { ...head, ...modify, ...tail } };
}

/**
 * ACCOUNT_UPDATE (reason ORDER) after a fill: the USDT balance and the position line the fill moved (the
 * symbol's one-way line, or in hedge mode its side `positionSide`).
 *
 * @example
 * ```ts
 * import type { Account } from "./accounts.ts";
 * import { SYMBOLS } from "./symbols.ts";
 * declare const account: Account;
 * const event = accountUpdate(account, SYMBOLS[0]!, 5_100_000_000_000n, Date.now());
 * event.a.P[0]?.pa; // e.g. "0.010"
 * ```
 */
export function accountUpdate(
  account: Account,
  spec: SymbolSpec,
  mark: bigint,
  time: number,
  positionSide = "BOTH",
): {
  e: "ACCOUNT_UPDATE";
  E: number;
  T: number;
  a: { m: "ORDER"; B: Record<string, unknown>[]; P: Record<string, unknown>[] };
} {
  const p = account.positions.get(lineKey(spec.symbol, positionSide));
  const amount = p?.amount ?? 0n;
  const entry = p?.entry ?? 0n;
  const wallet = USDT(account.wallet);
  return {
    e: "ACCOUNT_UPDATE",
    E: time,
    T: time,
    a: {
      m: "ORDER",
      B: [{ a: "USDT", wb: wallet, cw: wallet, bc: USDT(0n) }],
      P: [{
        s: spec.symbol,
        pa: formatUnits(amount, spec.quantityPrecision),
        ep: formatUnits(entry, 8),
        bep: formatUnits(account.breakEven(spec.symbol, positionSide), 8),
        cr: USDT(p?.realized ?? 0n),
        up: USDT(amount === 0n ? 0n : mul(amount, mark - entry)),
        mt: "cross",
        iw: USDT(0n),
        ps: positionSide,
      }],
    },
  };
}

/**
 * ACCOUNT_UPDATE with reason FUNDING_FEE: only the USDT balance, no position (cross margin, ws-fapi.md §8).
 *
 * @example
 * ```ts
 * import type { Account } from "./accounts.ts";
 * declare const account: Account;
 * fundingUpdate(account, Date.now()).a.m; // "FUNDING_FEE"
 * ```
 */
export function fundingUpdate(
  account: Account,
  time: number,
): {
  e: "ACCOUNT_UPDATE";
  E: number;
  T: number;
  a: { m: "FUNDING_FEE"; B: Record<string, unknown>[]; P: Record<string, unknown>[] };
} {
  const wallet = USDT(account.wallet);
  return {
    e: "ACCOUNT_UPDATE",
    E: time,
    T: time,
    a: { m: "FUNDING_FEE", B: [{ a: "USDT", wb: wallet, cw: wallet, bc: USDT(0n) }], P: [] },
  };
}

/**
 * ALGO_UPDATE for a conditional order: placed, cancelled, triggering, triggered (`ai` the regular order's id,
 * `act` its type), finished (`ap` / `aq` its average price and executed quantity) or rejected (`rm`).
 *
 * @example
 * ```ts
 * import type { AlgoOrder } from "./algo.ts";
 * declare const algo: AlgoOrder;
 * algoUpdate(algo, Date.now()).o.X; // "NEW" or "CANCELED"
 * ```
 */
export function algoUpdate(
  algo: AlgoOrder,
  time: number,
): { e: "ALGO_UPDATE"; T: number; E: number; o: Record<string, unknown> } {
  const pp = algo.spec.pricePrecision;
  const qp = algo.spec.quantityPrecision;
  const actual = algo.actual;
  return {
    e: "ALGO_UPDATE",
    T: time,
    E: time,
    o: {
      caid: algo.clientAlgoId,
      aid: algo.algoId,
      at: algo.algoType,
      o: algo.type,
      s: algo.spec.symbol,
      S: algo.side,
      ps: algo.positionSide,
      f: algo.timeInForce,
      q: formatUnits(algo.quantity, qp),
      X: algo.status,
      ai: actual === undefined ? "" : String(actual.orderId),
      ap: formatPrice(actual?.avgPrice ?? 0n, pp),
      aq: formatUnits(actual?.executed ?? 0n, qp),
      act: actual?.type ?? "0",
      tp: formatUnits(algo.triggerPrice, pp),
      p: formatUnits(algo.price, pp),
      V: algo.selfTradePreventionMode,
      wt: algo.workingType,
      pm: algo.priceMatch,
      cp: algo.closePosition,
      pP: algo.priceProtect,
      R: algo.reduceOnly,
      tt: algo.triggerTime,
      gtd: 0,
      rm: algo.rejectReason,
    },
  };
}

/**
 * listenKeyExpired, with `E` as an integer (the 2026-05 spec; the older doc example quoted it).
 *
 * @example
 * ```ts
 * listenKeyExpired("pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1", Date.now()).e;
 * ```
 */
export function listenKeyExpired(
  listenKey: string,
  time: number,
): { e: "listenKeyExpired"; E: number; listenKey: string } {
  return { e: "listenKeyExpired", E: time, listenKey };
}
