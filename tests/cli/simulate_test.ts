// `lightning-router simulate` as a child process: the JSON line, the Ed25519 key file, flags, SIGTERM.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHmac, createPrivateKey, sign } from "node:crypto";
import { Buffer } from "node:buffer";
import process from "node:process";
import { banner } from "../../lib/cli/banner.ts";
import { parseConfig } from "../../lib/cli/config.ts";
import { createLogger } from "../../lib/cli/log.ts";
import { startService } from "../../lib/cli/service.ts";
import type { Reply } from "../sim/_helpers.ts";
import { REPO, routerCommand, spawnProcess } from "./_child.ts";
import { RESTING_ORDER, startSimulateChild } from "./_simulate.ts";

/** One signed ws-fapi request on a fresh socket (bounded). */
async function wsRequest(
  url: string,
  method: string,
  params: Record<string, unknown>,
): Promise<Reply> {
  const ws = new WebSocket(url);
  try {
    await new Promise((resolve, reject) => {
      ws.addEventListener("open", resolve);
      ws.addEventListener("error", () => reject(new Error("websocket error")));
    });
    const reply = new Promise<Reply>((resolve) =>
      ws.addEventListener("message", (e) => resolve(JSON.parse(String(e.data))))
    );
    ws.send(JSON.stringify({ id: 1, method, params }));
    return await Promise.race([
      reply,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no reply")), 10_000)),
    ]);
  } finally {
    ws.close();
  }
}

const payload = (params: Record<string, unknown>) =>
  Object.keys(params).sort().map((k) => `${k}=${params[k]}`).join("&");

