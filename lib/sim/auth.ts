/**
 * Request authentication as ws-fapi does it (ws-fapi.md §3): the signed payload is every param except
 * `signature`, sorted by key, `key=value` joined by `&`, with RAW values (no percent-encoding; numbers and
 * booleans as their JSON text). HMAC is verified with `node:crypto`, Ed25519 with WebCrypto, both independently
 * of the client's signing code so the two cannot share a bug.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { createHmac } from "node:crypto";
import { E, type Failure } from "./errors.ts";

/** Request parameters as they arrived in JSON. */
export type Params = Record<string, unknown>;

/** How an account signs. */
export type Credential =
  | { readonly kind: "hmac"; readonly secret: string }
  | { readonly kind: "ed25519"; readonly key: CryptoKey };

const DEFAULT_RECV_WINDOW = 5_000;
const MAX_RECV_WINDOW = 60_000;

/**
 * The payload a ws-fapi signature covers.
 *
 * @example
 * ```ts
 * signaturePayload({ timestamp: 1, apiKey: "k", signature: "x" }); // "apiKey=k&timestamp=1"
 * ```
 */
export function signaturePayload(params: Params): string {
  const keys = Object.keys(params).sort();
  let out = "";
  for (const key of keys) {
    if (key === "signature") continue;
    if (out.length > 0) out += "&";
    out += `${key}=${rawValue(params[key])}`;
  }
  return out;
}

function rawValue(value: unknown): string {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
    case "boolean":
    case "bigint":
      return String(value);
    default:
      return JSON.stringify(value) ?? "";
  }
}

/**
 * HMAC-SHA256 hex check; the signature's case is ignored.
 *
 * @example
 * ```ts
 * verifyHmac("secret", "a=1", "…hex…"); // true or false
 * ```
 */
export function verifyHmac(secret: string, payload: string, signature: string): boolean {
  if (signature.length !== 64) return false;
  return createHmac("sha256", secret).update(payload).digest("hex") === signature.toLowerCase();
}

/**
 * Ed25519 check of a base64 signature over the UTF-8 payload.
 *
 * @example
 * ```ts
 * const publicKey = await importEd25519Spki("-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----");
 * await verifyEd25519(publicKey, "apiKey=k&timestamp=1", "base64sig=="); // false: not a 64-byte signature
 * ```
 */
export async function verifyEd25519(key: CryptoKey, payload: string, signature: string): Promise<boolean> {
  const bytes = Buffer.from(signature, "base64");
  if (bytes.length !== 64) return false;
  try {
    return await crypto.subtle.verify({ name: "Ed25519" }, key, bytes, new TextEncoder().encode(payload));
  } catch {
    return false;
  }
}

/**
 * Verifies `params.signature` with the account's credential: sync for HMAC, a promise for Ed25519.
 *
 * @example
 * ```ts
 * declare const credential: Credential; // the account's
 * declare const params: Params; // a signed request's params
 * const ok = verifySignature(credential, params); // boolean | Promise<boolean>
 * ```
 */
export function verifySignature(credential: Credential, params: Params): boolean | Promise<boolean> {
  const signature = params["signature"];
  if (typeof signature !== "string") return false;
  const payload = signaturePayload(params);
  return credential.kind === "hmac"
    ? verifyHmac(credential.secret, payload, signature)
    : verifyEd25519(credential.key, payload, signature);
}

/**
 * Imports an SPKI PEM Ed25519 public key for verification.
 *
 * @example
 * ```ts
 * const key = await importEd25519Spki("-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----");
 * ```
 */
export function importEd25519Spki(pem: string): Promise<CryptoKey> {
  const body = pem.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, "").replace(/\s+/g, "");
  return crypto.subtle.importKey("spki", Buffer.from(body, "base64"), { name: "Ed25519" }, false, ["verify"]);
}

/**
 * The timing rule (§3.1): `timestamp < serverTime + 1000` and `serverTime − timestamp ≤ recvWindow`;
 * recvWindow defaults to 5000 and may not exceed 60000 (-1131).
 *
 * @example
 * ```ts
 * checkTimestamp({ timestamp: Date.now() }, Date.now()); // undefined (fine)
 * ```
 */
export function checkTimestamp(params: Params, serverTime: number): Failure | undefined {
  const timestamp = intParam(params["timestamp"]);
  if (timestamp === undefined) return E.mandatory("timestamp");
  let recvWindow = DEFAULT_RECV_WINDOW;
  if (params["recvWindow"] !== undefined) {
    const value = intParam(params["recvWindow"]);
    if (value === undefined || value <= 0) return E.mandatory("recvWindow");
    if (value > MAX_RECV_WINDOW) return E.badRecvWindow();
    recvWindow = value;
  }
  if (timestamp >= serverTime + 1_000) return E.timestampAhead();
  if (serverTime - timestamp > recvWindow) return E.timestampOld();
  return undefined;
}

/**
 * An integer parameter sent as a JSON number or a string of digits.
 *
 * @example
 * ```ts
 * intParam("5000"); // 5000
 * intParam(1.5);    // undefined
 * ```
 */
export function intParam(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === "string" && /^-?\d{1,16}$/.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}
