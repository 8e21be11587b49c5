/**
 * The second half of a halt (lib/router/_cancel_open.ts): each open order is cancelled once; one the exchange
 * no longer knows (-2011) is queried, and cancelled once more when the query shows it live after all (its place
 * reached the matching engine after the cancel), never in a loop.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ExchangeError } from "../../lib/errors.ts";
import { cancelOpenOrders } from "../../lib/router/_cancel_open.ts";
import type { AlgoOrderRef, OrderRef } from "../../lib/types.ts";

const UNKNOWN_ORDER = () =>
  new ExchangeError({ status: 400, code: -2011, msg: "Unknown order sent.", method: "order.cancel" });

/** A canceller answering from scripts: per client id, the cancels' outcomes in turn and the query's status. */
function scripted(cancels: Record<string, ("ok" | "unknown" | "fail")[]>, statuses: Record<string, string>) {
  const calls: string[] = [];
  return {
    calls,
    cancelOrder(ref: OrderRef): Promise<unknown> {
      const id = ref.origClientOrderId!;
      calls.push(`cancel ${id}`);
      const next = cancels[id]!.shift();
      if (next === "ok") return Promise.resolve({ status: "CANCELED" });
      if (next === "unknown") return Promise.reject(UNKNOWN_ORDER());
      return Promise.reject(new Error(`cancel ${id} timed out`));
    },
    cancelAlgoOrder(_ref: AlgoOrderRef): Promise<unknown> {
      return Promise.reject(new Error("no algo orders here"));
    },
    queryOrder(ref: OrderRef): Promise<{ status: string }> {
      calls.push(`query ${ref.origClientOrderId}`);
      const status = statuses[ref.origClientOrderId!]!;
      if (status === "-2013") {
        return Promise.reject(
          new ExchangeError({
            status: 400,
            code: -2013,
            msg: "Order does not exist.",
            method: "order.status",
          }),
        );
      }
      if (status === "timeout") return Promise.reject(new Error("order.status timed out"));
      return Promise.resolve({ status });
    },
  };
}

const open = (...ids: string[]) =>
  ids.map((clientOrderId) => ({ clientOrderId, symbol: "BTCUSDT", algo: false }));

test("halt: an order a -2011 cancel left live (the query says NEW) is cancelled once more", async () => {
  const c = scripted({ late: ["unknown", "ok"], gone: ["unknown"] }, { late: "NEW", gone: "FILLED" });
  const report = await cancelOpenOrders(c, "kill", open("late", "gone"));
  assert.deepEqual(report.canceled, ["late"]);
  assert.deepEqual(report.alreadyFinished, [{ clientOrderId: "gone", status: "FILLED" }]);
  assert.deepEqual(report.failed, []);
  assert.deepEqual(c.calls.filter((call) => call.endsWith("late")), [
    "cancel late",
    "query late",
    "cancel late",
  ]);
});

test("halt: the second cancel is the last; its failure is reported, not retried", async () => {
  const c = scripted({ late: ["unknown", "unknown"] }, { late: "PARTIALLY_FILLED" });
  const report = await cancelOpenOrders(c, "kill", open("late"));
  assert.deepEqual(report.canceled, []);
  assert.deepEqual(report.alreadyFinished, []);
  assert.equal(report.failed.length, 1);
  assert.match(report.failed[0]!.error, /-2011/);
  assert.deepEqual(c.calls, ["cancel late", "query late", "cancel late"]);
});

test("halt: a -2011 cancel then a -2013 query is NOT_FOUND (never placed); a query that failed is a failure", async () => {
  const c = scripted({ never: ["unknown"], dark: ["unknown"] }, { never: "-2013", dark: "timeout" });
  const report = await cancelOpenOrders(c, "kill", open("never", "dark"));
  assert.deepEqual(report.canceled, []);
  assert.deepEqual(report.alreadyFinished, [{ clientOrderId: "never", status: "NOT_FOUND" }]);
  assert.deepEqual(report.failed, [{
    clientOrderId: "dark",
    error: "cancel refused as not open, and its status could not be asked: order.status timed out",
  }]);
});
