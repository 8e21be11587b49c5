/**
 * Reads a request's JSON body defensively: the content type must be JSON, the size is capped (by the
 * declared Content-Length first, then while streaming, so a chunked body cannot exceed it either), and the
 * result must be a JSON object. A body that breaks off before its end (the client aborted, or the server cut
 * a body that stalled) is a 400 with code -9, never a 500: any local process can cause it at will.
 *
 * @module
 */

import { ControlError, LOCAL_CODES } from "./errors.ts";
import { prereadBody } from "./_preread.ts";
import { concatBytes, isAscii, latin1 } from "./_bytes.ts";
import { hiddenKey } from "./json_keys.ts";

/** Default body limit: far above any order, far below anything that could hurt. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024;

/**
 * The 413 for a body larger than `limit` bytes (declared or read).
 *
 * @example
 * ```ts
 * bodyTooLarge(16384).status; // 413
 * ```
 */
export function bodyTooLarge(limit: number): ControlError {
  return new ControlError({
    status: 413,
    code: LOCAL_CODES.BODY_TOO_LARGE,
    msg: `body larger than ${limit} bytes`,
  });
}

/**
 * The 400 (code -9) for a body that ended before its declared length.
 *
 * @example
 * ```ts
 * bodyCutOff().code; // -9
 * ```
 */
export function bodyCutOff(): ControlError {
  return new ControlError({
    status: 400,
    code: LOCAL_CODES.INCOMPLETE_BODY,
    msg: "body: ended before its declared length (connection closed or too slow)",
  });
}

/** Reading the body failed for a reason of its own (not our 413): the body was cut off. */
const cutOff = (error: unknown): never => {
  throw error instanceof ControlError ? error : bodyCutOff();
};

/**
 * Throws the 413 when the declared Content-Length (a header value, or null) is over `limit`: checked before
 * a byte of the body is read.
 *
 * @example
 * ```ts
 * checkDeclaredLength("100", 16384); // fine
 * ```
 */
export function checkDeclaredLength(declared: string | null, limit: number): void {
  if (declared !== null && Number(declared) > limit) throw bodyTooLarge(limit);
}

/**
 * The request's JSON object body. With `optional`, an absent body gives `{}` (for `POST /halt`).
 *
 * @example
 * ```ts
 * declare const request: Request;
 * const body = await readJsonObject(request, { maxBytes: 16384 });
 * ```
 */
export async function readJsonObject(
  request: Request,
  options: { maxBytes: number; optional?: boolean },
): Promise<Record<string, unknown>> {
  const limit = options.maxBytes;
  checkDeclaredLength(request.headers.get("content-length"), limit);
  const type = request.headers.get("content-type");
  const bytes = await readCapped(request, limit).catch(cutOff);
  return parseJsonObject(bytes, type, options.optional ?? false, request.headers.get("content-encoding"));
}

/**
 * A body read in full (`bytes`, sent with Content-Type `type`) as a JSON object: the rules of
 * {@linkcode readJsonObject} after reading — empty (400 -3, or `{}` when `optional`), then the content type
 * (415), then its Content-Encoding, `encoding` (415 unless absent or identity: a gzip body is not read as
 * JSON, nor a body labelled gzip as plain), then UTF-8 JSON (400 -3), then an object (400 -3). The raw order
 * lane (`order_lane.ts`) runs the same function.
 *
 * @example
 * ```ts
 * parseJsonObject(new TextEncoder().encode('{"a":1}'), "application/json", false); // { a: 1 }
 * ```
 */
export function parseJsonObject(
  bytes: Uint8Array,
  type: string | null,
  optional: boolean,
  encoding: string | null = null,
): Record<string, unknown> {
  if (bytes.length === 0) {
    if (optional) return {};
    throw new ControlError({
      status: 400,
      code: LOCAL_CODES.MALFORMED_JSON,
      msg: "body: expected a JSON object",
    });
  }
  if (type === null || !/^application\/json\s*(;|$)/i.test(type)) {
    throw new ControlError({
      status: 415,
      code: LOCAL_CODES.UNSUPPORTED_MEDIA_TYPE,
      msg: "body: Content-Type must be application/json",
    });
  }
  if (encoding !== null && !/^\s*identity\s*$/i.test(encoding)) {
    throw new ControlError({
      status: 415,
      code: LOCAL_CODES.UNSUPPORTED_MEDIA_TYPE,
      msg: `body: Content-Encoding ${
        JSON.stringify(encoding.slice(0, 40))
      } is not supported: send the JSON as is`,
    });
  }
  let text: string;
  let value: unknown;
  try {
    text = utf8Text(bytes);
    value = JSON.parse(text);
  } catch {
    throw new ControlError({ status: 400, code: LOCAL_CODES.MALFORMED_JSON, msg: "body: not valid JSON" });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ControlError({
      status: 400,
      code: LOCAL_CODES.MALFORMED_JSON,
      msg: "body: expected a JSON object",
    });
  }
  const hidden = hiddenKey(text, value);
  if (hidden !== undefined) {
    throw new ControlError({ status: 400, code: LOCAL_CODES.INVALID_REQUEST, msg: hidden });
  }
  return value as Record<string, unknown>;
}

/** Strict UTF-8 (invalid bytes are an error, not U+FFFD); one decoder, it keeps no state between calls. */
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The bytes as UTF-8 text (throws on invalid UTF-8). An order's body is a few hundred ASCII bytes: one
 * character per byte, read as Latin-1 without the runtime's UTF-8 decoder (on Deno a call into Rust, 1–2 µs
 * with the cold caches every order has). Anything else is decoded as UTF-8.
 */
function utf8Text(bytes: Uint8Array): string {
  if (!isAscii(bytes, 0, bytes.length)) return UTF8.decode(bytes);
  return latin1(bytes, 0, bytes.length);
}

async function readCapped(request: Request, limit: number): Promise<Uint8Array> {
  // Read ahead by the node:http bridge or the HTTP/1.1 server (the Request carries no body then).
  const preread = prereadBody(request);
  if (preread !== undefined) {
    if (preread.length > limit) throw bodyTooLarge(limit);
    return preread;
  }
  if (request.body === null) return new Uint8Array(0);
  // A declared length within the limit (checked by the caller) is read in one go: the stream reader costs
  // more than the rest of the request on Bun. Only bodies of unknown length are read chunk by chunk.
  if (request.headers.get("content-length") !== null) {
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.length > limit) throw bodyTooLarge(limit);
    return bytes;
  }
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw bodyTooLarge(limit);
    }
    chunks.push(value);
  }
  return concatBytes(chunks);
}

/**
 * The query string as an object. A repeated parameter is refused rather than silently picking one.
 *
 * @example
 * ```ts
 * readQuery("http://127.0.0.1:7777/fills?symbol=BTCUSDT&limit=10"); // { symbol: "BTCUSDT", limit: "10" }
 * ```
 */
export function readQuery(url: string): Record<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of new URL(url).searchParams) {
    if (out.has(k)) {
      throw new ControlError({
        status: 400,
        code: LOCAL_CODES.INVALID_REQUEST,
        msg: `${k}: given more than once`,
      });
    }
    out.set(k, v);
  }
  // fromEntries defines own properties, so a "__proto__" parameter is just an unknown field.
  return Object.fromEntries(out);
}
