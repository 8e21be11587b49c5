/**
 * Credential setup, done once before a router connects: checks that exactly one kind of credential was given,
 * builds the frame encoder for it (HMAC per request, or a logged-on Ed25519 session), self-checks the HMAC
 * signer against Web Crypto, and makes the REST query signer the dead-man's switch needs. Secrets stay inside
 * the signers built here; nothing else keeps them.
 *
 * @module
 */

import { ConnectError } from "../errors.ts";
import { Ed25519Signer } from "../signing/ed25519_signer.ts";
import { createHmacSigner, verifyHmacSigner } from "../signing/hmac_signer.ts";
import { FrameEncoder } from "../wire/frame_encoder.ts";

/** The credential part of `RouterOptions`. */
export interface Credentials {
  /** Binance API key. */
  apiKey: string;
  /** HMAC secret. */
  secretKey?: string;
  /** Ed25519 PKCS#8 PEM. */
  privateKeyPem?: string;
  /** recvWindow sent on signed requests. */
  recvWindow?: number;
}

/** What a router needs from its credentials. */
export interface PreparedCredentials {
  /** Builds and (HMAC) signs every frame. */
  encoder: FrameEncoder;
  /** The session logon signer, in Ed25519 mode. */
  ed25519: Ed25519Signer | undefined;
}

/**
 * Validates the credentials and builds the encoder. Rejects with a {@linkcode ConnectError} naming what is wrong.
 *
 * @example
 * ```ts
 * const { encoder, ed25519 } = await prepareCredentials({ apiKey: "key", secretKey: "secret" });
 * ```
 */
export async function prepareCredentials(options: Credentials): Promise<PreparedCredentials> {
  checkShape(options);
  const recv = options.recvWindow === undefined ? {} : { recvWindow: options.recvWindow };
  if (options.secretKey !== undefined) {
    const signer = createHmacSigner(options.secretKey);
    if (!(await verifyHmacSigner(signer, options.secretKey))) {
      throw new ConnectError(
        `HMAC self-check failed: the ${signer.implementation} signer disagrees with Web Crypto`,
      );
    }
    const encoder = new FrameEncoder({ auth: { kind: "hmac", apiKey: options.apiKey, signer }, ...recv });
    return { encoder, ed25519: undefined };
  }
  let ed25519: Ed25519Signer;
  try {
    ed25519 = await Ed25519Signer.fromPem(options.privateKeyPem!);
  } catch (e) {
    throw new ConnectError((e as Error).message);
  }
  const encoder = new FrameEncoder({ auth: { kind: "session", apiKey: options.apiKey }, ...recv });
  return { encoder, ed25519 };
}

/**
 * A signer for REST query strings (the dead-man's switch): HMAC hex, or Ed25519 base64. REST signs the query
 * string as sent, so this is a different signer from the ws-fapi one.
 *
 * @example
 * ```ts
 * const sign = restQuerySigner({ apiKey: "key", secretKey: "secret" });
 * await sign("symbol=BTCUSDT&countdownTime=60000&timestamp=1");
 * ```
 */
export function restQuerySigner(options: Credentials): (query: string) => string | Promise<string> {
  checkShape(options);
  if (options.secretKey !== undefined) {
    const hmac = createHmacSigner(options.secretKey);
    return (query) => hmac.hex(query);
  }
  const pem = options.privateKeyPem!;
  let signer: Promise<Ed25519Signer> | undefined;
  return async (query) => (await (signer ??= Ed25519Signer.fromPem(pem))).sign(query);
}

function checkShape(options: Credentials): void {
  if (!options.apiKey) throw new ConnectError("apiKey is empty");
  if ((options.secretKey === undefined) === (options.privateKeyPem === undefined)) {
    throw new ConnectError("give exactly one of secretKey (HMAC) or privateKeyPem (Ed25519)");
  }
}
