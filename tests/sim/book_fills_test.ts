// Fills against the synthetic book: what `depth` reports is what a taker gets, level by level, per order type
// and time in force. Fees are off here (fees_funding_test.ts covers them) so the numbers stay readable.
import { test } from "node:test";
import assert from "node:assert/strict";
import { kinds, type Market, notional, openMarket, text, units } from "./_market.ts";

/** Touch levels are small here (about 0.2 BTC) so that orders walk several levels within the margin. */
const OPTIONS = { book: { levelNotional: "10000" }, fees: { maker: "0", taker: "0" } } as const;

type Level = [string, string];

async function book(m: Market, symbol = "BTCUSDT", limit = 5): Promise<{ bids: Level[]; asks: Level[] }> {
  const reply = await m.client.request("depth", { symbol, limit });
  assert.equal(reply.status, 200, JSON.stringify(reply.error));
  return reply.result;
}

/** The qty of levels 0..n-1 plus `extra`, as a 3-decimal string. */
function through(levels: Level[], n: number, extra: string): string {
  let sum = units(extra);
  for (const [, qty] of levels.slice(0, n)) sum += units(qty);
  return text(sum, 3);
}

test("depth: levels one tick apart around the mark, sizes on the step, limits and weights per the reference", async () => {
  const m = await openMarket();
  try {
    const weightOf = async (params: Record<string, unknown>, method = "depth") => {
      const reply = await m.client.request(method, params);
      assert.equal(reply.status, 200, JSON.stringify(reply.error));
      return { reply, count: reply.rateLimits?.[0]?.count ?? 0 };
    };
    const five = await weightOf({ symbol: "BTCUSDT", limit: 5 });
    assert.deepEqual(Object.keys(five.reply.result), ["lastUpdateId", "E", "T", "bids", "asks"]);
    const { bids, asks } = five.reply.result as { bids: Level[]; asks: Level[] };
    assert.deepEqual(bids.map(([p]) => p), ["50999.90", "50999.80", "50999.70", "50999.60", "50999.50"]);
    assert.deepEqual(asks.map(([p]) => p), ["51000.10", "51000.20", "51000.30", "51000.40", "51000.50"]);
    for (const [, qty] of [...bids, ...asks]) {
      assert.match(qty, /^\d+\.\d{3}$/, "quantity at the step size 0.001");
      assert.ok(units(qty) > 0n);
    }
    const counts: number[] = [five.count];
    for (const limit of [100, 500, 1000]) counts.push((await weightOf({ symbol: "BTCUSDT", limit })).count);
    const deltas = counts.slice(1).map((c, i) => c - counts[i]!);
    assert.deepEqual(deltas, [5, 10, 20], "weights 5 (100), 10 (500), 20 (1000)");
    const full = await weightOf({ symbol: "BTCUSDT", limit: 1000 });
    assert.equal(full.reply.result.bids.length, 1000);
    assert.equal(full.reply.result.asks.at(-1)[0], "51100.00", "1000 ticks of 0.10 above 51000");
    const defaulted = await weightOf({ symbol: "BTCUSDT" });
    assert.equal(defaulted.reply.result.bids.length, 500, "limit defaults to 500");
    const bad = await m.client.request("depth", { symbol: "BTCUSDT", limit: 7 });
    assert.equal(bad.error?.code, -1102);
    assert.equal((await m.client.request("depth", { symbol: "NOPE" })).error?.code, -1121);

    const eth = await book(m, "ETHUSDT", 5);
    assert.deepEqual([eth.bids[0]![0], eth.asks[0]![0]], ["2999.99", "3000.01"], "ETHUSDT tick 0.01");

    const one = await weightOf({ symbol: "BTCUSDT" }, "ticker.book");
    assert.deepEqual(Object.keys(one.reply.result), [
      "lastUpdateId",
      "symbol",
      "bidPrice",
      "bidQty",
      "askPrice",
      "askQty",
      "time",
    ]);
    assert.deepEqual(
      [
        one.reply.result.bidPrice,
        one.reply.result.bidQty,
        one.reply.result.askPrice,
        one.reply.result.askQty,
      ],
      [bids[0]![0], bids[0]![1], asks[0]![0], asks[0]![1]],
      "ticker.book is depth's top level",
    );
    const all = await weightOf({}, "ticker.book");
    assert.deepEqual(all.reply.result.map((t: { symbol: string }) => t.symbol), ["BTCUSDT", "ETHUSDT"]);
    assert.equal(all.count - one.count, 5, "ticker.book without a symbol weighs 5");
    const again = await weightOf({ symbol: "BTCUSDT" }, "ticker.book");
    assert.equal(again.count - all.count, 2, "ticker.book with a symbol weighs 2");

    const before = five.reply.result.lastUpdateId;
    m.sim.setMarkPrice("BTCUSDT", "50000.05");
    const moved = (await m.client.request("depth", { symbol: "BTCUSDT", limit: 5 })).result;
    assert.ok(moved.lastUpdateId > before, "a mark move is a book update");
    assert.deepEqual(
      [moved.bids[0][0], moved.asks[0][0]],
      ["50000.00", "50000.10"],
      "one tick apart off-tick",
    );
  } finally {
    await m.close();
  }
});

