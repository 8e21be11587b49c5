/**
 * The public REST reads behind the pre-trade check: `GET /fapi/v1/exchangeInfo` (the filters) and
 * `GET /fapi/v1/premiumIndex` (every symbol's mark, at start and while the mark stream is down). No key, no
 * signature; each read is bounded by a timeout and fails with an Error that names the URL path and the cause.
 *
 * @module
 */

import { parseExchangeInfo, type SymbolFilters } from "./symbol_filters.ts";
import { parseScaled } from "./scaled_decimal.ts";

/**
 * Reads and compiles exchangeInfo.
 *
 * @example
 * ```ts
 * const { filters } = await fetchExchangeFilters("https://fapi.binance.com", 5000);
 * filters.get("BTCUSDT")?.tickSize;
 * ```
 */
export async function fetchExchangeFilters(
  restUrl: string,
  timeoutMs: number,
  fetcher: typeof fetch = fetch,
): Promise<{ filters: Map<string, SymbolFilters>; skipped: string[] }> {
  return parseExchangeInfo(await getJson(restUrl, "/fapi/v1/exchangeInfo", timeoutMs, fetcher));
}

/**
 * Reads every symbol's mark price: `[symbol, mark at 8 decimals]` pairs (unreadable entries are left out).
 *
 * @example
 * ```ts
 * for (const [symbol, mark8] of await fetchMarkPrices("https://fapi.binance.com", 5000)) {
 *   console.log(symbol, mark8);
 * }
 * ```
 */
export async function fetchMarkPrices(
  restUrl: string,
  timeoutMs: number,
  fetcher: typeof fetch = fetch,
): Promise<[string, bigint][]> {
  const json = await getJson(restUrl, "/fapi/v1/premiumIndex", timeoutMs, fetcher);
  const list = Array.isArray(json) ? json : [json];
  const marks: [string, bigint][] = [];
  for (const item of list as Record<string, unknown>[]) {
    if (item === null || typeof item !== "object" || typeof item.symbol !== "string") continue;
    const mark8 = markUnits(item.markPrice);
    if (mark8 !== undefined) marks.push([item.symbol, mark8]);
  }
  return marks;
}

/**
 * A mark price (decimal text) at 8 decimals; undefined when it is not a positive decimal with ≤ 8 places.
 *
 * @example
 * ```ts
 * markUnits("51000.12345678"); // 5100012345678n
 * ```
 */
export function markUnits(text: unknown): bigint | undefined {
  if (typeof text !== "string") return undefined;
  const v = parseScaled(text, 8);
  return v > 0 && Number.isFinite(v) ? BigInt(v) : undefined;
}

async function getJson(
  restUrl: string,
  path: string,
  timeoutMs: number,
  fetcher: typeof fetch,
): Promise<unknown> {
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetcher(`${restUrl.replace(/\/+$/, "")}${path}`, { signal });
  } catch (e) {
    throw new Error(
      `GET ${path}: ${
        (e as Error).name === "TimeoutError" ? `no answer in ${timeoutMs} ms` : (e as Error).message
      }`,
    );
  }
  const text = await response.text().catch(() => "");
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status} ${text.slice(0, 200)}`);
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`GET ${path}: not JSON`);
  }
}
