/**
 * The library's numeric options, checked once where they enter (`Router.connect`, `Gateway.open`). A
 * TypeScript type says `number`, and NaN, Infinity or a negative delay are numbers: `Number(env.X)` of an unset
 * variable gives NaN, and a timer given NaN fires at once on one runtime and never on another (a per-request
 * timeout that never ends, a dead-man's switch retried every millisecond and never armed). The CLI checks its
 * own, narrower ranges (`lib/cli/config.ts`); these are the bounds outside which an option cannot work.
 *
 * @module
 */

/**
 * The largest delay the runtimes' timers take (2^31 − 1 ms, ~24.8 days): a longer one fires at once.
 *
 * @example
 * ```ts
 * TIMER_MAX_MS; // 2147483647
 * ```
 */
export const TIMER_MAX_MS = 2_147_483_647;

/**
 * The dead-man's countdown the router keeps armed (`deadManMs`, `--dead-man-ms`), ms. It is refreshed every third
 * of the countdown per symbol (REST, weight 10 each): under 5 s that spends request weight the orders' reads
 * need. Binance's countdown itself takes longer ones; a day is plenty.
 *
 * @example
 * ```ts
 * DEAD_MAN_MS_RANGE.min; // 5000
 * ```
 */
export const DEAD_MAN_MS_RANGE: NumberRule = { min: 5_000, max: 86_400_000, integer: true };

/**
 * What one numeric option may be: a finite number in `[min, max]`, whole when `integer`.
 *
 * @example
 * ```ts
 * const rule: NumberRule = { min: 1, max: TIMER_MAX_MS };
 * ```
 */
export interface NumberRule {
  readonly min: number;
  readonly max: number;
  readonly integer?: boolean;
}

/** A delay for a timer: at least 1 ms. */
const DELAY: NumberRule = { min: 1, max: TIMER_MAX_MS };

/**
 * The numeric options of `RouterOptions` and their bounds.
 *
 * @example
 * ```ts
 * ROUTER_NUMBER_RULES.requestTimeoutMs?.min; // 1
 * ```
 */
export const ROUTER_NUMBER_RULES: Readonly<Record<string, NumberRule>> = Object.freeze({
  requestTimeoutMs: DELAY,
  connectTimeoutMs: DELAY,
  // The exchange's bounds, whole ms (ws-fapi.md §3.1); it refuses a longer one on every signed request (-1131).
  recvWindow: { min: 1, max: 60_000, integer: true },
  deadLinkMs: DELAY,
  maxConnectionAgeMs: DELAY,
  backoffBaseMs: DELAY,
  backoffMaxMs: DELAY,
  maxInFlight: { min: 1, max: 1 << 20, integer: true },
  rateLimitHeadroom: { min: 0, max: 0.99 },
});

/**
 * The first option of `options` named in `rules` that breaks its rule, as a message naming it and what it
 * expects; undefined when all are absent or in range.
 *
 * @example
 * ```ts
 * numberOptionProblem({ requestTimeoutMs: NaN }, ROUTER_NUMBER_RULES);
 * // "requestTimeoutMs: expected a number 1-2147483647, got NaN"
 * ```
 */
export function numberOptionProblem(
  options: object,
  rules: Readonly<Record<string, NumberRule>>,
): string | undefined {
  const given = options as Record<string, unknown>;
  for (const name in rules) {
    const value = given[name];
    if (value === undefined) continue;
    const rule = rules[name]!;
    if (
      typeof value !== "number" || !Number.isFinite(value) || value < rule.min || value > rule.max ||
      (rule.integer === true && !Number.isInteger(value))
    ) {
      // String(), not JSON: a bigint has no JSON, and the message must not throw in place of the error.
      const shown = typeof value === "number" ? String(value) : `${typeof value} ${String(value)}`;
      return `${name}: expected ${
        rule.integer === true ? "a whole number" : "a number"
      } ${rule.min}-${rule.max}, ` +
        `got ${shown}`;
    }
  }
  return undefined;
}