test("fills: MARKET takes the book level by level at the levels' prices; avgPrice is the VWAP", async () => {
  const m = await openMarket(OPTIONS);
  try {
    const { asks, bids } = await book(m);
    const qty = through(asks, 2, "0.005");
    const placed = await m.signed("order.place", {
      symbol: "BTCUSDT",
      side: "BUY",
      type: "MARKET",
      quantity: qty,
      newOrderRespType: "RESULT",
    });
    assert.deepEqual([placed.result.status, placed.result.executedQty], ["FILLED", qty]);
    const events = await m.stream.drain();
    const trades = events.filter((e) => e.o?.x === "TRADE");
    assert.deepEqual(
      trades.map((e) => [e.o.L, e.o.l, e.o.m]),
      [[asks[0]![0], asks[0]![1], false], [asks[1]![0], asks[1]![1], false], [asks[2]![0], "0.005", false]],
      "one TRADE per level, at the level's price, as a taker",
    );
    assert.deepEqual(trades.map((e) => e.o.X), ["PARTIALLY_FILLED", "PARTIALLY_FILLED", "FILLED"]);
    assert.equal(new Set(trades.map((e) => e.o.t)).size, 3, "a trade id per fill");
    let quote = 0n;
    for (const e of trades) quote += notional(units(e.o.L), units(e.o.l));
    const vwap = (quote * 100_000_000n) / units(qty);
    const status = await m.signed("order.status", { symbol: "BTCUSDT", orderId: placed.result.orderId });
    assert.equal(units(status.result.avgPrice), vwap, `avgPrice ${status.result.avgPrice}`);
    assert.match(status.result.avgPrice, /^\d+\.\d{2,8}$/);
    assert.equal(trades.at(-1).o.ap, status.result.avgPrice, "ap on the stream is the same VWAP");
    assert.equal(status.result.cumQuote, text(quote, 5));

    const sell = await m.signed("order.place", {
      symbol: "BTCUSDT",
      side: "SELL",
      type: "MARKET",
      quantity: "0.002",
      newOrderRespType: "RESULT",
    });
    assert.equal(sell.result.status, "FILLED");
    const [sold] = (await m.stream.drain()).filter((e) => e.o?.x === "TRADE");
    assert.equal(sold.o.L, bids[0]![0], "a SELL takes the best bid");
  } finally {
    await m.close();
  }
});

