/**
 * The ws-fapi methods the router speaks: how each is authenticated, whether it changes orders (so that a lost
 * answer means "outcome unknown"), and its parameter names pre-sorted for signing, so the hot path never sorts.
 * The facts come from `vocabulary.ts` (WS_METHODS); this file only adds the auth keys and the encoding
 * constants, once, at module load.
 *
 * @module
 */

import { type MethodSecurity, WS_METHODS } from "../vocabulary.ts";

/**
 * How a method is authenticated: signed, key (API key only) or none.
 *
 * @example
 * ```ts
 * const security: Security = METHODS["ticker.price"]!.security; // "none"
 * ```
 */
export type Security = MethodSecurity;

/**
 * One method's wire facts.
 *
 * @example
 * ```ts
 * const spec = METHODS["order.place"]!;
 * spec.mutating; // true
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

/** Keys a signed request carries besides the caller's params (the signature is appended after them). */
const AUTH_KEYS = ["apiKey", "recvWindow", "timestamp"];

/** The keys `security` adds to a method's own params. */
function authKeys(security: Security): readonly string[] {
  return security === "signed" ? AUTH_KEYS : security === "key" ? ["apiKey"] : [];
}

/**
 * Every known method by name, with its encoding constants.
 *
 * @example
 * ```ts
 * METHODS["order.cancel"]!.keys; // ["apiKey", "orderId", "origClientOrderId", "recvWindow", "symbol", "timestamp"]
 * ```
 */
export const METHODS: Readonly<Record<string, MethodSpec>> = Object.fromEntries(
  Object.entries(WS_METHODS).map(([name, m], index) => [
    name,
    spec(index, name, m.security, m.mutating, m.countsAsOrder, [...m.params, ...authKeys(m.security)]),
  ]),
);

/**
 * Names of the known methods, by index (the order of `WS_METHODS`).
 *
 * @example
 * ```ts
 * METHOD_NAMES[METHODS["order.place"]!.index]; // "order.place"
 * ```
 */
export const METHOD_NAMES: readonly string[] = Object.keys(WS_METHODS);

/**
 * Number of known methods (size of per-method counter arrays).
 *
 * @example
 * ```ts
 * const counts = new Float64Array(METHOD_COUNT);
 * ```
 */
export const METHOD_COUNT: number = METHOD_NAMES.length;

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
