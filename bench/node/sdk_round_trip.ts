/**
 * Order round trip through the public SDKs, under Node (the runtime they are written for), one order in
 * flight, against the same simulator process as the Router benchmark: the `binance` package's
 * WebsocketAPIClient (`submitNewFuturesOrder`, HMAC per-request signing; and with an Ed25519 key, which it
 * logs on once), the official connector's websocket-api client (`newOrder`; it has no session logon for
 * USDⓈ-M futures, so every order is signed), CCXT pro's `createOrderWs` (rate limiter off), and one floor
 * per auth mode: Node's raw `ws` socket sending pre-built HMAC-signed frames, and one that logs on with the
 * Ed25519 key and sends pre-built unsigned frames — each resolving on the answer with the request's id
 * (bench/_support/raw_floor.ts). Each SDK is compared with the floor of its own mode. Contenders run
 * interleaved in rounds; every order is the same non-crossing LIMIT IOC. Reports p50/p99/p99.9 in µs.
 *
 * Node 20 does not run TypeScript: `bench/run_all.ts` bundles this file with `bun build --target=node
 * --packages=external` into node_modules/.cache/ and runs it with `node` (needs `BENCH_SIM_URL`).
 */
import process from "node:process";
import { WebsocketAPIClient } from "binance";
import { DerivativesTradingUsdsFutures } from "@binance/derivatives-trading-usds-futures";
import { Logger, LogLevel } from "@binance/common";
import { API_KEY, ED25519_API_KEY, ED25519_PRIVATE_PEM, IOC_ORDER, SECRET_KEY } from "../_fixtures.ts";
import { type RoundTripContender, runInterleaved } from "../_support/interleave.ts";
import { printResults } from "../_support/print.ts";
import { recordResults, summaryResults } from "../_support/results.ts";
import { type FloorAuth, floorResultName } from "../_support/floor_auth.ts";
import { rawFloor } from "../_support/raw_floor.ts";
import { SIZES } from "../_support/settings.ts";
import { CCXT_SYMBOL, ccxtBinanceUsdm } from "../sdk/ccxt_sdk.ts";
import { wsTextSocket } from "./ws_text_socket.ts";

const SILENT = { trace: () => {}, info: () => {}, error: (...args: unknown[]) => console.error(...args) };

async function nodeWsFloor(url: string, auth: FloorAuth): Promise<RoundTripContender & { close(): void }> {
  const floor = await rawFloor(await wsTextSocket(url), auth, "ws");
  return {
    name: floorResultName("Node ws", auth),
    prepareRound: (count: number) => floor.prepare(count),
    once: floor.once,
    verify: () => floor.verify(),
    close: () => floor.close(),
  };
}

async function binanceSdk(
  name: string,
  url: string,
  apiKey: string,
  secret: string,
): Promise<RoundTripContender & { close(): Promise<void> }> {
  // The SDK appends the ws-fapi path (/ws-fapi/v1) to `wsUrl` itself.
  const wsUrl = url.replace(/\/ws-fapi\/v1$/, "");
  const client = new WebsocketAPIClient(
    { api_key: apiKey, api_secret: secret, wsUrl, beautify: false, muteLatencyWarning: true },
    SILENT,
  );
  const order = () => ({ ...IOC_ORDER, timestamp: Date.now() });
  await client.submitNewFuturesOrder("usdm", order() as never); // connects (and logs on, for Ed25519)
  return {
    name,
    async once() {
      const r = await client.submitNewFuturesOrder("usdm", order() as never) as { status?: number };
      if (r.status !== 200) throw new Error(`${name}: status ${r.status}`);
    },
    close: () => client.getWSClient().closeAll(true) as unknown as Promise<void>,
  };
}

async function officialConnector(url: string): Promise<RoundTripContender & { close(): Promise<void> }> {
  Logger.getInstance().setMinLogLevel(LogLevel.ERROR);
  const client = new DerivativesTradingUsdsFutures({
    configurationWebsocketAPI: { apiKey: API_KEY, apiSecret: SECRET_KEY, wsURL: url },
  });
  const connection = await client.websocketAPI!.connect();
  const order = {
    symbol: IOC_ORDER.symbol,
    side: IOC_ORDER.side,
    type: IOC_ORDER.type,
    quantity: Number(IOC_ORDER.quantity),
    price: Number(IOC_ORDER.price),
    timeInForce: IOC_ORDER.timeInForce,
  };
  const name = "order RTT: official connector newOrder (HMAC)";
  return {
    name,
    async once() {
      const r = await connection.newOrder({ ...order } as never) as { data?: { orderId?: number } };
      if (r.data?.orderId === undefined) throw new Error(`${name}: no orderId`);
    },
    close: () => connection.disconnect(),
  };
}

async function ccxtPro(url: string): Promise<RoundTripContender & { close(): Promise<void> }> {
  const exchange = ccxtBinanceUsdm(API_KEY, SECRET_KEY, url);
  await exchange.loadHttpProxyAgent(); // CCXT refuses plain ws:// URLs under Node without it
  const amount = Number(IOC_ORDER.quantity);
  const price = Number(IOC_ORDER.price);
  const name = "order RTT: ccxt createOrderWs (HMAC)";
  const once = async () => {
    const r = await exchange.createOrderWs(CCXT_SYMBOL, "limit", "buy", amount, price, {
      timeInForce: "IOC",
    });
    if (r.id === undefined) throw new Error(`${name}: no order id`);
  };
  await once();
  return { name, once, close: async () => void (await exchange.close()) };
}

async function main(): Promise<void> {
  const url = process.env.BENCH_SIM_URL;
  if (!url) {
    throw new Error(
      "BENCH_SIM_URL (ws://127.0.0.1:PORT/ws-fapi/v1 of bench/servers/sim_server.ts) is required",
    );
  }
  const floors = [await nodeWsFloor(url, "hmac"), await nodeWsFloor(url, "ed25519-session")];
  const contenders: (RoundTripContender & { close(): unknown })[] = [
    ...floors,
    await binanceSdk("order RTT: binance SDK submitNewFuturesOrder (HMAC)", url, API_KEY, SECRET_KEY),
    await binanceSdk(
      "order RTT: binance SDK submitNewFuturesOrder (Ed25519 session)",
      url,
      ED25519_API_KEY,
      ED25519_PRIVATE_PEM,
    ),
    await officialConnector(url),
    await ccxtPro(url),
  ];
  try {
    const orders = SIZES.rttOrders;
    const samples = await runInterleaved(contenders, {
      orders,
      round: 250,
      warmup: Math.min(1000, orders),
      maxSeconds: 900,
    });
    const results = summaryResults(samples, "round trip", "µs");
    printResults(
      `order round trip, one in flight, Node ${process.versions.node} → simulator process`,
      results,
    );
    recordResults(results);
  } finally {
    for (const floor of floors) floor.close();
    for (const c of contenders.slice(floors.length)) {
      await Promise.resolve().then(() => c.close()).catch(() => {});
    }
  }
}

await main();
process.exit(0);
