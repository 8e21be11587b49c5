import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../../lib/cli/config.ts";
import { createLogger } from "../../lib/cli/log.ts";
import { StartError, startService } from "../../lib/cli/service.ts";
import { ConnectError, CredentialsError } from "../../lib/errors.ts";
import { Router } from "../../lib/router/router.ts";
import { Gateway, type GatewayOptions } from "../../lib/gateway/gateway.ts";
import type { Simulator } from "../../lib/sim/mod.ts";
import { ed25519Pems, ED_KEY, HMAC_KEY, HMAC_SECRET, simulator } from "../router/_harness.ts";
import { freePort } from "../_free_port.ts";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "lr-creds-"));
}

function open(sim: Simulator, dataDir: string, credentials: Partial<GatewayOptions>): Promise<Gateway> {
  return Gateway.open({
    url: sim.url,
    apiKey: HMAC_KEY,
    dataDir,
    restUrl: sim.httpUrl,
    requestTimeoutMs: 2000,
    ...credentials,
  });
}

/** A PKCS#8 PEM of a fresh Ed25519 key the simulator does not know. */
async function strangerPem(): Promise<string> {
  const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, [
    "sign",
    "verify",
  ]) as CryptoKeyPair;
  let bin = "";
  for (const b of new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey))) {
    bin += String.fromCharCode(b);
  }
  return `-----BEGIN PRIVATE KEY-----\n${btoa(bin)}\n-----END PRIVATE KEY-----\n`;
}

/** Gateway.open must reject with a ConnectError whose message matches every pattern. */
async function refused(
  sim: Simulator,
  credentials: Partial<GatewayOptions>,
  patterns: RegExp[],
): Promise<void> {
  const dir = tempDir();
  await assert.rejects(open(sim, dir, credentials), (e: unknown) => {
    assert.ok(e instanceof ConnectError, String(e));
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
  // Nothing stays behind: the data directory can be opened again at once.
  const gateway = await open(sim, dir, { secretKey: HMAC_SECRET });
  await gateway.close();
}

test("credentials: an HMAC key the exchange does not know stops the start (-2015, what to check)", async () => {
  const sim = await simulator();
  try {
    await refused(sim, { apiKey: "not-a-configured-key", secretKey: HMAC_SECRET }, [
      /refused the credentials \(-2015 Invalid API-key, IP, or permissions for action\.\)/,
      /BINANCE_API_KEY/,
      /IP allow-list/,
    ]);
  } finally {
    await sim.close();
  }
});

test("credentials: a wrong HMAC secret stops the start at the first signed request (-1022)", async () => {
  const sim = await simulator();
  try {
    const before = sim.stats().requests;
    await refused(sim, { secretKey: "not-the-secret" }, [
      /\(-1022 Signature for this request is not valid\.\)/,
      /BINANCE_SECRET_KEY/,
    ]);
    assert.ok(sim.stats().requests > before, "the check went to the exchange");
  } finally {
    await sim.close();
  }
});

test("credentials: an Ed25519 logon the exchange refuses stops the start with the same advice", async () => {
  const sim = await simulator();
  try {
    const { privatePem } = await ed25519Pems();
    await refused(sim, { apiKey: "unknown-ed25519-key", privateKeyPem: privatePem }, [
      /-2015/,
      /BINANCE_API_KEY/,
    ]);
    await refused(sim, { apiKey: ED_KEY, privateKeyPem: await strangerPem() }, [
      /-1022/,
      /BINANCE_PRIVATE_KEY_PATH/,
    ]);
  } finally {
    await sim.close();
  }
});

test("credentials: accepted keys pass the check, whose answer seeds the balances", async () => {
  const sim = await simulator();
  try {
    const hmac = await open(sim, tempDir(), { secretKey: HMAC_SECRET });
    try {
      assert.deepEqual(hmac.account.book.balances().map((b) => [b.asset, b.walletBalance]), [[
        "USDT",
        "10000.00000000",
      ]]);
    } finally {
      await hmac.close();
    }
    const events: string[] = [];
    const ed = await open(sim, tempDir(), {
      apiKey: ED_KEY,
      privateKeyPem: (await ed25519Pems()).privatePem,
      onEvent: (e) => events.push(e.type),
    });
    try {
      assert.equal(ed.router.auth, "ed25519");
      assert.equal(ed.account.book.balances().length, 1);
      assert.ok(events.includes("orders-adopted"), "the REST listing is signed with Ed25519 too");
    } finally {
      await ed.close();
    }
  } finally {
    await sim.close();
  }
});

test("credentials: the CLI start fails with a StartError naming the code (exit 1) and never serves /health", async () => {
  const sim = await simulator();
  const port = await freePort();
  const parsed = parseConfig({
    args: ["--port", String(port), "--ws-url", sim.url, "--rest-url", sim.httpUrl, "--data-dir", tempDir()],
    env: { BINANCE_API_KEY: HMAC_KEY, BINANCE_SECRET_KEY: "a-wrong-secret-0123456789" },
  });
  if (parsed.kind !== "run") throw new Error(`expected a run config: ${parsed.kind}`);
  try {
    await assert.rejects(
      startService({
        config: parsed.config,
        log: createLogger({ format: "text", write: () => {} }),
        readTextFile: () => Promise.reject(new Error("no key file")),
      }),
      (e: unknown) => {
        assert.ok(e instanceof StartError, String(e));
        assert.match(e.message, /refused the credentials \(-1022 /);
        assert.ok(!e.message.includes("a-wrong-secret"), "no secret in the message");
        return true;
      },
    );
    await assert.rejects(fetch(`http://127.0.0.1:${port}/health`), "nothing ever listened");
  } finally {
    await sim.close();
  }
});

test("credentials: Router.connect refuses a refused Ed25519 logon with the same CredentialsError, code and msg", async () => {
  const sim = await simulator();
  try {
    await assert.rejects(
      Router.connect({
        url: sim.url,
        apiKey: ED_KEY,
        privateKeyPem: await strangerPem(),
        requestTimeoutMs: 2000,
      }),
      (e: unknown) => {
        assert.ok(e instanceof CredentialsError, String(e));
        assert.equal(e.code, -1022);
        assert.equal(e.msg, "Signature for this request is not valid.");
        assert.match(e.message, /privateKeyPem/, "names the library's option too");
        return true;
      },
    );
  } finally {
    await sim.close();
  }
});
