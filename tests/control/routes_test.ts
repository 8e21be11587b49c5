/**
 * Which routes exist depends on what the app is given: `/sim/mark` only with a simulator, the live-state
 * routes only with an account; the 405 answers come from the same table as the routes. Requests go straight
 * to `app.fetch`; none of these routes touches the router.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { type ControlAppOptions, createControlApp, type RouterApi } from "../../lib/control/app.ts";
import { LOCAL_CODES } from "../../lib/control/errors.ts";
import { AccountState } from "../../lib/account/account_state.ts";

const PORT = 7777;

function appWith(options: Partial<ControlAppOptions> = {}) {
  const app = createControlApp({
    router: {} as RouterApi, // never called by the routes under test
    mode: "simulator",
    endpoint: "ws://127.0.0.1:1/ws-fapi/v1",
    guard: { port: () => PORT },
    ...options,
  });
  const call = async (method: string, path: string, json?: unknown) => {
    const res = await app.fetch(
      new Request(`http://127.0.0.1:${PORT}${path}`, {
        method,
        headers: {
          host: `127.0.0.1:${PORT}`,
          ...(json === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      }),
    );
    const text = await res.text();
    // deno-lint-ignore no-explicit-any
    const body: any = (res.headers.get("content-type") ?? "").includes("json") ? JSON.parse(text) : text;
    return { status: res.status, headers: res.headers, body };
  };
  return { call };
}

test("routes: /sim/mark exists only with a simulator; live routes only with an account", async () => {
  const bare = appWith();
  const sim = await bare.call("POST", "/sim/mark", { symbol: "BTCUSDT", price: "50000" });
  assert.deepEqual([sim.status, sim.body], [404, {
    code: LOCAL_CODES.NOT_FOUND,
    msg: "no route POST /sim/mark (simulator mode only)",
  }]);
  for (const path of ["/fills", "/positions", "/events"]) {
    assert.equal((await bare.call("GET", path)).status, 404, path);
  }

  const marks: [string, string, unknown][] = [];
  const withSim = appWith({
    account: new AccountState(),
    simulator: { setMarkPrice: (symbol, price, options) => void marks.push([symbol, price, options]) },
  });
  const ok = await withSim.call("POST", "/sim/mark", { symbol: "BTCUSDT", price: 49990.5 });
  assert.deepEqual([ok.status, ok.body], [200, { symbol: "BTCUSDT", price: "49990.5" }]);
  await withSim.call("POST", "/sim/mark", { symbol: "BTCUSDT", price: "1", fillQty: "0.001" });
  assert.deepEqual(marks, [["BTCUSDT", "49990.5", undefined], ["BTCUSDT", "1", { fillQty: "0.001" }]]);
  // Every served path answers 405 with its methods (one table: the routes as registered).
  const allows: [string, string][] = [
    ["/sim/mark", "POST"],
    ["/events", "GET"],
    ["/fills", "GET"],
    ["/positions", "GET"],
    ["/orders", "GET, POST, PATCH, DELETE"],
  ];
  for (const [path, allow] of allows) {
    const wrong = await withSim.call("PUT", path);
    assert.deepEqual([wrong.status, wrong.headers.get("allow")], [405, allow], path);
  }
});