test("simulate: the first stdout line is the JSON access object; its HMAC key trades; SIGTERM exits 0", async () => {
  const sim = await startSimulateChild();
  try {
    assert.deepEqual(Object.keys(sim.access), ["wsUrl", "streamUrl", "restUrl", "apiKey", "secretKey"]);
    assert.match(sim.access.wsUrl, /^ws:\/\/127\.0\.0\.1:\d+\/ws-fapi\/v1$/);
    assert.match(sim.access.streamUrl, /^ws:\/\/127\.0\.0\.1:\d+$/);
    assert.match(sim.access.restUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(sim.access.apiKey, /^[A-Za-z0-9]{64}$/);
    assert.doesNotMatch(sim.child.stderr(), new RegExp(sim.access.secretKey)); // secrets only on stdout
    const time = await (await fetch(`${sim.access.restUrl}/fapi/v1/time`)).json();
    assert.equal(typeof time.serverTime, "number");
    const params: Record<string, unknown> = {
      apiKey: sim.access.apiKey,
      ...RESTING_ORDER,
      timestamp: Date.now(),
    };
    params.signature = createHmac("sha256", sim.access.secretKey).update(payload(params)).digest("hex");
    const reply = await wsRequest(sim.access.wsUrl, "order.place", params);
    assert.equal(reply.status, 200, JSON.stringify(reply));
    assert.equal(reply.result.status, "NEW");
    // The control routes are on the same port.
    const mark = await fetch(`${sim.access.restUrl}/sim/mark`, {
      method: "POST",
      body: JSON.stringify({ symbol: "BTCUSDT", price: "49000" }),
    });
    assert.equal(mark.status, 200);
  } finally {
    assert.equal(await sim.stop(), 0);
  }
  assert.match(sim.child.stderr(), /SIGTERM; stopping/);
});

test("simulate: --hedge-mode puts the account in hedge mode: an order names its side", async () => {
  const sim = await startSimulateChild(["--hedge-mode"]);
  try {
    const place = async (extra: Record<string, unknown>) => {
      const params: Record<string, unknown> = {
        apiKey: sim.access.apiKey,
        ...RESTING_ORDER,
        ...extra,
        timestamp: Date.now(),
      };
      params.signature = createHmac("sha256", sim.access.secretKey).update(payload(params)).digest("hex");
      return await wsRequest(sim.access.wsUrl, "order.place", params);
    };
    assert.equal((await place({})).error?.code, -4061); // no side: one-way orders do not match the account
    const long = await place({ positionSide: "LONG" });
    assert.deepEqual([long.status, long.result?.positionSide], [200, "LONG"]);
  } finally {
    assert.equal(await sim.stop(), 0);
  }
});

test("simulate: --ed25519-key-out writes a 0600 PKCS#8 key whose API key can log on", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lr-simulate-"));
  const keyFile = join(dir, "ed25519.pem");
  const sim = await startSimulateChild(["--ed25519-key-out", keyFile, "--seed", "7"]);
  try {
    assert.deepEqual(Object.keys(sim.access), [
      "wsUrl",
      "streamUrl",
      "restUrl",
      "apiKey",
      "secretKey",
      "ed25519ApiKey",
    ]);
    const pem = readFileSync(keyFile, "utf8");
    assert.match(pem, /^-----BEGIN PRIVATE KEY-----\n/);
    if (process.platform !== "win32") assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    const key = createPrivateKey(pem);
    assert.equal(key.asymmetricKeyType, "ed25519");
    const params: Record<string, unknown> = { apiKey: sim.access.ed25519ApiKey, timestamp: Date.now() };
    params.signature = sign(null, Buffer.from(payload(params)), key).toString("base64");
    const reply = await wsRequest(sim.access.wsUrl, "session.logon", params);
    assert.equal(reply.status, 200, JSON.stringify(reply));
    assert.equal(reply.result.apiKey, sim.access.ed25519ApiKey);
  } finally {
    assert.equal(await sim.stop(), 0);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("simulate: --port binds that port; a bad flag exits 2 naming it; --help documents the command", async () => {
  const probe = await startSimulateChild();
  const port = Number(new URL(probe.access.restUrl).port);
  assert.equal(await probe.stop(), 0);
  const sim = await startSimulateChild(["--port", String(port)]);
  try {
    assert.equal(sim.access.restUrl, `http://127.0.0.1:${port}`);
  } finally {
    assert.equal(await sim.stop(), 0);
  }
  const bad = routerCommand(["simulate", "--port", "http"]);
  const badChild = spawnProcess(bad.command, bad.args, REPO);
  assert.equal(await badChild.exited(60_000), 2);
  assert.match(badChild.stderr(), /--port: expected a whole number/);
  const help = routerCommand(["simulate", "--help"]);
  const helpChild = spawnProcess(help.command, help.args, REPO);
  assert.equal(await helpChild.exited(60_000), 0);
  for (const word of ["--port", "--seed", "--ed25519-key-out", "/sim/mark", "/sim/walk", "/sim/fault"]) {
    assert.ok(helpChild.stdout().includes(word), word);
  }
  const main = routerCommand(["--help"]);
  const mainHelp = spawnProcess(main.command, main.args, REPO);
  assert.equal(await mainHelp.exited(60_000), 0);
  assert.match(mainHelp.stdout(), /simulate/);
});

test("router mode on the simulator: the banner shows the simulator's URLs and keys, and another client can trade with them", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lr-simulate-banner-"));
  const parsed = parseConfig({ args: ["--port", "0", "--data-dir", dir], env: {} });
  if (parsed.kind !== "run") throw new Error("expected a run config");
  const service = await startService({
    config: parsed.config,
    log: createLogger({ format: "text", write: () => {} }),
    readTextFile: () => Promise.reject(new Error("no key file")),
  });
  try {
    const sim = service.simulator!;
    const text = service.banner("text");
    const keys = /sim keys {2}apiKey (\S+) {2}secretKey (\S+)/.exec(text);
    assert.ok(keys, text);
    for (const url of [sim.url, sim.streamUrl, sim.httpUrl]) assert.ok(text.includes(url), url);
    const json = JSON.parse(service.banner("json"));
    assert.deepEqual(json.simulatorAccess, {
      wsUrl: sim.url,
      streamUrl: sim.streamUrl,
      restUrl: sim.httpUrl,
      apiKey: keys[1],
      secretKey: keys[2],
    });
    const params: Record<string, unknown> = { apiKey: keys[1], timestamp: Date.now() };
    params.signature = createHmac("sha256", keys[2]!).update(payload(params)).digest("hex");
    const reply = await wsRequest(sim.url, "v2/account.balance", params);
    assert.equal(reply.status, 200, JSON.stringify(reply));
  } finally {
    await service.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("banner: outside simulator mode there are no simulator rows", () => {
  const text = banner({
    mode: "production",
    endpoint: "wss://ws-fapi.binance.com/ws-fapi/v1",
    auth: "hmac",
    controlUrl: "http://127.0.0.1:7777",
    tokenRequired: false,
    dataDir: "./lightning-data",
  }, "text");
  assert.doesNotMatch(text, /sim keys|secretKey/);
});
