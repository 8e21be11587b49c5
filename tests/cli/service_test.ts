import { test } from "node:test";
import assert from "node:assert/strict";
import { type Config, ConfigError, parseConfig } from "../../lib/cli/config.ts";
import { type Service, StartError, startService } from "../../lib/cli/service.ts";
import { createLogger } from "../../lib/cli/log.ts";
import { startSimulator } from "../../lib/sim/mod.ts";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LIMIT_ORDER } from "../control/_stack.ts";
import { ManualClock } from "../_manual_clock.ts";
import { freePort } from "../_free_port.ts";

/** A config with a fresh data directory (the journal), unless the test names one. */
function config(args: string[], env: Record<string, string> = {}): Config {
  const dir = args.includes("--data-dir") ? [] : ["--data-dir", mkdtempSync(join(tmpdir(), "lr-gateway-"))];
  const parsed = parseConfig({ args: [...args, ...dir], env });
  if (parsed.kind !== "run") throw new Error("expected a run config");
  return parsed.config;
}

function start(c: Config, lines: string[] = []): Promise<Service> {
  const log = createLogger({ format: "text", write: (l) => lines.push(l) });
  return startService({ config: c, log, readTextFile: () => Promise.reject(new Error("no such file")) });
}

test("gateway: without credentials it runs the embedded simulator over a real socket", async () => {
  const lines: string[] = [];
  const g = await start(config(["--port", "0"]), lines);
  try {
    assert.ok(g.simulator !== undefined);
    assert.equal(g.endpoint, g.simulator.url);
    assert.match(g.endpoint, /^ws:\/\/127\.0\.0\.1:\d+\//);
    assert.ok(g.router.connected);
    assert.equal(g.simulator.stats().connections, 1);
    assert.match(g.banner("text"), /SIMULATOR — no real orders/);
    assert.match(g.banner("text"), /audit {5}every 60 s: open orders and positions checked/);
    assert.ok(g.banner("text").includes(g.server.url));
    const health = await (await fetch(`${g.server.url}/health`)).json();
    assert.equal(health.mode, "simulator");
    assert.ok(lines.some((l) => l.includes("exchange connected")));
    // The order path's warm-up: the router's and the journal's parts, and the control plane's: an HTTP request
    // and a local socket message.
    assert.equal(g.gateway.warmer?.parts, 4);
    assert.equal(g.gateway.warmer?.intervalMs, 2);
    // The control plane's part runs a canned POST /orders through the server's own connection code.
    assert.ok(g.server.warm !== undefined);
    const requests = g.simulator.stats().requests;
    const metrics = await (await fetch(`${g.server.url}/metrics`)).text();
    const counted = (text: string) =>
      text.split("\n").filter((l) => /^lightning_(requests_total|orders|risk_refusals_total)\{/.test(l));
    g.gateway.warmer!.tick();
    assert.equal(g.gateway.warmer!.tick(), true);
    assert.equal(g.gateway.warmer!.parts, 4, "no part threw");
    assert.equal(g.simulator.stats().requests, requests, "nothing reached the exchange");
    assert.equal(g.tracker.list().length, 0, "nothing was tracked");
    const after = await (await fetch(`${g.server.url}/metrics`)).text();
    assert.ok(counted(metrics).length > 0);
    assert.deepEqual(counted(after), counted(metrics), "nothing counted");
  } finally {
    await g.shutdown();
  }
  assert.equal(g.router.connected, false);
  await assert.rejects(fetch(`${g.server.url}/health`));
});

test("gateway: shutdown lets an order in flight settle, then closes everything", async () => {
  const g = await start(config(["--port", "0"]));
  g.simulator!.setFaults({ responseDelayMs: 200 });
  const pending = fetch(`${g.server.url}/orders`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(LIMIT_ORDER),
  });
  const deadline = Date.now() + 5000;
  // The order is in flight once the tracker holds it (pending, or already open from the user stream's NEW
  // event, which the answer delay does not hold back); other reads may be in flight too.
  const tracked = () => g.tracker.list().length;
  while (tracked() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.equal(tracked(), 1);
  const stopping = g.shutdown();
  assert.equal(g.router.halted, "shutting down", "no new order goes out once shutdown starts");
  const response = await pending;
  assert.equal(response.status, 200);
  assert.equal((await response.json()).status, "NEW");
  await stopping;
  assert.equal(g.router.inFlight, 0);
  assert.equal(g.router.connected, false);
});

test("gateway: start errors name the setting at fault; a key file that cannot be read is a configuration error", async () => {
  const busy = await start(config(["--port", "0"]));
  try {
    await assert.rejects(start(config(["--port", String(busy.server.port)])), (e: unknown) => {
      assert.ok(e instanceof StartError);
      assert.match(e.message, /^--host\/--port: cannot listen on 127\.0\.0\.1:\d+/);
      return true;
    });
  } finally {
    await busy.shutdown();
  }
  const ed = config(["--port", "0"], {
    BINANCE_API_KEY: "key-0123456789",
    BINANCE_PRIVATE_KEY_PATH: "/nonexistent/key.pem",
  });
  await assert.rejects(start(ed), (e: unknown) => {
    assert.ok(e instanceof ConfigError, String(e)); // exit 2, as a bad flag
    assert.match(
      e.problems[0]!,
      /^--private-key-path \/ BINANCE_PRIVATE_KEY_PATH: "\/nonexistent\/key.pem": cannot read it/,
    );
    return true;
  });
  const unreachable = config(["--port", "0", "--ws-url", "ws://127.0.0.1:9/ws-fapi/v1"], {
    BINANCE_API_KEY: "key-0123456789",
    BINANCE_SECRET_KEY: "secret-0123456789",
  });
  await assert.rejects(start(unreachable), (e: unknown) => {
    assert.ok(e instanceof StartError);
    assert.match(e.message, /^cannot connect to ws:\/\/127\.0\.0\.1:9\/ws-fapi\/v1/);
    assert.ok(!e.message.includes("secret-0123456789"));
    return true;
  });
});

function pem(label: string, der: ArrayBuffer): string {
  const b64 = btoa(String.fromCharCode(...new Uint8Array(der)));
  return `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)!.join("\n")}\n-----END ${label}-----\n`;
}

test("gateway: Ed25519 credentials read the key file and log on (custom endpoint)", async () => {
  const keys = await crypto.subtle.generateKey({ name: "Ed25519" }, true, [
    "sign",
    "verify",
  ]) as CryptoKeyPair;
  const privatePem = pem("PRIVATE KEY", await crypto.subtle.exportKey("pkcs8", keys.privateKey));
  const publicPem = pem("PUBLIC KEY", await crypto.subtle.exportKey("spki", keys.publicKey));
  const apiKey = "ed-key-0123456789";
  const sim = await startSimulator({ ed25519Keys: [{ apiKey, publicKeyPem: publicPem }] });
  const c = config(["--port", "0", "--ws-url", sim.url], {
    BINANCE_API_KEY: apiKey,
    BINANCE_PRIVATE_KEY_PATH: "/keys/ed.pem",
  });
  const read: string[] = [];
  const g = await startService({
    config: c,
    log: createLogger({ format: "text", write: () => {} }),
    readTextFile: (path) => {
      read.push(path);
      return Promise.resolve(privatePem);
    },
  });
  try {
    assert.deepEqual(read, ["/keys/ed.pem"]);
    assert.equal(g.simulator, undefined);
    assert.equal(g.router.auth, "ed25519");
    assert.match(g.banner("text"), /CUSTOM ENDPOINT/);
    assert.match(g.banner("text"), /audit {5}off/); // a custom endpoint without --rest-url: nothing to list
    const placed = await fetch(`${g.server.url}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(LIMIT_ORDER),
    });
    assert.equal(placed.status, 200);
    assert.equal(sim.orders().length, 1);
  } finally {
    await g.shutdown();
    await sim.close();
  }
  const notPem = startService({
    config: c,
    log: createLogger({ format: "text", write: () => {} }),
    readTextFile: () => Promise.resolve("ssh-ed25519 AAAA"),
  });
  await assert.rejects(notPem, /BINANCE_PRIVATE_KEY_PATH: "\/keys\/ed.pem" is not a PKCS#8 PEM private key/);
  // A well-formed PKCS#8 PEM of another key type is the file's fault too (exit 2), not a failed connection.
  const p256 = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]);
  const p256Pem = `-----BEGIN PRIVATE KEY-----\n${
    btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.exportKey("pkcs8", p256.privateKey))))
  }\n-----END PRIVATE KEY-----\n`;
  const wrongType = startService({
    config: c,
    log: createLogger({ format: "text", write: () => {} }),
    readTextFile: () => Promise.resolve(p256Pem),
  });
  await assert.rejects(wrongType, (e: unknown) => {
    assert.ok(e instanceof ConfigError, String(e));
    assert.match(e.message, /BINANCE_PRIVATE_KEY_PATH: "\/keys\/ed.pem": not a PKCS#8 Ed25519 private key$/);
    return true;
  });
});

test("gateway: a second router on the same data directory is refused; a stale lock is taken over", async () => {
  const sim = await startSimulator({
    hmacKeys: [{ apiKey: "lock-key-0123456789", secretKey: "lock-secret-0123456789" }],
  });
  const dataDir = mkdtempSync(join(tmpdir(), "lr-lock-"));
  const env = { BINANCE_API_KEY: "lock-key-0123456789", BINANCE_SECRET_KEY: "lock-secret-0123456789" };
  const c = config(["--ws-url", sim.url, "--port", "0", "--data-dir", dataDir], env);
  const first = await start(c);
  try {
    await assert.rejects(start(c), (e: unknown) => {
      assert.ok(e instanceof StartError);
      assert.match(e.message, /--data-dir \/ ROUTER_DATA_DIR: .* is in use by another router \(pid \d+/);
      return true;
    });
  } finally {
    await first.shutdown();
  }
  // A lock whose owner is gone (kill -9) does not block the next start.
  writeFileSync(join(dataDir, "custom", "router.lock"), "999999999");
  const again = await start(c);
  await again.shutdown();
  await sim.close();
});

test("start: an IP the exchange has banned (418) waits for the ban's end, then connects (no restart loop)", async () => {
  const clock = new ManualClock(Date.now());
  const keys = { apiKey: "ban-key-0123456789", secretKey: "ban-secret-0123456789" };
  const sim = await startSimulator({ hmacKeys: [keys], clock });
  try {
    // Past twice the request weight: the simulator bans the IP for two minutes, as Binance does.
    let banned = false;
    for (let i = 0; i < 300 && !banned; i++) {
      const r = await fetch(`${sim.httpUrl}/fapi/v1/openOrders`);
      await r.body?.cancel();
      banned = r.status === 418;
    }
    assert.ok(banned, "the simulator banned the IP");
    const env = { BINANCE_API_KEY: keys.apiKey, BINANCE_SECRET_KEY: keys.secretKey };
    const port = await freePort();
    const c = config(["--ws-url", sim.url, "--rest-url", sim.httpUrl, "--port", String(port)], env);
    const lines: string[] = [];
    const waits: number[] = [];
    let health:
      | { status: number; retryAfter: string | null; body: { code: number; msg: string } }
      | undefined;
    const g = await startService({
      config: c,
      log: createLogger({ format: "text", write: (l) => lines.push(l) }),
      readTextFile: () => Promise.reject(new Error("no such file")),
      // The wait, on the simulator's clock: the ban ends when the test moves it. Meanwhile /health says why.
      sleep: async (ms) => {
        waits.push(ms);
        const r = await fetch(`http://127.0.0.1:${port}/health`);
        health = { status: r.status, retryAfter: r.headers.get("retry-after"), body: await r.json() };
        clock.advance(ms);
      },
    });
    try {
      assert.equal(waits.length, 1, "one wait, not a retry loop");
      assert.ok(waits[0]! > 100_000 && waits[0]! <= 121_000 + 5_000, `waited ${waits[0]} ms`);
      assert.ok(lines.some((l) => /banned this IP \(418\); waiting for the ban to end/.test(l)));
      assert.equal(health?.status, 503);
      assert.equal(health?.body.code, -11);
      assert.match(
        health?.body.msg ?? "",
        /^starting: the exchange has banned this IP \(418\) until 20\d\d-/,
      );
      const left = Number(health?.retryAfter);
      assert.ok(left > 100 && left <= 126, `Retry-After ${health?.retryAfter}`);
      const after = await fetch(`${g.server.url}/health`);
      assert.equal(after.status, 200, "connected once the ban is over");
      await after.body?.cancel();
      const placed = await fetch(`${g.server.url}/orders`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(LIMIT_ORDER),
      });
      assert.equal(placed.status, 200, await placed.clone().text());
    } finally {
      await g.shutdown();
    }
  } finally {
    await sim.close();
  }
});
