/**
 * What a strategy written in JavaScript (or fed from a parsed JSON config) can hand the library that its types
 * forbid: numbers where decimal strings belong, NaN, options that are not numbers at all. Each gets a clear
 * error at once; none slips past the pre-trade check or reaches the exchange as an unreadable frame.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ConnectError,
  ExchangeError,
  FilterRefusedError,
  NotSentError,
  RiskLimitError,
  UnknownOrderStateError,
} from "../../lib/errors.ts";
import { Gateway } from "../../lib/gateway/gateway.ts";
import { connect, HMAC_KEY, HMAC_SECRET, restingBuy, simulator } from "./_harness.ts";

/** `params` as the library's types do not allow (the caller is JavaScript). */
// deno-lint-ignore no-explicit-any
const untyped = (params: Record<string, unknown>): any => params;

test("untyped input: a number as quantity or price is refused locally by name (-1102), the risk limits are not bypassed", async () => {
  const sim = await simulator();
  const router = await connect(sim, "hmac", { risk: { symbols: { "*": { maxOrderQty: 0.01 } } } });
  try {
    const before = sim.stats().requests;
    for (
      const [field, params] of [["quantity", restingBuy({ quantity: 1 })], [
        "price",
        restingBuy({ price: 50000 }),
      ]]
    ) {
      await assert.rejects(router.placeOrder(untyped(params as Record<string, unknown>)), (e: unknown) => {
        assert.ok(e instanceof FilterRefusedError, String(e));
        assert.equal(e.code, -1102);
        assert.equal(e.filter, field);
        assert.match(e.msg, new RegExp(`'${field}' must be a decimal string`));
        return true;
      });
    }
    assert.equal(sim.stats().requests, before, "nothing reached the exchange");
    assert.equal(sim.orders().length, 0);
  } finally {
    await router.close();
    await sim.close();
  }
});

test("untyped input: NaN in an unchecked order goes out as a value the exchange refuses by its id, not as a frame it cannot read", async () => {
  const sim = await simulator();
  const router = await connect(sim, "hmac", { preTrade: false });
  try {
    await assert.rejects(router.placeOrder(untyped(restingBuy({ quantity: NaN }))), (e: unknown) => {
      // Before, the frame held a bare NaN: the exchange answered -1135 without an id and the caller waited out
      // the request timeout for an UnknownOrderStateError.
      assert.ok(!(e instanceof UnknownOrderStateError), String(e));
      assert.ok(e instanceof ExchangeError, String(e));
      return true;
    });
    assert.equal(sim.orders().length, 0);
  } finally {
    await router.close();
    await sim.close();
  }
});

test("untyped input: a numeric option that is not a usable number stops Router.connect and Gateway.open, naming it", async () => {
  const sim = await simulator();
  try {
    for (
      const [name, value] of [
        ["requestTimeoutMs", NaN],
        ["deadLinkMs", -1],
        ["recvWindow", 70_000],
        ["connectTimeoutMs", 5000n], // a bigint: its message must not throw instead
      ] as const
    ) {
      await assert.rejects(connect(sim, "hmac", { [name]: value }), (e: unknown) => {
        assert.ok(e instanceof ConnectError, String(e));
        assert.match(e.message, new RegExp(`invalid option ${name}: expected .*, got (bigint )?${value}`));
        return true;
      });
    }
    const parent = mkdtempSync(join(tmpdir(), "lr-options-"));
    for (const [name, value] of [["deadManMs", NaN], ["deadManMs", 1000], ["history", 0]] as const) {
      const dataDir = join(parent, `${name}-${value}`);
      await assert.rejects(
        Gateway.open({ url: sim.url, apiKey: HMAC_KEY, secretKey: HMAC_SECRET, dataDir, [name]: value }),
        (e: unknown) => {
          assert.ok(e instanceof ConnectError, String(e));
          assert.match(e.message, new RegExp(`invalid option ${name}: `));
          return true;
        },
      );
      assert.equal(existsSync(dataDir), false, "refused before the data directory is touched");
    }
  } finally {
    await sim.close();
  }
});

test("Router.request: order methods through the generic call meet the halt and the pre-trade check too", async () => {
  const sim = await simulator();
  const router = await connect(sim, "hmac", { risk: { symbols: { "*": { maxOrderQty: 0.01 } } } });
  try {
    const before = sim.stats().requests;
    await assert.rejects(router.request("order.place", restingBuy({ quantity: "1" })), RiskLimitError);
    await router.halt("news");
    await assert.rejects(router.request("order.place", restingBuy()), NotSentError);
    await assert.rejects(
      router.request("algoOrder.place", {
        symbol: "BTCUSDT",
        side: "SELL",
        type: "STOP_MARKET",
        quantity: "0.002",
        triggerPrice: "45000",
      }),
      NotSentError,
    );
    assert.equal(sim.stats().ordersPlaced, 0, "nothing placed");
    assert.ok(sim.stats().requests - before <= 1, "at most the halt's own open-order look");
  } finally {
    await router.close();
    await sim.close();
  }
});
