/** Test harness: a simulator on loopback with one HMAC and one Ed25519 account, and routers connected to it. */
import { type Simulator, type SimulatorOptions, startSimulator } from "../../lib/sim/mod.ts";
import { Router, type RouterOptions } from "../../lib/router/router.ts";

export const HMAC_KEY = "test-hmac-api-key";
export const HMAC_SECRET = "test-hmac-secret-key-0123456789";
export const ED_KEY = "test-ed25519-api-key";

let edPair: { privatePem: string; publicPem: string } | undefined;

function pem(label: string, der: ArrayBuffer): string {
  let bin = "";
  for (const b of new Uint8Array(der)) bin += String.fromCharCode(b);
  const body = btoa(bin).replace(/.{1,64}/g, "$&\n");
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}

/** A fresh Ed25519 key pair as PEM (PKCS#8 private, SPKI public), made once per test process. */
export async function ed25519Pems(): Promise<{ privatePem: string; publicPem: string }> {
  if (!edPair) {
    const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, [
      "sign",
      "verify",
    ]) as CryptoKeyPair;
    edPair = {
      privatePem: pem("PRIVATE KEY", await crypto.subtle.exportKey("pkcs8", pair.privateKey)),
      publicPem: pem("PUBLIC KEY", await crypto.subtle.exportKey("spki", pair.publicKey)),
    };
  }
  return edPair;
}

/** Starts a simulator that knows both test accounts. */
export async function simulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const { publicPem } = await ed25519Pems();
  return startSimulator({
    hmacKeys: [{ apiKey: HMAC_KEY, secretKey: HMAC_SECRET }],
    ed25519Keys: [{ apiKey: ED_KEY, publicKeyPem: publicPem }],
    ...options,
  });
}

/** Connects a router to `sim` with HMAC (default) or Ed25519 credentials. */
export async function connect(
  sim: Simulator,
  auth: "hmac" | "ed25519" = "hmac",
  options: Partial<RouterOptions> = {},
): Promise<Router> {
  const creds = auth === "hmac"
    ? { apiKey: HMAC_KEY, secretKey: HMAC_SECRET }
    : { apiKey: ED_KEY, privateKeyPem: (await ed25519Pems()).privatePem };
  return Router.connect({
    url: sim.url,
    requestTimeoutMs: 2000,
    backoffBaseMs: 20,
    backoffMaxMs: 200,
    ...creds,
    ...options,
  });
}

/** Polls `condition` every 10 ms until true; fails after `timeoutMs` with `what`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A LIMIT BUY that rests (below the simulator's default BTCUSDT mark of 51000). */
export const restingBuy = (extra: Record<string, unknown> = {}) => ({
  symbol: "BTCUSDT",
  side: "BUY" as const,
  type: "LIMIT" as const,
  quantity: "0.002",
  price: "50000",
  timeInForce: "GTC" as const,
  ...extra,
});
