/**
 * Where exchange filters and mark prices come from when the caller does not say: derived from the ws-fapi URL
 * (production, testnet, or a simulator on the same host and port).
 *
 * @module
 */

/**
 * The REST base and stream host that go with a ws-fapi URL.
 *
 * @example
 * ```ts
 * marketUrlsFor("wss://ws-fapi.binance.com/ws-fapi/v1");
 * // { restUrl: "https://fapi.binance.com", streamUrl: "wss://fstream.binance.com" }
 * marketUrlsFor("ws://127.0.0.1:4000/ws-fapi/v1");
 * // { restUrl: "http://127.0.0.1:4000", streamUrl: "ws://127.0.0.1:4000" }
 * ```
 */
export function marketUrlsFor(wsUrl: string): { restUrl: string; streamUrl: string } {
  let url: URL;
  try {
    url = new URL(wsUrl);
  } catch {
    return { restUrl: "", streamUrl: "" };
  }
  const host = url.hostname;
  if (host === "ws-fapi.binance.com" || host === "ws-fapi-mm.binance.com") {
    return { restUrl: "https://fapi.binance.com", streamUrl: "wss://fstream.binance.com" };
  }
  if (host === "testnet.binancefuture.com") {
    return { restUrl: "https://testnet.binancefuture.com", streamUrl: "wss://fstream.binancefuture.com" };
  }
  const secure = url.protocol === "wss:";
  return {
    restUrl: `${secure ? "https" : "http"}://${url.host}`,
    streamUrl: `${secure ? "wss" : "ws"}://${url.host}`,
  };
}
