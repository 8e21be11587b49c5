import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AddressInfo, createServer } from "node:net";
import { spawnScript } from "./_child.ts";
import { LIMIT_ORDER } from "../control/_stack.ts";

test(
  "main.ts: starts the simulator, serves orders over HTTP, exits 0 on SIGTERM",
  { timeout: 60_000 },
  async () => {
    const child = spawnScript("main.ts", ["--port", "0"]);
    try {
      const [, url] = await child.waitForStderr(/control\s+(http:\/\/127\.0\.0\.1:\d+)/);
      assert.match(child.stderr(), /SIMULATOR — no real orders/);
      const placed = await fetch(`${url}/orders`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(LIMIT_ORDER),
      });
      assert.equal(placed.status, 200);
      const order = await placed.json();
      assert.equal(order.status, "NEW");
      const canceled = await fetch(`${url}/orders?symbol=BTCUSDT&orderId=${order.orderId}`, {
        method: "DELETE",
      });
      assert.equal(canceled.status, 200);
      assert.equal((await canceled.json()).status, "CANCELED");
      child.kill("SIGTERM");
      assert.equal(await child.exited(), 0);
      assert.match(child.stderr(), /shutting down signal=SIGTERM/);
      assert.match(child.stderr(), /INFO {2}stopped/);
      assert.ok(!/clientOrderId|BTCUSDT/.test(child.stderr()), "no per-order log lines");
    } finally {
      child.kill("SIGKILL");
    }
  },
);

test("main.ts: SIGINT also stops it cleanly; JSON log lines", { timeout: 60_000 }, async () => {
  const child = spawnScript("main.ts", [], { ROUTER_PORT: "0", ROUTER_LOG_FORMAT: "json" });
  try {
    await child.waitForStderr(/"msg":"ready"/);
    child.kill("SIGINT");
    assert.equal(await child.exited(), 0);
    const lines = child.stderr().trim().split("\n");
    for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), line);
    const ready = lines.map((l) => JSON.parse(l)).find((r) => r.msg === "ready");
    assert.equal(ready.mode, "simulator");
    assert.equal(ready.simulator, true);
  } finally {
    child.kill("SIGKILL");
  }
});

test("main.ts: SIGHUP (a closed terminal) stops it cleanly too, not at once with the signal's default", {
  timeout: 60_000,
}, async () => {
  const child = spawnScript("main.ts", ["--port", "0"]);
  try {
    const [, url] = await child.waitForStderr(/control\s+(http:\/\/127\.0\.0\.1:\d+)/);
    const placed = await fetch(`${url}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(LIMIT_ORDER),
    });
    assert.equal(placed.status, 200);
    await placed.body?.cancel();
    child.kill("SIGHUP");
    assert.equal(await child.exited(), 0, "a clean stop (the default action ends it with 129)");
    assert.match(child.stderr(), /shutting down signal=SIGHUP/);
    assert.match(child.stderr(), /INFO {2}stopped/);
  } finally {
    child.kill("SIGKILL");
  }
});

test("main.ts: bound to another loopback address (127.0.0.2), it answers requests that name it", {
  timeout: 60_000,
}, async () => {
  const child = spawnScript("main.ts", ["--port", "0", "--host", "127.0.0.2"]);
  try {
    const [, url] = await child.waitForStderr(/control\s+(http:\/\/127\.0\.0\.2:\d+)/);
    const health = await fetch(`${url}/health`);
    assert.equal(health.status, 200, await health.clone().text());
    const halted = await fetch(`${url}/halt`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ reason: "the kill switch can be reached" }),
    });
    assert.equal(halted.status, 200, await halted.clone().text());
    await halted.body?.cancel();
    await health.body?.cancel();
    child.kill("SIGTERM");
    assert.equal(await child.exited(), 0);
  } finally {
    child.kill("SIGKILL");
  }
});

test("main.ts: a monitor port in use stops the start before the gateway connects (exit 1, naming the flag)", {
  timeout: 60_000,
}, async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen({ host: "127.0.0.1", port: 0 }, resolve));
  const port = (taken.address() as AddressInfo).port;
  const child = spawnScript("main.ts", ["--port", "0", "--monitor-port", String(port)]);
  try {
    assert.equal(await child.exited(), 1);
    assert.match(child.stderr(), new RegExp(`--monitor-port: cannot listen on 127\\.0\\.0\\.1:${port}`));
    assert.doesNotMatch(child.stderr(), /connected|orders halted/, "nothing was opened for nothing");
  } finally {
    child.kill("SIGKILL");
    taken.close();
  }
});

test("main.ts: --help prints every flag to stdout and exits 0", { timeout: 60_000 }, async () => {
  const child = spawnScript("main.ts", ["--help"]);
  assert.equal(await child.exited(), 0);
  assert.match(child.stdout(), /Usage: lightning-router/);
  assert.match(child.stdout(), /--request-timeout-ms/);
  assert.match(child.stdout(), /ROUTER_TOKEN/);
});

test("main.ts: a bad setting stops the start with exit 2, naming it", { timeout: 60_000 }, async () => {
  const child = spawnScript("main.ts", [], { ROUTER_PORT: "seven", BINANCE_API_KEY: "only-a-key-123" });
  assert.equal(await child.exited(), 2);
  assert.match(child.stderr(), /ROUTER_PORT: expected a whole number 0-65535, got "seven"/);
  assert.match(child.stderr(), /BINANCE_API_KEY: set, but neither/);
  assert.ok(!child.stderr().includes("only-a-key-123"), "the key is never printed");
});

test("main.ts: with --log-format json a bad setting is reported as one JSON line too (exit 2)", {
  timeout: 60_000,
}, async () => {
  const child = spawnScript("main.ts", ["--log-format", "json", "--port", "seven"], {});
  assert.equal(await child.exited(), 2);
  const lines = child.stderr().trim().split("\n");
  assert.equal(lines.length, 1, child.stderr());
  const record = JSON.parse(lines[0]!);
  assert.equal(record.msg, "invalid configuration");
  assert.match(record.problems, /--port: expected a whole number 0-65535, got "seven"/);
});

test("main.ts: a bad risk file is a configuration error: exit 2, naming the flag and the field", {
  timeout: 60_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "lightning-risk-"));
  try {
    const file = join(dir, "risk.json");
    writeFileSync(file, JSON.stringify({ symbols: { BTCUSDT: { maxOrderQty: "x" } } }));
    const child = spawnScript("main.ts", ["--port", "0", "--data-dir", join(dir, "data"), "--risk", file]);
    assert.equal(await child.exited(), 2);
    assert.match(
      child.stderr(),
      /invalid configuration:\n {2}--risk \/ ROUTER_RISK_FILE: ".*risk\.json": symbols\.BTCUSDT\.maxOrderQty: /,
    );
    assert.match(child.stderr(), /See --help\./);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(
  "runtime adapter: an unhandled rejection is fatal (one line, non-zero exit)",
  { timeout: 60_000 },
  async () => {
    const child = spawnScript("tests/cli/_fatal_fixture.ts", ["reject"]);
    assert.equal(await child.exited(), 70);
    assert.match(child.stderr(), /^fatal unhandled rejection: boom-rejection$/m);
  },
);

test(
  "runtime adapter: an uncaught exception is fatal (one line, non-zero exit)",
  { timeout: 60_000 },
  async () => {
    const child = spawnScript("tests/cli/_fatal_fixture.ts", ["throw"]);
    assert.equal(await child.exited(), 70);
    assert.match(child.stderr(), /^fatal uncaught exception: boom-exception$/m);
  },
);
