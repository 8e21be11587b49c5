/**
 * Credential setup, done once before a router connects: checks that exactly one kind of credential was given,
 * builds the frame encoder for it (HMAC per request, or a logged-on Ed25519 session), self-checks the HMAC
 * signer against Web Crypto, and makes the REST query signer the dead-man's switch needs. Secrets stay inside
 * the signers built here; nothing else keeps them.
 *
 * @module
 */

import { ConnectError, CredentialsError, ExchangeError } from "../errors.ts";
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

/** Binance's codes for credentials it refuses, and what to check for each. */
const REFUSED: Readonly<Record<number, string>> = {
  [-2014]: "the API key's format is invalid: check the API key (BINANCE_API_KEY for the CLI), not the secret",
  [-2015]: "the API key is unknown, revoked, or not allowed from this IP or for USDⓈ-M futures: check the " +
    "API key (BINANCE_API_KEY for the CLI), its IP allow-list and its Futures permission on Binance",
  [-1022]: "the signature was refused: check that the HMAC secret or the Ed25519 private key (the CLI's " +
    "BINANCE_SECRET_KEY or BINANCE_PRIVATE_KEY_PATH, the library's `secretKey` or `privateKeyPem`) belongs to " +
    "the API key",
};

/**
 * A `CredentialsError` naming a refused credential's code and what to check, when `error` is the exchange's
 * refusal of the credentials (the Ed25519 logon's, or the first signed request's); undefined for other errors.
 *
 * @example
 * ```ts
 * import { ExchangeError } from "../errors.ts";
 * const e = new ExchangeError({ status: 401, code: -2015, msg: "Invalid API-key", method: "v2/account.balance" });
 * refusedCredentials(e)?.message; // "the exchange refused the credentials (-2015 …): … check …"
 * ```
 */
export function refusedCredentials(error: unknown): CredentialsError | undefined {
  if (error instanceof CredentialsError) return error;
  if (!(error instanceof ExchangeError)) return undefined;
  const advice = REFUSED[error.code];
  if (advice === undefined) return undefined;
  return new CredentialsError(
    `the exchange refused the credentials (${error.code} ${error.msg}): ${advice}`,
    { code: error.code, msg: error.msg },
  );
}
