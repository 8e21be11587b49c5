/**
 * Reads a request's JSON body defensively: the content type must be JSON, the size is capped (by the
 * declared Content-Length first, then while streaming, so a chunked body cannot exceed it either), and the
 * result must be a JSON object. A body that breaks off before its end (the client aborted, or the server cut
 * a body that stalled) is a 400 with code -9, never a 500: any local process can cause it at will.
 *
 * @module
 */

import { ControlError, LOCAL_CODES } from "./errors.ts";
import { prereadBody } from "./_http_bridge.ts";
import { concatBytes } from "./_bytes.ts";

/** Default body limit: far above any order, far below anything that could hurt. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024;

const tooLarge = (limit: number) =>
  new ControlError({ status: 413, code: LOCAL_CODES.BODY_TOO_LARGE, msg: `body larger than ${limit} bytes` });

const incomplete = () =>
  new ControlError({
    status: 400,
    code: LOCAL_CODES.INCOMPLETE_BODY,
    msg: "body: ended before its declared length (connection closed or too slow)",
  });

/** Reading the body failed for a reason of its own (not our 413): the body was cut off. */
const cutOff = (error: unknown): never => {
  throw error instanceof ControlError ? error : incomplete();
};

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
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  const type = request.headers.get("content-type");
  const bytes = await readCapped(request, limit).catch(cutOff);
  if (bytes.length === 0) {
    if (options.optional) return {};
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
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
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
  return value as Record<string, unknown>;
}

async function readCapped(request: Request, limit: number): Promise<Uint8Array> {
  // Read ahead by the node:http bridge (the Request carries no body then).
  const preread = prereadBody(request);
  if (preread !== undefined) {
    if (preread.length > limit) throw tooLarge(limit);
    return preread;
  }
  if (request.body === null) return new Uint8Array(0);
  // A declared length within the limit (checked by the caller) is read in one go: the stream reader costs
  // more than the rest of the request on Bun. Only bodies of unknown length are read chunk by chunk.
  if (request.headers.get("content-length") !== null) {
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.length > limit) throw tooLarge(limit);
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
      throw tooLarge(limit);
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
