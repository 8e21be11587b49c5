/**
 * The pre-trade check's cost per order (lib/risk): the whole check the router runs before sending, with the
 * exchange filters of BTCUSDT (the simulator's exchangeInfo values), a fresh mark and a typical risk file
 * (per-order, position, open-order, band and rate limits all set, so every rule of `checkPlace`'s fast path
 * runs). Orders cycle through 1024 prebuilt parameter objects with different prices and quantities, all of
 * which pass.
 */
import { PreTradeCheck } from "../../lib/risk/pre_trade_check.ts";
import { parseExchangeInfo } from "../../lib/risk/symbol_filters.ts";
import type { PlaceOrderParams } from "../../lib/types.ts";
import { BTCUSDT_EXCHANGE_INFO } from "../_support/btcusdt_exchange_info.ts";

export const GROUP_RISK = "pre-trade check";

/**
 * `next()` checks the next order (LIMIT or MARKET as asked) and returns its code (always 0).
 *
 * @example
 * ```ts
 * const { next, advance } = preTradeCheckCase("LIMIT");
 * next(); // 0
 * advance(5); // 5 ms later, for an order checked directly
 * ```
 */
export function preTradeCheckCase(
  type: "LIMIT" | "MARKET",
): { next: () => number; check: PreTradeCheck; advance: (ms: number) => void } {
  // The clock moves 0.25 ms per order: the per-second ring (4096) always spans more than a second, and the
  // mark is renewed every 4096 orders (amortized: well under 1 ns per order) so it never goes stale.
  let now = 0;
  const check = new PreTradeCheck({
    limits: {
      symbols: {
        BTCUSDT: {
          maxOrderQty: 1,
          maxOrderNotional: 60_000,
          maxPositionQty: 1e6,
          maxPositionNotional: 1e12,
          maxOpenOrders: 1000,
          priceBandPct: 5,
          maxOrdersPerSecond: 4096,
        },
      },
      allowedSymbols: ["BTCUSDT"],
      maxRejectsPerMinute: 30,
    },
    now: () => now,
  });
  check.setFilters(parseExchangeInfo({ symbols: [BTCUSDT_EXCHANGE_INFO] }).filters);
  check.setMark("BTCUSDT", 5_100_000_000_000n, 0);
  const orders: PlaceOrderParams[] = [];
  for (let i = 0; i < 1024; i++) {
    const quantity = (0.002 + (i % 50) / 1000).toFixed(3);
    orders.push(
      type === "LIMIT"
        ? {
          symbol: "BTCUSDT",
          side: i % 2 === 0 ? "BUY" : "SELL",
          type: "LIMIT",
          timeInForce: "GTC",
          quantity,
          price: (50_500 + (i % 100) / 10).toFixed(1),
        }
        : { symbol: "BTCUSDT", side: i % 2 === 0 ? "BUY" : "SELL", type: "MARKET", quantity },
    );
  }
  let i = 0;
  const next = () => {
    now += 0.25;
    if ((i & 4095) === 0) check.setMark("BTCUSDT", 5_100_000_000_000n, now);
    const code = check.checkPlace(orders[i++ & 1023]!);
    if (code !== 0) throw new Error(`pre-trade check refused a benchmark order: ${check.verdict.message()}`);
    return code;
  };
  /** Moves the check's clock on by `ms` (orders checked directly, at a pace), the mark renewed each second. */
  const advance = (ms: number) => {
    const second = Math.floor(now / 1000);
    now += ms;
    if (Math.floor(now / 1000) !== second) check.setMark("BTCUSDT", 5_100_000_000_000n, now);
  };
  return { next, check, advance };
}
