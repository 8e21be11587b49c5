/**
 * The simulator's own copy of Binance's vocabulary: the enum values its validation accepts and the client-id
 * pattern. It is deliberately not imported from the router (`lib/vocabulary.ts`): the simulator is an
 * independent model of the exchange, so a router bug copied into it would go unnoticed. Instead
 * `tests/sim/vocabulary_test.ts` diffs the two and fails on any difference it was not told about.
 *
 * Where the simulator models more of the exchange than the router sends (algo time in force) or less of it
 * (statuses it never produces), its lists say what the simulator does, not what the router does.
 *
 * @module
 */

/**
 * Order sides.
 *
 * @example
 * ```ts
 * SIDES.includes("SELL"); // true
 * ```
 */
export const SIDES = ["BUY", "SELL"] as const;

/**
 * Types `order.place` accepts; anything else is -1116, except the conditional types (-4120).
 *
 * @example
 * ```ts
 * ORDER_TYPES.includes("MARKET"); // true
 * ```
 */
export const ORDER_TYPES = ["LIMIT", "MARKET"] as const;

/**
 * Conditional types: -4120 on `order.place`, accepted by `algoOrder.place`.
 *
 * @example
 * ```ts
 * CONDITIONAL_TYPES.includes("TRAILING_STOP_MARKET"); // true
 * ```
 */
export const CONDITIONAL_TYPES = [
  "STOP",
  "STOP_MARKET",
  "TAKE_PROFIT",
  "TAKE_PROFIT_MARKET",
  "TRAILING_STOP_MARKET",
] as const;

/**
 * `algoType` values of `algoOrder.place` (anything else is -1102 on algoType).
 *
 * @example
 * ```ts
 * ALGO_TYPES[0]; // "CONDITIONAL"
 * ```
 */
export const ALGO_TYPES = ["CONDITIONAL"] as const;

/**
 * Time in force of `order.place` LIMIT orders (anything else is -1115).
 *
 * @example
 * ```ts
 * TIME_IN_FORCE.includes("GTD"); // true
 * ```
 */
export const TIME_IN_FORCE = ["GTC", "IOC", "FOK", "GTX", "GTD", "RPI"] as const;

/**
 * Time in force `algoOrder.place` accepts. Binance also takes GTX and GTE_GTC here, which the router never
 * sends; the simulator accepts what the exchange accepts.
 *
 * @example
 * ```ts
 * ALGO_TIME_IN_FORCE.includes("GTE_GTC"); // true
 * ```
 */
export const ALGO_TIME_IN_FORCE = ["GTC", "IOC", "FOK", "GTX", "GTE_GTC"] as const;

/**
 * Price-match modes (NONE, Binance's "no price match", is handled apart from these).
 *
 * @example
 * ```ts
 * PRICE_MATCH.includes("OPPONENT_5"); // true
 * ```
 */
export const PRICE_MATCH = [
  "OPPONENT",
  "OPPONENT_5",
  "OPPONENT_10",
  "OPPONENT_20",
  "QUEUE",
  "QUEUE_5",
  "QUEUE_10",
  "QUEUE_20",
] as const;

/**
 * Self-trade prevention modes (anything else is -5039).
 *
 * @example
 * ```ts
 * STP_MODES.includes("EXPIRE_MAKER"); // true
 * ```
 */
export const STP_MODES = ["NONE", "EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"] as const;

/**
 * `newOrderRespType` values (anything else is -1136).
 *
 * @example
 * ```ts
 * RESPONSE_TYPES.includes("RESULT"); // true
 * ```
 */
export const RESPONSE_TYPES = ["ACK", "RESULT"] as const;

/**
 * Order statuses the simulator produces: partial fills come only from mark moves given a `fillQty` (an order
 * that crosses when placed or modified fills completely), and nothing is rejected after acceptance.
 *
 * @example
 * ```ts
 * (ORDER_STATUSES as readonly string[]).includes("PARTIALLY_FILLED"); // true
 * ```
 */
export const ORDER_STATUSES = ["NEW", "PARTIALLY_FILLED", "FILLED", "CANCELED", "EXPIRED"] as const;

/**
 * Algo statuses the simulator produces (not EXPIRED: no GTE_GTC expiry).
 *
 * @example
 * ```ts
 * (ALGO_STATUSES as readonly string[]).includes("TRIGGERED"); // true
 * ```
 */
export const ALGO_STATUSES = ["NEW", "CANCELED", "TRIGGERING", "TRIGGERED", "FINISHED", "REJECTED"] as const;

/**
 * Client order id rule (newClientOrderId, origClientOrderId, clientAlgoId); -4015 when broken.
 *
 * @example
 * ```ts
 * CLIENT_ID_RE.test("sim-1"); // true
 * ```
 */
export const CLIENT_ID_RE = /^[.A-Z:/a-z0-9_-]{1,36}$/;

/**
 * A membership test for one of the lists above that narrows a string to the list's values. The set is built
 * once, when the test is made.
 *
 * @example
 * ```ts
 * const isSide = memberOf(SIDES);
 * declare const text: string; // e.g. a request param
 * if (isSide(text)) text; // narrowed to "BUY" | "SELL"
 * ```
 */
export function memberOf<const T extends readonly string[]>(
  values: T,
): (value: string) => value is T[number] {
  const set: ReadonlySet<string> = new Set(values);
  return (value): value is T[number] => set.has(value);
}
