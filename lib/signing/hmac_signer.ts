/**
 * The per-request HMAC signer, with the fastest correct implementation for the runtime chosen once at load:
 * Bun's native `CryptoHasher` where it exists (~0.5 µs), the pure TypeScript {@linkcode HmacSha256} elsewhere
 * (~1.7 µs on Deno, where `node:crypto` costs 5–14 µs). {@linkcode verifyHmacSigner} checks the choice against
 * Web Crypto before the router trades.
 *
 * @module
 */

import { HmacSha256 } from "./hmac_sha256.ts";

/**
 * Signs a payload synchronously to lowercase hex.
 *
 * @example
 * ```ts
 * const signer: HmacSigner = createHmacSigner("secret");
 * signer.hex("apiKey=k&timestamp=1");
 * ```
 */
export interface HmacSigner {
  /** HMAC-SHA256 of the UTF-8 payload, lowercase hex. */
  hex(payload: string): string;
  /** Which implementation was chosen, for the startup banner and benchmarks. */
  readonly implementation: "bun-native" | "typescript";
  /**
   * A signer for payloads that all start with `prefix` (e.g. `apiKey=…`): `hex(rest)` signs prefix + rest.
   * The TypeScript implementation hashes the prefix's whole blocks once, not per order.
   */
  withPrefix(prefix: string): PrefixedHmacSigner;
}

/**
 * Signs `prefix + rest` for a prefix fixed at creation.
 *
 * @example
 * ```ts
 * const apiKey = "key";
 * const signOrder = createHmacSigner("secret").withPrefix("apiKey=" + apiKey);
 * signOrder.hex("&price=1&symbol=BTCUSDT&timestamp=1");
 * ```
 */
export interface PrefixedHmacSigner {
  /** HMAC-SHA256 of prefix + `rest` (UTF-8), lowercase hex. */
  hex(rest: string): string;
}

interface BunCryptoHasher {
  update(data: string): BunCryptoHasher;
  digest(encoding: "hex"): string;
  copy(): BunCryptoHasher;
}
type BunCryptoHasherCtor = new (algorithm: "sha256", key: string | Uint8Array) => BunCryptoHasher;

const bunHasher: BunCryptoHasherCtor | undefined =
  (globalThis as { Bun?: { CryptoHasher?: BunCryptoHasherCtor } }).Bun?.CryptoHasher;

/**
 * Bun 1.4's keyed `CryptoHasher` throws when an earlier, unrelated crypto failure (e.g. a rejected key
 * import) left an error in BoringSSL's error queue; the throw clears the queue. So a throw is retried once,
 * then the TypeScript implementation signs: the hot path never fails because of someone else's error.
 */
class BunHmacSigner implements HmacSigner {
  readonly implementation = "bun-native" as const;
  readonly #key: Uint8Array;
  readonly #Hasher: BunCryptoHasherCtor;
  readonly #fallback: HmacSha256;
  constructor(key: Uint8Array, Hasher: BunCryptoHasherCtor) {
    this.#key = key;
    this.#Hasher = Hasher;
    this.#fallback = new HmacSha256(key);
  }
  hex(payload: string): string {
    try {
      return new this.#Hasher("sha256", this.#key).update(payload).digest("hex");
    } catch {
      try {
        return new this.#Hasher("sha256", this.#key).update(payload).digest("hex");
      } catch {
        return this.#fallback.hex(payload);
      }
    }
  }
  withPrefix(prefix: string): PrefixedHmacSigner {
    // Keyed and fed the prefix once; each order copies that state (25% faster than re-keying).
    const base = new this.#Hasher("sha256", this.#key).update(prefix);
    return {
      hex: (rest: string) => {
        try {
          return base.copy().update(rest).digest("hex");
        } catch {
          return this.hex(prefix + rest);
        }
      },
    };
  }
}

class TypeScriptHmacSigner implements HmacSigner {
  readonly implementation = "typescript" as const;
  readonly #hmac: HmacSha256;
  readonly #key: Uint8Array;
  constructor(key: Uint8Array) {
    this.#key = key;
    this.#hmac = new HmacSha256(key);
  }
  hex(payload: string): string {
    return this.#hmac.hex(payload);
  }
  withPrefix(prefix: string): PrefixedHmacSigner {
    const hmac = new HmacSha256(this.#key);
    hmac.setPrefix(prefix);
    return { hex: (rest: string) => hmac.hexAfterPrefix(rest) };
  }
}

/**
 * Options for {@linkcode createHmacSigner}.
 */
export interface HmacSignerOptions {
  /** Force an implementation (benchmarks and tests); default: the fastest available. */
  implementation?: "bun-native" | "typescript";
}

/**
 * Creates the HMAC signer for `secretKey`, importing the key once.
 *
 * @example
 * ```ts
 * const sign = createHmacSigner("secret");
 * const signature = sign.hex("apiKey=key&symbol=BTCUSDT&timestamp=1"); // 64 hex digits
 * ```
 */
export function createHmacSigner(secretKey: string, options: HmacSignerOptions = {}): HmacSigner {
  const key = new TextEncoder().encode(secretKey);
  const want = options.implementation ?? (bunHasher ? "bun-native" : "typescript");
  if (want === "bun-native") {
    if (!bunHasher) throw new Error("the bun-native HMAC signer needs Bun");
    return new BunHmacSigner(key, bunHasher);
  }
  return new TypeScriptHmacSigner(key);
}

const hex = (bytes: ArrayBuffer): string =>
  Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");

/**
 * Signs probe payloads with `signer` and with Web Crypto's `crypto.subtle.sign` and returns whether they agree.
 * The router calls it before connecting and refuses to start on a mismatch: a wrong signature is a silent
 * outage, a refused start is a clear one.
 *
 * @example
 * ```ts
 * const secretKey = "secret";
 * const signer = createHmacSigner(secretKey);
 * if (!(await verifyHmacSigner(signer, secretKey))) throw new Error("HMAC self-check failed");
 * ```
 */
export async function verifyHmacSigner(signer: HmacSigner, secretKey: string): Promise<boolean> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secretKey),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const probes = [
    "",
    "apiKey=probe&newClientOrderId=my:order/1.a_b-c&price=52000.00&quantity=0.010&side=SELL&symbol=BTCUSDT" +
    "&timeInForce=GTC&timestamp=1645423376532&type=LIMIT",
    "symbol=１２３４５６&" + "x".repeat(130),
  ];
  for (const probe of probes) {
    const want = hex(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(probe)));
    if (signer.hex(probe) !== want) return false;
    // The prefixed path must agree too, for prefixes ending inside, at and past a block boundary.
    for (const cut of [7, 64, 72]) {
      if (probe.length > cut && signer.withPrefix(probe.slice(0, cut)).hex(probe.slice(cut)) !== want) {
        return false;
      }
    }
  }
  return true;
}
