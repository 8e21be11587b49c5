/**
 * The outcome of one pre-trade check, as a single preallocated object the check fills in (no allocation on
 * the way): the exchange code it would have answered with (or the local limit code -20), which filter or
 * limit refused, and the numbers for the message. The message itself is built only when asked, on the
 * refusal path.
 *
 * @module
 */

import { formatScaled } from "./scaled_decimal.ts";
import type { SymbolState } from "./symbol_state.ts";

/**
 * The local code of a refusal by the trader's own limits (HTTP 422 on the control plane).
 *
 * @example
 * ```ts
 * RISK_LIMIT_CODE; // -20
 * ```
 */
export const RISK_LIMIT_CODE = -20;

/**
 * Exchange messages by code, as the exchange (and the simulator) words them; -4016, -4024 and -4164 take a
 * number and are built in {@linkcode Verdict.message}.
 *
 * @example
 * ```ts
 * FILTER_MESSAGES[-4014]; // "Price not increased by tick size."
 * ```
 */
export const FILTER_MESSAGES: Readonly<Record<number, string>> = Object.freeze({
  [-1111]: "Precision is over the maximum defined for this asset.",
  [-1115]: "Invalid timeInForce.",
  [-1116]: "Invalid orderType.",
  [-1121]: "Invalid symbol.",
  [-2025]: "Reach max open order limit.",
  [-4002]: "Price greater than max price.",
  [-4004]: "Quantity less than min quantity.",
  [-4005]: "Quantity greater than max quantity.",
  [-4013]: "Price less than min price.",
  [-4014]: "Price not increased by tick size.",
  [-4023]: "Quantity not increased by step size.",
  [-4045]: "Reach max stop order limit.",
  [-4140]: "Invalid symbol status for opening position.",
  [-5024]: "Symbol is not in trading status. Order amendment is not permitted.",
});

/**
 * Filled in by every check: `code` 0 means pass.
 *
 * @example
 * ```ts
 * declare const verdict: Verdict; // from PreTradeCheck.verdict
 * if (verdict.code !== 0) console.log(verdict.kind, verdict.name, verdict.message());
 * ```
 */
export class Verdict {
  /** 0: pass; an exchange code (filter refusal) or {@linkcode RISK_LIMIT_CODE}. */
  code = 0;
  /** "filter" (exchange rules) or "limit" (the trader's limits). */
  kind: "filter" | "limit" = "filter";
  /** The filter (PRICE_FILTER, LOT_SIZE, …) or limit (maxOrderQty, …) that refused. */
  name = "";
  /** For limits: the order's value and the limit, at `scale` decimals (Infinity-free). */
  value = 0;
  max = 0;
  scale = 0;
  /** The symbol state the refusal concerns (for messages that name a price). */
  state: SymbolState | undefined = undefined;

  /** Marks a pass. */
  pass(): 0 {
    this.code = 0;
    return 0;
  }

  /** Records an exchange-filter refusal; returns `code`. */
  filter(code: number, name: string, state: SymbolState | undefined): number {
    this.code = code;
    this.kind = "filter";
    this.name = name;
    this.state = state;
    return code;
  }

  /** Records a limit refusal; returns -20. */
  limit(name: string, value: number, max: number, scale: number): number {
    this.code = RISK_LIMIT_CODE;
    this.kind = "limit";
    this.name = name;
    this.value = value;
    this.max = max;
    this.scale = scale;
    return RISK_LIMIT_CODE;
  }

  /** The order's value as a number (e.g. 0.6 for a quantity). */
  get valueNumber(): number {
    return Number(formatScaled(this.value, this.scale));
  }

  /** The limit as a number. */
  get maxNumber(): number {
    return Number(formatScaled(this.max, this.scale));
  }

  /** The message, worded like the exchange's for filter refusals. */
  message(): string {
    const code = this.code;
    if (code === 0) return "ok";
    if (this.kind === "limit") return this.#limitMessage();
    const state = this.state;
    if (state !== undefined) {
      const f = state.filters;
      if (code === -4016 || code === -4024) {
        const multiplier = code === -4016 ? f.multiplierUp : f.multiplierDown;
        // As the exchange words it: mark × multiplier, cut to 8 decimals, shown at pricePrecision.
        const bound8 = state.mark8 * multiplier / 10n ** BigInt(f.multiplierScale);
        const shown = bound8 / 10n ** BigInt(8 - Math.min(f.pricePrecision, 8));
        const text = formatScaled(Number(shown), Math.min(f.pricePrecision, 8));
        return code === -4016
          ? `Limit price can't be higher than ${text}.`
          : `Limit price can't be lower than ${text}.`;
      }
      if (code === -4164) {
        const n = f.minNotionalText.includes(".")
          ? f.minNotionalText.replace(/0+$/, "").replace(/\.$/, "")
          : f.minNotionalText;
        return `Order's notional must be no smaller than ${n} (unless you choose reduce only).`;
      }
    }
    if (code === -1102) return `Parameter '${this.name}' must be a decimal string, such as "0.002".`;
    return FILTER_MESSAGES[code] ?? `refused by ${this.name}`;
  }

  #limitMessage(): string {
    const symbol = this.state?.filters.symbol ?? "?";
    if (this.name === "allowedSymbols") {
      return `risk limit allowedSymbols: ${symbol} is not an allowed symbol`;
    }
    if (this.name === "reduceOnlyMode") {
      return `risk limit reduceOnlyMode: only orders that reduce the ${symbol} position are allowed`;
    }
    if (this.value < 0) {
      return `risk limit ${this.name}: no fresh ${symbol} mark price (none within 10 s); refused until one arrives`;
    }
    const value = formatScaled(this.value, this.scale);
    const bound = formatScaled(this.max, this.scale);
    if (this.name === "priceBandPct") {
      // Either edge of the band around the mark: the one the price is past.
      return this.value < this.max
        ? `risk limit priceBandPct (${symbol}): price ${value} is below the band's lower edge ${bound}`
        : `risk limit priceBandPct (${symbol}): price ${value} is above the band's upper edge ${bound}`;
    }
    return `risk limit ${this.name} (${symbol}): ${value} exceeds ${bound}`;
  }
}
