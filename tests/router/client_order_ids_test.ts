import { test } from "node:test";
import assert from "node:assert/strict";
import { CLIENT_ORDER_ID_PATTERN, ClientOrderIds } from "../../lib/router/client_order_ids.ts";

test("ClientOrderIds: unique, Binance-valid, distinct across generators (restarts)", () => {
  const seen = new Set<string>();
  for (let g = 0; g < 20; g++) {
    const ids = new ClientOrderIds({ prefix: "strat_1" });
    for (let i = 0; i < 500; i++) {
      const id = ids.next();
      assert.match(id, CLIENT_ORDER_ID_PATTERN);
      assert.ok(id.length <= 36);
      assert.ok(!seen.has(id), id);
      seen.add(id);
    }
  }
});

test("ClientOrderIds: a prefix outside the pattern is refused with a clear message", () => {
  assert.throws(() => new ClientOrderIds({ prefix: "bad prefix!" }), /clientOrderIdPrefix/);
});
