/**
 * The ws-fapi methods the router speaks: how each is authenticated, whether it changes orders (so that a lost
 * answer means "outcome unknown"), and its parameter names pre-sorted for signing, so the hot path never sorts.
 *
 * @module
 */

/** How a method is authenticated. */
export type Security = "signed" | "key" | "none";

/**
 * One method's wire facts.
 *
 * @example
 * ```ts
 * const spec = METHODS["order.place"]; spec.mutating; // true
 * ```
 */
export interface MethodSpec {
  /** Index for counters (metrics). */
  readonly index: number;
  /** Method name as sent, e.g. `order.place`. */
  readonly name: string;
  /** signed (timestamp and signature, or a logged-on session), key (API key only) or none. */
  readonly security: Security;
  /** Order-mutating: an unanswered request leaves the order in an unknown state. */
  readonly mutating: boolean;
  /** Counts against the ORDERS rate limit. */
  readonly countsAsOrder: boolean;
  /** Every key the request may carry (including apiKey, timestamp, recvWindow when signed), sorted. */
  readonly keys: readonly string[];
  /** Per key, precomputed so the encoder concatenates constants: `"k":` and `,"k":`. */
  readonly jsonFirst: readonly string[];
  /** Per key: `,"k":` (every key after the first). */
  readonly jsonNext: readonly string[];
  /** Per key: `k=` and `&k=`. */
  readonly payFirst: readonly string[];
  /** Per key: `&k=` (every key after the first). */
  readonly payNext: readonly string[];
  /** Per key: 1 apiKey, 2 timestamp, 3 recvWindow, 0 a caller's param. */
  readonly kinds: Uint8Array;
  /** `,"method":"<name>","params":{`. */
  readonly head: string;
}

const KIND: Readonly<Record<string, number>> = { apiKey: 1, timestamp: 2, recvWindow: 3 };

/** A spec with its encoding constants filled in. */
function spec(
  index: number,
  name: string,
  security: Security,
  mutating: boolean,
  countsAsOrder: boolean,
  keys: string[],
): MethodSpec {
  const sorted = Object.freeze([...keys].sort());
  return {
    index,
    name,
    security,
    mutating,
    countsAsOrder,
    keys: sorted,
    jsonFirst: sorted.map((k) => '"' + k + '":'),
    jsonNext: sorted.map((k) => ',"' + k + '":'),
    payFirst: sorted.map((k) => k + "="),
    payNext: sorted.map((k) => "&" + k + "="),
    kinds: Uint8Array.from(sorted, (k) => KIND[k] ?? 0),
    head: ',"method":' + JSON.stringify(name) + ',"params":{',
  };
}

const AUTH_KEYS = ["apiKey", "recvWindow", "timestamp"];

const table: [string, Security, boolean, boolean, string[]][] = [
  ["order.place", "signed", true, true, [
    "symbol",
    "side",
    "type",
    "quantity",
    "price",
    "timeInForce",
    "positionSide",
    "reduceOnly",
    "newClientOrderId",
    "newOrderRespType",
    "priceMatch",
    "selfTradePreventionMode",
    "goodTillDate",
  ]],
  ["order.modify", "signed", true, true, [
    "symbol",
    "orderId",
    "origClientOrderId",
    "side",
    "quantity",
    "price",
    "priceMatch",
    "modifyId",
  ]],
  ["order.cancel", "signed", true, false, ["symbol", "orderId", "origClientOrderId"]],
  ["order.status", "signed", false, false, ["symbol", "orderId", "origClientOrderId"]],
  ["algoOrder.place", "signed", true, false, [
    "algoType",
    "symbol",
    "side",
    "type",
    "quantity",
    "price",
    "triggerPrice",
    "timeInForce",
    "positionSide",
    "workingType",
    "priceMatch",
    "closePosition",
    "priceProtect",
    "reduceOnly",
    "activatePrice",
    "callbackRate",
    "clientAlgoId",
    "newOrderRespType",
    "selfTradePreventionMode",
    "goodTillDate",
  ]],
  ["algoOrder.cancel", "signed", true, false, ["algoId", "clientAlgoId"]],
  ["account.balance", "signed", false, false, []],
  ["account.position", "signed", false, false, ["symbol"]],
  ["account.status", "signed", false, false, []],
  ["v2/account.balance", "signed", false, false, []],
  ["v2/account.position", "signed", false, false, ["symbol"]],
  ["v2/account.status", "signed", false, false, []],
  ["userDataStream.start", "key", false, false, []],
  ["userDataStream.ping", "key", false, false, []],
  ["userDataStream.stop", "key", false, false, []],
  ["session.logon", "signed", false, false, []],
  ["session.status", "none", false, false, []],
  ["session.logout", "none", false, false, []],
  ["ticker.price", "none", false, false, ["symbol"]],
];

/** Every known method by name. */
export const METHODS: Readonly<Record<string, MethodSpec>> = Object.fromEntries(
  table.map(([name, security, mutating, countsAsOrder, keys], index) => [
    name,
    spec(index, name, security, mutating, countsAsOrder, [
      ...keys,
      ...(security === "signed" ? AUTH_KEYS : security === "key" ? ["apiKey"] : []),
    ]),
  ]),
);

/** Number of known methods (size of per-method counter arrays). */
export const METHOD_COUNT = table.length;

/** Names of the known methods, by index. */
export const METHOD_NAMES: readonly string[] = table.map((t) => t[0]);

/**
 * The spec for a method the table does not know (the generic `request` escape hatch): its keys are sorted
 * per call.
 *
 * @example
 * ```ts
 * const spec = adHocMethod("ticker.book", { symbol: "BTCUSDT" }, "none");
 * ```
 */
export function adHocMethod(name: string, params: Record<string, unknown>, security: Security): MethodSpec {
  const keys = new Set(Object.keys(params));
  if (security !== "none") keys.add("apiKey");
  if (security === "signed") { for (const k of AUTH_KEYS) keys.add(k); }
  keys.delete("signature");
  return spec(-1, name, security, false, false, [...keys]);
}

/**
 * A copy of `base` with another security and key list (e.g. session.logon, which carries its own signature).
 *
 * @example
 * ```ts
 * const logon = respec(METHODS["session.logon"]!, "none", ["apiKey", "signature", "timestamp"]);
 * ```
 */
export function respec(base: MethodSpec, security: Security, keys: string[]): MethodSpec {
  return spec(base.index, base.name, security, base.mutating, base.countsAsOrder, keys);
}
