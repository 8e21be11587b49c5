/**
 * Test helpers for the simulator tests: a small request/reply client over the runtime's own WebSocket, signing
 * written here with node:crypto / WebCrypto (never the client library's code), and bounded waits.
 *
 * @module
 */

import { createHmac } from "node:crypto";
import { Buffer } from "node:buffer";

export const HMAC_KEY = "hmacKeyA";
export const HMAC_SECRET = "hmacSecretA";
export const HMAC_KEY_B = "hmacKeyB";
export const HMAC_SECRET_B = "hmacSecretB";
export const HMAC_KEYS = [
  { apiKey: HMAC_KEY, secretKey: HMAC_SECRET },
  { apiKey: HMAC_KEY_B, secretKey: HMAC_SECRET_B },
];

/** A parsed reply frame. */
export interface Reply {
  id: unknown;
  status: number;
  // deno-lint-ignore no-explicit-any -- replies are inspected field by field in the tests
  result?: any;
  error?: { code: number; msg: string };
  rateLimits?: {
    rateLimitType: string;
    interval: string;
    intervalNum: number;
    limit: number;
    count: number;
  }[];
}

/** Rejects after `ms` unless `promise` settles first; the timer is always cleared. */
export function within<T>(promise: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${label}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Polls `condition` every 5 ms until it holds; throws after `ms`. */
export async function until(condition: () => boolean, ms = 5_000, label = "condition"): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The ws-fapi payload: params except signature, sorted, raw values. */
export function payloadOf(params: Record<string, unknown>): string {
  return Object.keys(params).filter((k) => k !== "signature").sort().map((k) => `${k}=${params[k]}`).join(
    "&",
  );
}

/** HMAC-SHA256 hex. */
export function hmacHex(secret: string, payload: string): string {
  return createHmac("sha256", secret).update(payload).digest("hex");
}

/** Adds apiKey, timestamp and an HMAC signature to `params` (undefined values are left out). */
export function signHmac(
  params: Record<string, unknown>,
  apiKey = HMAC_KEY,
  secret = HMAC_SECRET,
): Record<string, unknown> {
  const full: Record<string, unknown> = { apiKey, timestamp: Date.now() };
  for (const [k, v] of Object.entries(params)) if (v !== undefined) full[k] = v;
  return { ...full, signature: hmacHex(secret, payloadOf(full)) };
}

/** A fresh Ed25519 key pair and its SPKI PEM public key. */
export async function ed25519Pair(): Promise<{ privateKey: CryptoKey; publicKeyPem: string }> {
  const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, [
    "sign",
    "verify",
  ]) as CryptoKeyPair;
  const spki = Buffer.from(await crypto.subtle.exportKey("spki", pair.publicKey)).toString("base64");
  return {
    privateKey: pair.privateKey,
    publicKeyPem: `-----BEGIN PUBLIC KEY-----\n${spki}\n-----END PUBLIC KEY-----\n`,
  };
}

/** Ed25519 base64 signature over `payload`. */
export async function ed25519Sign(privateKey: CryptoKey, payload: string): Promise<string> {
  const sig = await crypto.subtle.sign({ name: "Ed25519" }, privateKey, new TextEncoder().encode(payload));
  return Buffer.from(sig).toString("base64");
}

/** A LIMIT order's params (BTCUSDT, GTC) with overrides. */
export function limitOrder(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    timeInForce: "GTC",
    quantity: "0.010",
    price: "50000.00",
    ...overrides,
  };
}

/**
 * A request/reply client over the runtime's WebSocket. Replies are matched by id; every other frame (events,
 * id:null errors, garbage) goes to `others`.
 */
export class TestClient {
  readonly others: string[] = [];
  /** The close event: an abrupt drop has `wasClean` false (Bun reports 1006, Deno 0 as the code). */
  readonly closed: Promise<{ code: number; wasClean: boolean }>;
  #ws: WebSocket;
  #nextId = 1;
  #waiting = new Map<unknown, (reply: Reply) => void>();
  #replies = new Map<unknown, Reply>();

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    this.closed = new Promise((resolve) =>
      ws.addEventListener("close", (e) => resolve({ code: e.code, wasClean: e.wasClean }))
    );
    ws.addEventListener("message", (e) => {
      const text = String(e.data);
      let parsed: Reply | undefined;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      if (
        parsed === undefined || typeof parsed !== "object" || parsed === null || !("id" in parsed) ||
        parsed.id === null
      ) {
        this.others.push(text);
        return;
      }
      const waiter = this.#waiting.get(parsed.id);
      if (waiter !== undefined) {
        this.#waiting.delete(parsed.id);
        waiter(parsed);
      } else this.#replies.set(parsed.id, parsed);
    });
  }

  /** Opens a connection (bounded). */
  static async open(url: string): Promise<TestClient> {
    const ws = new WebSocket(url);
    await within(
      new Promise<void>((resolve, reject) => {
        ws.addEventListener("open", () => resolve());
        ws.addEventListener("error", () => reject(new Error("websocket error")));
      }),
      5_000,
      "open",
    );
    return new TestClient(ws);
  }

  /** The socket's readyState. */
  get readyState(): number {
    return this.#ws.readyState;
  }

  /** Sends raw text. */
  sendRaw(text: string): void {
    this.#ws.send(text);
  }

  /** Sends a request and resolves with its reply (bounded). */
  request(method: string, params?: Record<string, unknown>, id?: unknown): Promise<Reply> {
    const requestId = id === undefined ? this.#nextId++ : id;
    const reply = this.expect(requestId);
    this.#ws.send(
      JSON.stringify(params === undefined ? { id: requestId, method } : { id: requestId, method, params }),
    );
    return reply;
  }

  /** Sends a request without waiting; returns its id. */
  send(method: string, params?: Record<string, unknown>): number {
    const id = this.#nextId++;
    this.#ws.send(JSON.stringify({ id, method, params }));
    return id;
  }

  /** A request signed with HMAC (account A unless told). */
  signed(
    method: string,
    params: Record<string, unknown> = {},
    apiKey = HMAC_KEY,
    secret = HMAC_SECRET,
  ): Promise<Reply> {
    return this.request(method, signHmac(params, apiKey, secret));
  }

  /** The reply to `id` (bounded). */
  expect(id: unknown, ms = 5_000): Promise<Reply> {
    const ready = this.#replies.get(id);
    if (ready !== undefined) {
      this.#replies.delete(id);
      return Promise.resolve(ready);
    }
    return within(
      new Promise<Reply>((resolve) => this.#waiting.set(id, resolve)),
      ms,
      `reply to ${String(id)}`,
    );
  }

  /** True when a reply for `id` has arrived and not been taken. */
  hasReply(id: unknown): boolean {
    return this.#replies.has(id);
  }

  /** Closes and waits for the close event (bounded). */
  async close(): Promise<void> {
    if (this.#ws.readyState === WebSocket.CLOSED) return;
    this.#ws.close();
    await within(this.closed, 5_000, "close").catch(() => {});
  }
}
