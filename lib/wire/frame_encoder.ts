/**
 * Builds request frames: the JSON envelope and, for signed methods, the signature payload, in one pass over
 * the method's pre-sorted keys. No object is stringified and nothing is sorted per request.
 *
 * @module
 */

import type { HmacSigner, PrefixedHmacSigner } from "../signing/hmac_signer.ts";
import type { Params } from "../types.ts";
import { jsonString } from "./json_text.ts";
import type { MethodSpec } from "./methods.ts";

/**
 * How requests are authenticated on the connection.
 * - `hmac`: every signed request carries apiKey, timestamp and an HMAC signature.
 * - `session`: the connection is logged on (Ed25519 `session.logon`); signed requests carry only timestamp.
 *
 * @example
 * ```ts
 * const auth: FrameAuth = { kind: "session", apiKey: "key" };
 * ```
 */
export type FrameAuth =
  | { kind: "hmac"; apiKey: string; signer: HmacSigner }
  | { kind: "session"; apiKey: string };

/**
 * Options for {@linkcode FrameEncoder}.
 *
 * @example
 * ```ts
 * import { createHmacSigner } from "../signing/hmac_signer.ts";
 * const signer = createHmacSigner("secret");
 * const options: FrameEncoderOptions = { auth: { kind: "hmac", apiKey: "key", signer }, recvWindow: 3000 };
 * ```
 */
export interface FrameEncoderOptions {
  auth: FrameAuth;
  /** Sent on every signed request when set; the exchange's default is 5000 ms. */
  recvWindow?: number;
}

/**
 * Serializes requests to ws-fapi text frames.
 *
 * @example
 * ```ts
 * import { createHmacSigner } from "../signing/hmac_signer.ts";
 * import { METHODS } from "./methods.ts";
 * const enc = new FrameEncoder({ auth: { kind: "hmac", apiKey: "key", signer: createHmacSigner("secret") } });
 * const order = { symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.002" };
 * const frame = enc.encode(1, METHODS["order.place"]!, order, Date.now());
 * ```
 */
export class FrameEncoder {
  readonly #apiKey: string;
  readonly #signer: HmacSigner | undefined;
  /** Signs payloads that start with `apiKey=…` (all but algo orders), with that prefix pre-hashed. */
  readonly #keySigner: PrefixedHmacSigner | undefined;
  readonly #recvWindow: number | undefined;
  /** `"apiKey":"…"` and `apiKey=…`, built once. */
  readonly #apiKeyJson: string;
  readonly #apiKeyPayload: string;

  constructor(options: FrameEncoderOptions) {
    this.#apiKey = options.auth.apiKey;
    this.#signer = options.auth.kind === "hmac" ? options.auth.signer : undefined;
    this.#recvWindow = options.recvWindow;
    this.#apiKeyJson = '"apiKey":' + jsonString(this.#apiKey);
    this.#apiKeyPayload = "apiKey=" + this.#apiKey;
    this.#keySigner = this.#signer?.withPrefix(this.#apiKeyPayload);
  }

  /**
   * The frame for `method` with `params` and request `id`. `timestamp` (server-clock ms) is used by signed
   * methods. Values of `params` not named in `spec.keys` are not sent. `cidKey`/`cid` override one param
   * (the generated client order id) without copying the caller's object.
   */
  encode(id: number, spec: MethodSpec, params: Params, timestamp: number, cidKey = "", cid = ""): string {
    const keys = spec.keys;
    const kinds = spec.kinds;
    const signed = spec.security === "signed";
    const signing = signed && this.#signer !== undefined;
    const withKey = spec.security === "key" || signing;
    let json = '{"id":' + id + spec.head;
    let payload = "";
    let first = true;
    // When apiKey sorts first (every method but algo orders) the payload starts with the pre-hashed prefix.
    let prefixed = false;
    for (let i = 0; i < keys.length; i++) {
      const kind = kinds[i]!;
      let text: string;
      let quoted = false;
      if (kind === 1 && withKey) {
        json += (first ? "" : ",") + this.#apiKeyJson;
        if (signing) {
          if (first) prefixed = true;
          else payload += "&" + this.#apiKeyPayload;
        }
        first = false;
        continue;
      } else if (kind === 2 && signed) {
        text = "" + timestamp;
      } else if (kind === 3 && signed && params.recvWindow === undefined) {
        if (this.#recvWindow === undefined) continue;
        text = "" + this.#recvWindow;
      } else {
        const k = keys[i]!;
        const v = k === cidKey ? cid : params[k];
        if (v === undefined) continue;
        if (typeof v === "string") {
          text = v;
          quoted = true;
        } else if (typeof v === "number") {
          text = "" + v;
          // NaN and ±Infinity are not JSON: as bare words the frame would be unreadable, refused without its id
          // (-1135) and the caller left to time out. Quoted, the exchange refuses the value by name, at once.
          if (v - v !== 0) quoted = true;
        } else {
          // Booleans travel as the strings "true"/"false", as the official connector sends them.
          text = v ? "true" : "false";
          quoted = true;
        }
      }
      json += (first ? spec.jsonFirst[i]! : spec.jsonNext[i]!) + (quoted ? jsonString(text) : text);
      if (signing) payload += first ? spec.payFirst[i]! + text : spec.payNext[i]! + text;
      first = false;
    }
    if (signing) {
      json += ',"signature":"' + (prefixed ? this.#keySigner!.hex(payload) : this.#signer!.hex(payload)) +
        '"';
    }
    return json + "}}";
  }

  /** The payload that `encode` signs for the same arguments (for tests and diagnostics). */
  payload(spec: MethodSpec, params: Params, timestamp: number): string {
    const parts: string[] = [];
    for (const k of spec.keys) {
      if (k === "apiKey") parts.push(this.#apiKeyPayload);
      else if (k === "timestamp") parts.push("timestamp=" + timestamp);
      else if (k === "recvWindow" && params.recvWindow === undefined) {
        if (this.#recvWindow !== undefined) parts.push("recvWindow=" + this.#recvWindow);
      } else if (params[k] !== undefined) parts.push(k + "=" + String(params[k]));
    }
    return parts.join("&");
  }
}
