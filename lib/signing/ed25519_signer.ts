/**
 * Ed25519 signing for `session.logon` (and per-request Ed25519 signatures). Used once per connection, so Web
 * Crypto's asynchronous API costs nothing that matters; the key is imported once from a PKCS#8 PEM.
 *
 * @module
 */

/**
 * Signs payloads with an Ed25519 private key, base64 output (what Binance expects).
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * const signer = await Ed25519Signer.fromPem(readFileSync("key.pem", "utf8"));
 * const signature = await signer.sign("apiKey=k&timestamp=1");
 * ```
 */
export class Ed25519Signer {
  readonly #key: CryptoKey;
  private constructor(key: CryptoKey) {
    this.#key = key;
  }

  /**
   * Imports a PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"). Throws a message naming what is wrong, never the
   * key material.
   */
  static async fromPem(pem: string): Promise<Ed25519Signer> {
    const match = /-----BEGIN PRIVATE KEY-----([\s\S]+?)-----END PRIVATE KEY-----/.exec(pem);
    if (!match?.[1]) {
      throw new Error("Ed25519 key: expected a PKCS#8 PEM block (-----BEGIN PRIVATE KEY-----)");
    }
    let der: Uint8Array<ArrayBuffer>;
    try {
      der = Uint8Array.from(atob(match[1].replace(/\s+/g, "")), (c) => c.charCodeAt(0));
    } catch {
      throw new Error("Ed25519 key: the PEM body is not valid base64");
    }
    try {
      const key = await crypto.subtle.importKey("pkcs8", der, { name: "Ed25519" }, false, ["sign"]);
      return new Ed25519Signer(key);
    } catch {
      throw new Error("Ed25519 key: not a PKCS#8 Ed25519 private key");
    }
  }

  /** Signs the UTF-8 bytes of `payload`; returns the 64-byte signature in base64. */
  async sign(payload: string): Promise<string> {
    const sig = new Uint8Array(
      await crypto.subtle.sign("Ed25519", this.#key, new TextEncoder().encode(payload)),
    );
    let bin = "";
    for (const b of sig) bin += String.fromCharCode(b);
    return btoa(bin);
  }
}
