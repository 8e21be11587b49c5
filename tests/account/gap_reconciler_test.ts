import { test } from "node:test";
import assert from "node:assert/strict";
import { AccountState } from "../../lib/account/account_state.ts";
import { GapReconciler, type GapSource } from "../../lib/account/gap_reconciler.ts";
import { ExchangeError } from "../../lib/errors.ts";
import type { OrderRef, OrderResult } from "../../lib/types.ts";

/** A router stand-in: answers order.status from a table and passes answers to the account, like the router. */
function source(account: AccountState, statuses: Record<string, Partial<OrderResult> | "missing">) {
  const asked: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const router: GapSource & { asked: string[]; maxInFlight: () => number } = {
    connected: true,
    clockOffsetMs: 0,
    asked,
    maxInFlight: () => maxInFlight,
    async queryOrder(ref: OrderRef) {
      asked.push(ref.origClientOrderId!);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await Promise.resolve();
      inFlight--;
      const s = statuses[ref.origClientOrderId!];
      if (s === "missing" || s === undefined) {
        throw new ExchangeError({
          status: 400,
          code: -2013,
          msg: "Order does not exist.",
          method: "order.status",
        });
      }
      const result = { clientOrderId: ref.origClientOrderId!, ...s } as OrderResult;
      account.orders.ack(ref.origClientOrderId!, result, "order.status");
      return result;
    },
    accountPositions: () =>
      Promise.resolve([{
        symbol: "BTCUSDT",
        positionSide: "BOTH",
        positionAmt: "0.004",
        updateTime: Date.now(),
      }]),
    accountBalance: () =>
      Promise.resolve([{
        asset: "USDT",
        balance: "9000",
        crossWalletBalance: "9000",
        updateTime: Date.now(),
      }]),
  };
  return router;
}

function place(account: AccountState, cid: string) {
  account.orders.intent(cid, "order.place", {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    quantity: "0.002",
  }, "");
  account.orders.ack(
    cid,
    { clientOrderId: cid, orderId: cid.length, status: "NEW", updateTime: 1 },
    "order.place",
  );
}

test("GapReconciler: an order that filled during the gap ends FILLED with its executedQty; positions follow", async () => {
  const account = new AccountState();
  for (const cid of ["a", "b", "c", "d", "e", "f"]) place(account, cid);
  const router = source(account, {
    a: { status: "FILLED", executedQty: "0.002", avgPrice: "50000", updateTime: 5 },
    b: { status: "NEW", executedQty: "0", updateTime: 1 },
    c: { status: "PARTIALLY_FILLED", executedQty: "0.001", updateTime: 5 },
    d: "missing",
    e: { status: "CANCELED", executedQty: "0", updateTime: 6 },
    f: { status: "NEW", executedQty: "0", updateTime: 1 },
  });
  const passes: unknown[] = [];
  const gaps = new GapReconciler({ router, account, concurrency: 2, onPass: (p) => void passes.push(p) });
  await gaps.reconcile("stream reconnected");
  assert.deepEqual(router.asked.sort(), ["a", "b", "c", "d", "e", "f"]);
  assert.equal(router.maxInFlight(), 2, "paced: at most `concurrency` queries at once");
  const a = account.orders.get("a")!;
  assert.deepEqual([a.status, a.state, a.executedQty, a.avgPrice], ["FILLED", "finished", "0.002", "50000"]);
  assert.equal(account.orders.get("c")?.executedQty, "0.001");
  assert.deepEqual(account.orders.list().map((o) => o.clientOrderId).sort(), ["b", "c", "d", "f"]);
  assert.equal(account.book.positions()[0]?.positionAmt, "0.004");
  assert.equal(account.book.balances()[0]?.walletBalance, "9000");
  assert.deepEqual(passes, [{ reason: "stream reconnected", orders: 6 }]);
  assert.equal(gaps.passes, 1);
});

test("GapReconciler: gaps reported during a pass are coalesced into one more pass", async () => {
  const account = new AccountState();
  place(account, "a");
  const router = source(account, { a: { status: "NEW", executedQty: "0", updateTime: 1 } });
  const reasons: string[] = [];
  const gaps = new GapReconciler({ router, account, onPass: (p) => void reasons.push(p.reason) });
  const first = gaps.reconcile("one");
  void gaps.reconcile("two");
  await gaps.reconcile("three");
  await first;
  assert.deepEqual(reasons, ["one", "three"]);
});
