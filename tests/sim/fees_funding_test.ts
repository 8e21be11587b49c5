// Fees (VIP 0 by default, configurable) in the stream's commission fields and in the wallet; funding every
// 8 h of simulated time on a manual clock.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../_manual_clock.ts";
import { notional, openMarket, text, units } from "./_market.ts";

test("fees: a taker pays 0.05 %, a maker 0.02 % (VIP 0); n, N, m, rp on the stream; the wallet and bep follow", async () => {
  const m = await openMarket();
  try {
    await m.signed("order.place", { symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.010" });
    const opened = await m.stream.drain();
    const [trade] = opened.filter((e) => e.o?.x === "TRADE");
    const [account] = opened.filter((e) => e.e === "ACCOUNT_UPDATE");
    const bought = notional(units(trade.o.L), units("0.010"));
    const takerFee = bought * 5n / 10_000n;
    assert.deepEqual([trade.o.L, trade.o.N, trade.o.n, trade.o.m, trade.o.rp], [
      "51000.10",
      "USDT",
      text(takerFee, 8),
      false,
      "0.00000000",
    ]);
    assert.equal(trade.o.n, "0.25500050", "0.0005 × 510.001");
    const wallet1 = units("10000") - takerFee;
    assert.deepEqual([account.a.m, account.a.B[0].wb, account.a.B[0].cw], [
      "ORDER",
      text(wallet1, 8),
      text(wallet1, 8),
    ]);
    const p = account.a.P[0];
    assert.equal(p.ep, "51000.10000000");
    assert.equal(units(p.bep), units(p.ep) + takerFee * 100n, "bep: entry plus the opening fee per unit");

    await m.signed("order.place", {
      symbol: "BTCUSDT",
      side: "SELL",
      type: "LIMIT",
      timeInForce: "GTC",
      price: "52000.00",
      quantity: "0.010",
    });
    m.sim.setMarkPrice("BTCUSDT", "52000.00", { fillQty: "0.004" });
    const closed = (await m.stream.drain()).filter((e) => e.o?.x === "TRADE" || e.e === "ACCOUNT_UPDATE");
    const [maker, after] = closed;
    const makerFee = notional(units("52000"), units("0.004")) * 2n / 10_000n;
    const realized = notional(units("0.004"), units("52000") - units("51000.10"));
    assert.deepEqual([maker.o.m, maker.o.n, maker.o.rp], [true, text(makerFee, 8), text(realized, 8)]);
    assert.equal(maker.o.n, "0.04160000", "0.0002 × 208");
    const wallet2 = wallet1 + realized - makerFee;
    assert.equal(after.a.B[0].wb, text(wallet2, 8), "wallet += realized PnL − commission");
    assert.equal(after.a.P[0].cr, text(realized, 8), "cr is before fees");
    const balance = await m.signed("v2/account.balance");
    assert.equal(balance.result[0].balance, text(wallet2, 8));
  } finally {
    await m.close();
  }
});

test("fees: rates are configurable; zero means no commission; bad rates are refused", async () => {
  const m = await openMarket({ fees: { maker: "0", taker: "0.001" } });
  try {
    await m.signed("order.place", { symbol: "ETHUSDT", side: "SELL", type: "MARKET", quantity: "1.000" });
    const [trade] = (await m.stream.drain()).filter((e) => e.o?.x === "TRADE");
    assert.deepEqual([trade.o.L, trade.o.n], ["2999.99", "2.99999000"], "0.1 % of 2999.99");
  } finally {
    await m.close();
  }
  await assert.rejects(openMarket({ fees: { taker: "0.5" } }), TypeError);
  await assert.rejects(openMarket({ fees: { maker: "-0.0001" } }), TypeError);
});

test("funding: off by default; with it, every 8 h of sim time a long pays amount × mark × rate (FUNDING_FEE)", async () => {
  // Start 30 min before a funding time, so reaching it stays inside the listenKey's 60 min validity.
  const eightHours = 8 * 3_600_000;
  const next = (Math.floor(Date.now() / eightHours) + 1) * eightHours;
  const start = next - 30 * 60_000;
  const clock = new ManualClock(start);
  const m = await openMarket({ clock, funding: { rate: "0.0001" }, fees: { maker: "0", taker: "0" } });
  const plain = await openMarket({ clock });
  try {
    const buy = { symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.010" };
    assert.equal((await m.signed("order.place", buy, clock.now())).status, 200);
    assert.equal((await plain.signed("order.place", buy, clock.now())).status, 200);
    await m.stream.drain();
    await plain.stream.drain();
    m.sim.setMarkPrice("BTCUSDT", "52000.00");
    plain.sim.setMarkPrice("BTCUSDT", "52000.00");

    clock.advance(next - start - 1);
    assert.deepEqual(await m.stream.drain(), [], "nothing before the funding time");
    clock.advance(1);
    const [funding, ...more] = await m.stream.drain();
    assert.deepEqual(more, []);
    const fee = notional(notional(units("0.010"), units("52000")), units("0.0001"));
    assert.equal(text(fee, 8), "0.05200000", "0.010 × 52000 × 0.0001");
    assert.deepEqual(funding.a, {
      m: "FUNDING_FEE",
      B: [{
        a: "USDT",
        wb: text(units("10000") - fee, 8),
        cw: text(units("10000") - fee, 8),
        bc: "0.00000000",
      }],
      P: [],
    });
    assert.equal(funding.T, next, "at the funding time of the sim clock");
    clock.advance(eightHours); // the listenKey (60 min) is gone by then: the wallet shows the payment
    const balance = await m.signed("v2/account.balance", {}, clock.now());
    assert.equal(balance.result[0].balance, text(units("10000") - 2n * fee, 8), "paid again 8 h later");
    const plainEvents = await plain.stream.drain();
    assert.deepEqual(plainEvents.map((e) => e.e), ["listenKeyExpired"], "no funding unless asked for");
  } finally {
    await m.close();
    await plain.close();
  }
  await assert.rejects(openMarket({ funding: { rate: "0.5" } }), TypeError);
});
