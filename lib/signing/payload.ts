/**
 * The signature payload of a ws-fapi request: every param except `signature`, sorted by name, `key=value`
 * joined by `&`, with raw values (no percent-encoding: `my:order/1` stays as it is, which is what the exchange
 * signs). Numbers and booleans are written as their literal text.
 *
 * The hot path builds the payload and the frame in one pass (see `wire/frame_encoder.ts`); this function is the
 * readable reference used for session logon, REST and tests.
 *
 * @module
 */

import type { Params } from "../types.ts";

/**
 * Builds the payload to sign from `params`, skipping `signature` and undefined values.
 *
 * @example
 * ```ts
 * signaturePayload({ symbol: "BTCUSDT", apiKey: "k", timestamp: 1 }); // "apiKey=k&symbol=BTCUSDT&timestamp=1"
 * ```
 */
export function signaturePayload(params: Params): string {
  const keys = Object.keys(params).filter((k) => k !== "signature" && params[k] !== undefined).sort();
  let out = "";
  for (const k of keys) out += (out ? "&" : "") + k + "=" + String(params[k]);
  return out;
}
