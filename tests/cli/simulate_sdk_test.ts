// The three public SDKs against `lightning-router simulate` running as a child process: each places, queries
// and cancels a LIMIT order over ws-fapi. ccxt also loads its markets over the simulator's REST.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { WebsocketAPIClient } from "binance";
import {
  DerivativesTradingUsdsFutures,
  DerivativesTradingUsdsFuturesWebsocketAPI,
} from "@binance/derivatives-trading-usds-futures";
import { newCcxtBinanceUsdm } from "../../bench/sdk/ccxt_sdk.ts";
import { RESTING_ORDER, type SimulateChild, startSimulateChild } from "./_simulate.ts";

let sim: SimulateChild;

before(async () => {
  sim = await startSimulateChild();
});

after(async () => {
  assert.equal(await sim.stop(), 0);
});

/** Rejects after `ms`: an SDK that waits forever on a socket fails the test instead of hanging it. */
function bounded<T>(promise: Promise<T>, label: string, ms = 15_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${label}: no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const QUIET = { trace: () => {}, info: () => {}, error: () => {} };

test("sdk: npm binance (WebsocketAPIClient) places, queries and cancels an order on the simulator", async () => {
  // The SDK appends /ws-fapi/v1 to wsUrl, so it takes the host base.
  const client = new WebsocketAPIClient({
    api_key: sim.access.apiKey,
    api_secret: sim.access.secretKey,
    wsUrl: sim.access.streamUrl,
    beautify: false,
  }, QUIET);
  try {
    const placed = await bounded(
      client.submitNewFuturesOrder("usdm", { ...RESTING_ORDER, timestamp: Date.now() }),
      "order.place",
    );
    const orderId = placed.result.orderId;
    assert.equal(placed.result.status, "NEW");
    const status = await bounded(
      client.getFuturesOrderStatus("usdm", { symbol: "BTCUSDT", orderId, timestamp: Date.now() }),
      "order.status",
    );
    assert.equal(status.result.orderId, orderId);
    assert.equal(status.result.status, "NEW");
    const canceled = await bounded(
      client.cancelFuturesOrder("usdm", { symbol: "BTCUSDT", orderId, timestamp: Date.now() }),
      "order.cancel",
    );
    assert.equal(canceled.result.status, "CANCELED");
  } finally {
    client.getWSClient().closeAll(true);
  }
});

test("sdk: ccxt (pro binanceusdm, URLs pointed at the simulator) loads markets, places, fetches and cancels", async () => {
  const exchange = newCcxtBinanceUsdm({
    apiKey: sim.access.apiKey,
    secret: sim.access.secretKey,
    options: { fetchCurrencies: false }, // currencies come from Binance's spot sapi, which the simulator lacks
  });
  for (const [name, url] of Object.entries(exchange.urls.api)) {
    if (typeof url === "string") {
      exchange.urls.api[name] = url.replace("https://fapi.binance.com", sim.access.restUrl);
    }
  }
  exchange.urls.api.ws["ws-api"]!.future = sim.access.wsUrl;
  try {
    await exchange.loadHttpProxyAgent(); // on Node-like runtimes ccxt wants its agent before a ws:// URL
    await bounded(exchange.loadMarkets(), "loadMarkets");
    const placed = await bounded(
      exchange.createOrderWs("BTC/USDT:USDT", "limit", "buy", 0.01, 50000, { timeInForce: "GTC" }),
      "createOrderWs",
    );
    assert.equal(placed.status, "open");
    const id = placed.id;
    assert.ok(id !== undefined, "the placed order's id");
    const fetched = await bounded(exchange.fetchOrderWs(id, "BTC/USDT:USDT"), "fetchOrderWs");
    assert.equal(fetched.id, id);
    assert.equal(fetched.status, "open");
    const canceled = await bounded(exchange.cancelOrderWs(id, "BTC/USDT:USDT"), "cancelOrderWs");
    assert.equal(canceled.status, "canceled");
  } finally {
    await exchange.close();
  }
});

test("sdk: the official connector (@binance/derivatives-trading-usds-futures) places, queries and cancels", async () => {
  const client = new DerivativesTradingUsdsFutures({
    configurationWebsocketAPI: {
      apiKey: sim.access.apiKey,
      apiSecret: sim.access.secretKey,
      wsURL: sim.access.wsUrl,
    },
  });
  const connection = await bounded(client.websocketAPI.connect(), "connect");
  try {
    const placed = await bounded(
      connection.newOrder({
        symbol: "BTCUSDT",
        side: DerivativesTradingUsdsFuturesWebsocketAPI.NewOrderSideEnum.BUY,
        type: DerivativesTradingUsdsFuturesWebsocketAPI.NewOrderTypeEnum.LIMIT,
        timeInForce: DerivativesTradingUsdsFuturesWebsocketAPI.NewOrderTimeInForceEnum.GTC,
        quantity: 0.01,
        price: 50000,
      }),
      "newOrder",
    );
    const orderId = Number(placed.data.orderId);
    assert.equal(placed.data.status, "NEW");
    const queried = await bounded(connection.queryOrder({ symbol: "BTCUSDT", orderId }), "queryOrder");
    assert.equal(Number(queried.data.orderId), orderId);
    assert.equal(queried.data.status, "NEW");
    const canceled = await bounded(connection.cancelOrder({ symbol: "BTCUSDT", orderId }), "cancelOrder");
    assert.equal(canceled.data.status, "CANCELED");
  } finally {
    await connection.disconnect();
  }
});