test("fills: crossing LIMIT per time in force: GTC rests its remainder, IOC expires it, FOK is all or nothing, GTX never takes", async () => {
  const m = await openMarket(OPTIONS);
  try {
    const { asks, bids } = await book(m);
    const limit = (timeInForce: string, price: string, quantity: string, side = "BUY") =>
      m.signed("order.place", {
        symbol: "BTCUSDT",
        side,
        type: "LIMIT",
        timeInForce,
        price,
        quantity,
        newOrderRespType: "RESULT",
      });

    const gtcQty = through(asks, 2, "0.010");
    const gtc = await limit("GTC", asks[1]![0], gtcQty);
    assert.deepEqual([gtc.result.status, gtc.result.executedQty], [
      "PARTIALLY_FILLED",
      through(asks, 2, "0"),
    ]);
    const gtcEvents = await m.stream.drain();
    assert.deepEqual(
      gtcEvents.filter((e) => e.o?.x === "TRADE").map((e) => e.o.L),
      [asks[0]![0], asks[1]![0]],
      "stops at its limit price",
    );
    assert.equal(m.sim.orders()[0]?.status, "PARTIALLY_FILLED", "the remainder rests at the limit");
    await m.signed("order.cancel", { symbol: "BTCUSDT", orderId: gtc.result.orderId });
    await m.stream.drain();

    const ioc = await limit("IOC", asks[0]![0], through(asks, 1, "0.010"));
    assert.deepEqual([ioc.result.status, ioc.result.executedQty], ["EXPIRED", asks[0]![1]]);
    const iocEvents = await m.stream.drain();
    assert.deepEqual(kinds(iocEvents.filter((e) => e.e === "ORDER_TRADE_UPDATE")), [
      ["ORDER_TRADE_UPDATE", "NEW", "NEW"],
      ["ORDER_TRADE_UPDATE", "TRADE", "PARTIALLY_FILLED"],
      ["ORDER_TRADE_UPDATE", "EXPIRED", "EXPIRED"],
    ]);
    assert.equal(iocEvents.at(-1).o.er, "2", "IOC remainder");

    const ordersBefore = m.sim.orders().length;
    const tooBig = await limit("FOK", asks[1]![0], through(asks, 2, "0.001"));
    assert.equal(tooBig.error?.code, -5021, "the book holds less within the limit");
    assert.equal(m.sim.orders().length, ordersBefore, "a rejected FOK is not recorded");
    assert.deepEqual(await m.stream.drain(), []);
    const exact = await limit("FOK", asks[1]![0], through(asks, 2, "0"));
    assert.deepEqual([exact.result.status, exact.result.executedQty], ["FILLED", through(asks, 2, "0")]);
    await m.stream.drain();

    const taking = await limit("GTX", asks[0]![0], "0.002");
    assert.equal(taking.error?.code, -5022, "post-only that would take");
    const making = await limit("GTX", bids[0]![0], "0.002");
    assert.equal(making.result.status, "NEW", "post-only at the best bid rests");
    const sellSide = await limit("GTX", bids[0]![0], "0.002", "SELL");
    assert.equal(sellSide.error?.code, -5022, "a SELL at the best bid would take");

    const notCrossing = await limit("IOC", bids[0]![0], "0.002");
    assert.deepEqual([notCrossing.result.status, notCrossing.result.executedQty], ["EXPIRED", "0.000"]);
  } finally {
    await m.close();
  }
});

test("fills: a resting order fills at its own price as a maker when the mark reaches it, partially by fillQty", async () => {
  const m = await openMarket(OPTIONS);
  try {
    const placed = await m.signed("order.place", {
      symbol: "BTCUSDT",
      side: "SELL",
      type: "LIMIT",
      timeInForce: "GTC",
      price: "51500.00",
      quantity: "0.010",
    });
    assert.equal(placed.status, 200);
    m.sim.setMarkPrice("BTCUSDT", "51499.90");
    assert.equal(m.sim.orders()[0]?.status, "NEW", "not reached");
    m.sim.setMarkPrice("BTCUSDT", "51600.00", { fillQty: "0.004" });
    m.sim.setMarkPrice("BTCUSDT", "51600.00", { fillQty: "0.004" });
    m.sim.setMarkPrice("BTCUSDT", "51700.00");
    const trades = (await m.stream.drain()).filter((e) => e.o?.x === "TRADE");
    assert.deepEqual(trades.map((e) => [e.o.L, e.o.l, e.o.X, e.o.m]), [
      ["51500.00", "0.004", "PARTIALLY_FILLED", true],
      ["51500.00", "0.004", "PARTIALLY_FILLED", true],
      ["51500.00", "0.002", "FILLED", true],
    ]);
  } finally {
    await m.close();
  }
});

test("priceMatch: OPPONENT_n and QUEUE_n are the book's n-th prices on the opposite and the own side", async () => {
  const m = await openMarket(OPTIONS);
  try {
    const { bids, asks } = await book(m);
    const match = async (side: string, priceMatch: string) => {
      const reply = await m.signed("order.place", {
        symbol: "BTCUSDT",
        side,
        type: "LIMIT",
        timeInForce: "GTC",
        quantity: "0.002",
        priceMatch,
        newOrderRespType: "RESULT",
      });
      assert.equal(reply.status, 200, JSON.stringify(reply.error));
      return [reply.result.price, reply.result.status];
    };
    assert.deepEqual(await match("BUY", "QUEUE"), [bids[0]![0], "NEW"]);
    assert.deepEqual(await match("BUY", "QUEUE_5"), [bids[4]![0], "NEW"]);
    assert.deepEqual(await match("SELL", "QUEUE_5"), [asks[4]![0], "NEW"]);
    assert.deepEqual(await match("BUY", "OPPONENT"), [asks[0]![0], "FILLED"]);
    assert.deepEqual(await match("SELL", "OPPONENT_5"), [bids[4]![0], "FILLED"]);
  } finally {
    await m.close();
  }
});
