/**
 * The simulator's market data: `GET /fapi/v1/exchangeInfo` shows exactly the filters it enforces (from
 * symbols.ts), `GET /fapi/v1/premiumIndex` its marks, and `/market/ws/!markPrice@arr@1s` streams them every
 * second on the sim clock and at once on a mark move. The legacy root path is not served.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { startSimulator } from "../../lib/sim/mod.ts";
import { SYMBOLS } from "../../lib/sim/symbols.ts";

test("sim market: exchangeInfo lists the enforced filters in the exchange's shape", async () => {
  const sim = await startSimulator({});
  try {
    const res = await fetch(`${sim.httpUrl}/fapi/v1/exchangeInfo`);
    assert.equal(res.status, 200);
    const info = await res.json();
    assert.equal(info.timezone, "UTC");
    assert.deepEqual(
      info.rateLimits.map((l: { rateLimitType: string; interval: string; limit: number }) =>
        `${l.rateLimitType}/${l.interval}/${l.limit}`
      ),
      ["REQUEST_WEIGHT/MINUTE/2400", "ORDERS/MINUTE/1200", "ORDERS/SECOND/300"],
    );
    assert.deepEqual(info.symbols.map((s: { symbol: string }) => s.symbol), SYMBOLS.map((s) => s.symbol));
    const btc = info.symbols[0];
    assert.equal(btc.status, "TRADING");
    assert.equal(btc.pricePrecision, 2);
    assert.equal(btc.quantityPrecision, 3);
    assert.ok(btc.orderTypes.includes("LIMIT") && btc.orderTypes.includes("TRAILING_STOP_MARKET"));
    const byType = Object.fromEntries(btc.filters.map((f: { filterType: string }) => [f.filterType, f]));
    assert.deepEqual(byType.PRICE_FILTER, {
      filterType: "PRICE_FILTER",
      minPrice: "261.10",
      maxPrice: "809484.00",
      tickSize: "0.10",
    });
    assert.deepEqual(byType.LOT_SIZE, {
      filterType: "LOT_SIZE",
      minQty: "0.001",
      maxQty: "1000.000",
      stepSize: "0.001",
    });
    assert.equal(byType.MARKET_LOT_SIZE.maxQty, "120.000");
    assert.deepEqual(byType.MIN_NOTIONAL, { filterType: "MIN_NOTIONAL", notional: "100" });
    assert.deepEqual(byType.PERCENT_PRICE, {
      filterType: "PERCENT_PRICE",
      multiplierUp: "1.0500",
      multiplierDown: "0.9500",
      multiplierDecimal: "4",
    });
    assert.equal(byType.MAX_NUM_ORDERS.limit, 200);
  } finally {
    await sim.close();
  }
});

test("sim market: premiumIndex gives one symbol's mark or all of them; an unknown symbol is -1121", async () => {
  const sim = await startSimulator({ markPrices: { BTCUSDT: "52000.5" } });
  try {
    const one = await (await fetch(`${sim.httpUrl}/fapi/v1/premiumIndex?symbol=BTCUSDT`)).json();
    assert.equal(one.symbol, "BTCUSDT");
    assert.equal(one.markPrice, "52000.50000000");
    assert.equal(typeof one.nextFundingTime, "number");
    const all = await (await fetch(`${sim.httpUrl}/fapi/v1/premiumIndex`)).json();
    assert.deepEqual(all.map((p: { symbol: string; markPrice: string }) => [p.symbol, p.markPrice]), [
      ["BTCUSDT", "52000.50000000"],
      ["ETHUSDT", "3000.00000000"],
    ]);
    const bad = await fetch(`${sim.httpUrl}/fapi/v1/premiumIndex?symbol=NOPE`);
    assert.equal(bad.status, 400);
    assert.deepEqual(await bad.json(), { code: -1121, msg: "Invalid symbol." });
  } finally {
    await sim.close();
  }
});

/** A sim clock whose timers run when the test says. */
class StepClock {
  now = 1_767_225_600_000;
  readonly #timers = new Map<number, { at: number; fn: () => void }>();
  #next = 1;
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#timers.set(id, { at: this.now + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }
  advance(ms: number): void {
    this.now += ms;
    for (const [id, t] of [...this.#timers]) {
      if (t.at <= this.now) {
        this.#timers.delete(id);
        t.fn();
      }
    }
  }
}

function frames(ws: WebSocket): { list: unknown[]; next(n: number): Promise<void> } {
  const list: unknown[] = [];
  ws.onmessage = (e) => list.push(JSON.parse(String(e.data)));
  return {
    list,
    async next(n: number) {
      for (let i = 0; i < 500 && list.length < n; i++) await new Promise((r) => setTimeout(r, 10));
      assert.ok(list.length >= n, `expected ${n} frames, got ${list.length}`);
    },
  };
}

test("sim market: the mark price stream sends every second on the sim clock and at once on a mark move", async () => {
  const clock = new StepClock();
  const sim = await startSimulator({
    clock: {
      now: () => clock.now,
      setTimeout: (f, ms) => clock.setTimeout(f, ms),
      clearTimeout: (h) => clock.clearTimeout(h),
    },
  });
  const ws = new WebSocket(`${sim.streamUrl}/market/ws/!markPrice@arr@1s`);
  try {
    const got = frames(ws);
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    });
    for (let i = 0; i < 100 && got.list.length === 0; i++) {
      clock.advance(1000);
      await new Promise((r) => setTimeout(r, 10));
    }
    await got.next(1);
    const first = got.list[0] as { e: string; s: string; p: string; E: number }[];
    assert.deepEqual(first.map((e) => [e.e, e.s, e.p]), [
      ["markPriceUpdate", "BTCUSDT", "51000.00000000"],
      ["markPriceUpdate", "ETHUSDT", "3000.00000000"],
    ]);
    assert.equal(first[0]!.E, clock.now);
    const before = got.list.length;
    sim.setMarkPrice("ETHUSDT", "3100");
    await got.next(before + 1);
    const moved = got.list[before] as { s: string; p: string }[];
    assert.equal(moved.find((e) => e.s === "ETHUSDT")?.p, "3100.00000000");
  } finally {
    ws.close();
    await sim.close();
  }
});

test("sim market: the legacy root path and other streams are refused", async () => {
  const sim = await startSimulator({});
  try {
    for (
      const path of ["/ws/!markPrice@arr@1s", "/market/ws/btcusdt@markPrice", "/public/ws/!markPrice@arr@1s"]
    ) {
      const ws = new WebSocket(`${sim.streamUrl}${path}`);
      const outcome = await new Promise<string>((resolve) => {
        ws.onopen = () => resolve("open");
        ws.onerror = () => resolve("error");
        ws.onclose = () => resolve("closed");
      });
      assert.notEqual(outcome, "open", path);
      ws.close();
    }
  } finally {
    await sim.close();
  }
});
