/**
 * Bind first: a second router on a busy port fails with a message naming --host/--port, before it opens any
 * connection to the exchange; and the banner of a router bound to every interface shows a URL one can open.
 */
import { test } from "node:test";
import { type AddressInfo, createServer, type Socket } from "node:net";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Config, parseConfig } from "../../lib/cli/config.ts";
import { type Service, StartError, startService } from "../../lib/cli/service.ts";
import { createLogger } from "../../lib/cli/log.ts";
import { banner, usableUrl } from "../../lib/cli/banner.ts";
import { startSimulator } from "../../lib/sim/mod.ts";
import { freePort } from "../_free_port.ts";

const API_KEY = "bind-first-key-0123456789";
const SECRET_KEY = "bind-first-secret-0123456789abcdef";

function config(args: string[], env: Record<string, string> = {}): Config {
  const dir = mkdtempSync(join(tmpdir(), "lr-bind-"));
  const parsed = parseConfig({ args: [...args, "--data-dir", dir], env });
  if (parsed.kind !== "run") throw new Error("expected a run config");
  return parsed.config;
}

function start(c: Config): Promise<Service> {
  const log = createLogger({ format: "text", write: () => {} });
  return startService({ config: c, log, readTextFile: () => Promise.reject(new Error("no such file")) });
}

test("a second router on a busy port fails to bind before it connects to the exchange", async () => {
  const first = await start(config(["--port", "0"]));
  const exchange = await startSimulator({ hmacKeys: [{ apiKey: API_KEY, secretKey: SECRET_KEY }] });
  try {
    const second = config(
      ["--port", String(first.server.port), "--ws-url", exchange.url, "--rest-url", exchange.httpUrl],
      { BINANCE_API_KEY: API_KEY, BINANCE_SECRET_KEY: SECRET_KEY },
    );
    await assert.rejects(start(second), (e: unknown) => {
      assert.ok(e instanceof StartError, String(e));
      assert.match(
        e.message,
        new RegExp(`^--host/--port: cannot listen on 127\\.0\\.0\\.1:${first.server.port}`),
      );
      return true;
    });
    assert.equal(exchange.stats().connections, 0, "the exchange saw no connection from the second router");
    // The same config on a free port does connect: the count above could have been 1.
    const third = await start({ ...second, port: 0 });
    try {
      assert.equal(exchange.stats().connections, 1);
    } finally {
      await third.shutdown();
    }
  } finally {
    await exchange.close();
    await first.shutdown();
  }
});

test("while the gateway opens, the bound port answers 503 starting; a failed connect names the URL once", async () => {
  // An "exchange" that accepts TCP and stays silent, so the router's start waits on its handshake.
  const accepted: Socket[] = [];
  const silent = createServer((socket) => void accepted.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const exchangePort = (silent.address() as AddressInfo).port;
  const port = await freePort();
  const c = config(["--port", String(port), "--ws-url", `ws://127.0.0.1:${exchangePort}/ws-fapi/v1`], {
    BINANCE_API_KEY: API_KEY,
    BINANCE_SECRET_KEY: SECRET_KEY,
  });
  const outcome = start(c).then(
    async (s) => {
      await s.shutdown();
      return "started";
    },
    (e: Error) => e.message,
  );
  try {
    for (let i = 0; i < 500 && accepted.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(accepted.length > 0, "the router is connecting");
    const answer = await fetch(`http://127.0.0.1:${port}/health`);
    assert.equal(answer.status, 503);
    assert.deepEqual((await answer.json()).code, -11);
    assert.match(answer.headers.get("retry-after") ?? "", /^\d+$/);
  } finally {
    for (const socket of accepted) socket.destroy(); // the handshake fails now
    silent.close();
  }
  const message = await outcome;
  assert.match(message, new RegExp(`127\\.0\\.0\\.1:${exchangePort}`), message);
  assert.doesNotMatch(message, /(cannot connect to \S+).*\1/, `the URL is said once: ${message}`);
  await assert.rejects(fetch(`http://127.0.0.1:${port}/health`), "the port is released after a failed start");
});

test("the banner of a router bound to 0.0.0.0 shows a loopback URL and says it is exposed", () => {
  assert.deepEqual(usableUrl("http://0.0.0.0:7777"), {
    url: "http://127.0.0.1:7777",
    listening: "0.0.0.0:7777",
  });
  assert.deepEqual(usableUrl("http://[::]:7777"), { url: "http://[::1]:7777", listening: "[::]:7777" });
  assert.deepEqual(usableUrl("http://127.0.0.1:7777"), { url: "http://127.0.0.1:7777" });
  const facts = {
    mode: "production" as const,
    endpoint: "wss://ws-fapi.binance.com/ws-fapi/v1",
    auth: "ed25519" as const,
    controlUrl: "http://0.0.0.0:7777",
    tokenRequired: true,
    dataDir: "/var/lib/lightning-router",
  };
  const text = banner(facts, "text");
  assert.match(
    text,
    /control {3}http:\/\/127\.0\.0\.1:7777 {2}\(listening on 0\.0\.0\.0:7777: every interface/,
  );
  assert.doesNotMatch(text, /http:\/\/0\.0\.0\.0/);
  const json = JSON.parse(banner(facts, "json"));
  assert.equal(json.controlUrl, "http://127.0.0.1:7777");
  assert.equal(json.listening, "0.0.0.0:7777");
});
