/**
 * The user data stream's events (reference §8), parsed from their one-letter wire keys into named, typed
 * records. Unknown event types are returned as such and ignored by the account; decimals stay strings.
 *
 * @module
 */

/**
 * An `ORDER_TRADE_UPDATE`, the fields the account uses.
 *
 * @example
 * ```ts
 * const u = parseUserEvent('{"e":"ORDER_TRADE_UPDATE","E":2,"T":1,"o":{"s":"BTCUSDT","c":"lr-1","S":"BUY","o":"LIMIT","q":"0.002","p":"50000","ap":"0","x":"NEW","X":"NEW","i":7,"l":"0","z":"0","L":"0","t":0,"T":1,"m":false,"rp":"0"}}');
 * if (u?.type === "order") console.log(u.status);
 * ```
 */
export interface OrderUpdate {
  readonly type: "order";
  /** Event time (ms). */
  readonly eventTime: number;
  /** Transaction time (ms): orders events apply in this order. */
  readonly time: number;
  readonly symbol: string;
  readonly clientOrderId: string;
  readonly side: string;
  readonly orderType: string;
  /** Time in force (`f`): GTC, IOC, FOK, GTX, GTD; "" when the event has none. */
  readonly timeInForce: string;
  readonly quantity: string;
  readonly price: string;
  readonly avgPrice: string;
  /** Execution type: NEW, TRADE, CANCELED, EXPIRED, AMENDMENT, CALCULATED. */
  readonly execution: string;
  /** Order status after this event. */
  readonly status: string;
  readonly orderId: number;
  /** Quantity of this fill (TRADE). */
  readonly lastQty: string;
  /** Cumulative filled quantity. */
  readonly executedQty: string;
  /** Price of this fill (TRADE). */
  readonly lastPrice: string;
  /** Trade id (0 when this event is no trade). */
  readonly tradeId: number;
  readonly maker: boolean;
  readonly commission: string;
  readonly commissionAsset: string;
  readonly realizedProfit: string;
  readonly positionSide: string;
}

/** An `ALGO_UPDATE`: a conditional order's state. */
export interface AlgoUpdate {
  readonly type: "algo";
  readonly eventTime: number;
  readonly time: number;
  readonly symbol: string;
  readonly clientAlgoId: string;
  readonly algoId: number;
  readonly side: string;
  readonly orderType: string;
  readonly quantity: string;
  readonly triggerPrice: string;
  readonly price: string;
  /** Algo status: NEW, CANCELED, TRIGGERING, TRIGGERED, FINISHED, REJECTED, EXPIRED. */
  readonly status: string;
  /** `ai`: the id of the regular order it became in the matching engine once triggered; undefined before. */
  readonly actualOrderId: number | undefined;
}

/** A position line of an `ACCOUNT_UPDATE`. */
export interface PositionUpdate {
  readonly symbol: string;
  readonly positionSide: string;
  readonly positionAmt: string;
  readonly entryPrice: string;
  readonly unrealizedProfit: string;
}

/** A balance line of an `ACCOUNT_UPDATE`. */
export interface BalanceUpdate {
  readonly asset: string;
  readonly walletBalance: string;
  readonly crossWalletBalance: string;
}

/** An `ACCOUNT_UPDATE`: balances and positions that changed. */
export interface AccountUpdate {
  readonly type: "account";
  readonly eventTime: number;
  readonly time: number;
  /** Why: ORDER, FUNDING_FEE, DEPOSIT… */
  readonly reason: string;
  readonly balances: readonly BalanceUpdate[];
  readonly positions: readonly PositionUpdate[];
}

/** `listenKeyExpired`: no more events until a new key is used. */
export interface ListenKeyExpired {
  readonly type: "listen-key-expired";
  readonly eventTime: number;
  readonly listenKey: string;
}

/** Any event the account acts on, or another one it ignores. */
export type UserEvent =
  | OrderUpdate
  | AlgoUpdate
  | AccountUpdate
  | ListenKeyExpired
  | { readonly type: "other"; readonly name: string };

/** The stream events the account handles: the `events=` allow list of the private stream URL. */
export const USER_STREAM_EVENTS: readonly string[] = [
  "ORDER_TRADE_UPDATE",
  "ALGO_UPDATE",
  "ACCOUNT_UPDATE",
  "listenKeyExpired",
];

type Raw = Record<string, unknown>;
const str = (
  v: unknown,
): string => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));
const num = (v: unknown): number => (typeof v === "number" ? v : Number(v ?? 0) || 0);

/**
 * Parses one stream frame; undefined when it is not a JSON object with an `e` field. Combined-stream
 * wrappers (`{"stream":…,"data":{…}}`) are unwrapped.
 *
 * @example
 * ```ts
 * parseUserEvent('{"e":"listenKeyExpired","E":1,"listenKey":"k"}'); // { type: "listen-key-expired", … }
 * ```
 */
export function parseUserEvent(text: string): UserEvent | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw !== "object" || raw === null) return undefined;
  let r = raw as Raw;
  if (typeof r.data === "object" && r.data !== null && r.e === undefined) r = r.data as Raw;
  const name = r.e;
  if (typeof name !== "string") return undefined;
  const eventTime = num(r.E);
  switch (name) {
    case "ORDER_TRADE_UPDATE":
      return orderUpdate(eventTime, num(r.T), (r.o ?? {}) as Raw);
    case "ALGO_UPDATE":
      return algoUpdate(eventTime, num(r.T), (r.o ?? {}) as Raw);
    case "ACCOUNT_UPDATE":
      return accountUpdate(eventTime, num(r.T), (r.a ?? {}) as Raw);
    case "listenKeyExpired":
      return { type: "listen-key-expired", eventTime, listenKey: str(r.listenKey) };
    default:
      return { type: "other", name };
  }
}

function orderUpdate(eventTime: number, time: number, o: Raw): OrderUpdate {
  return {
    type: "order",
    eventTime,
    time: time || num(o.T),
    symbol: str(o.s),
    clientOrderId: str(o.c),
    side: str(o.S),
    orderType: str(o.o),
    timeInForce: str(o.f),
    quantity: str(o.q),
    price: str(o.p),
    avgPrice: str(o.ap),
    execution: str(o.x),
    status: str(o.X),
    orderId: num(o.i),
    lastQty: str(o.l),
    executedQty: str(o.z),
    lastPrice: str(o.L),
    tradeId: num(o.t),
    maker: o.m === true,
    commission: str(o.n) || "0",
    commissionAsset: str(o.N),
    realizedProfit: str(o.rp) || "0",
    positionSide: str(o.ps) || "BOTH",
  };
}

function algoUpdate(eventTime: number, time: number, o: Raw): AlgoUpdate {
  return {
    type: "algo",
    eventTime,
    time,
    symbol: str(o.s),
    clientAlgoId: str(o.caid),
    algoId: num(o.aid),
    side: str(o.S),
    orderType: str(o.o),
    quantity: str(o.q),
    triggerPrice: str(o.tp),
    price: str(o.p),
    status: str(o.X),
    actualOrderId: idOrUndefined(o.ai),
  };
}

/** An id sent as a number or as text ("" or "0" for none). */
function idOrUndefined(v: unknown): number | undefined {
  const n = typeof v === "number" ? v : typeof v === "string" && v !== "" ? Number(v) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function accountUpdate(eventTime: number, time: number, a: Raw): AccountUpdate {
  const balances = (Array.isArray(a.B) ? a.B : []).map((b: Raw) => ({
    asset: str(b.a),
    walletBalance: str(b.wb),
    crossWalletBalance: str(b.cw),
  }));
  const positions = (Array.isArray(a.P) ? a.P : []).map((p: Raw) => ({
    symbol: str(p.s),
    positionSide: str(p.ps) || "BOTH",
    positionAmt: str(p.pa),
    entryPrice: str(p.ep),
    unrealizedProfit: str(p.up),
  }));
  return { type: "account", eventTime, time, reason: str(a.m), balances, positions };
}
