/**
 * Between `node:http` and the fetch API: an incoming request becomes a `Request` (its body a stream read only
 * as fast as the handler asks, or a small body read ahead and kept aside: `prereadBody`), and a `Response` is
 * written back (a `jsonAnswer`'s text as it is, without reading its body). Small bodies go out in one write
 * with a Content-Length; a `text/event-stream` body is streamed chunk by chunk, each chunk read only once the
 * socket took the previous one, and the reader is cancelled the moment the client goes away.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type { IncomingMessage, ServerResponse } from "node:http";
import { keepPrereadBody } from "./_preread.ts";
import { jsonText } from "../wire/lazy_result.ts";
import { isStreamedAnswer } from "./_json_stream.ts";
import { concatBytes } from "./_bytes.ts";

/**
 * The error a request body stream ends with when its connection closed (or was cut) before the body's end.
 *
 * @example
 * ```ts
 * new BodyCutOffError().message; // "request body cut off before its end"
 * ```
 */
export class BodyCutOffError extends Error {
  override name = "BodyCutOffError";
  constructor() {
    super("request body cut off before its end");
  }
}

/**
 * The fetch `Request` for a `node:http` request. `base` is the server's own URL (the Host header is left to
 * the guard, never trusted to build the URL). Throws a `TypeError` on a request target that is not a URL.
 *
 * @example
 * ```ts
 * import type { IncomingMessage } from "node:http";
 * declare const incoming: IncomingMessage;
 * const request = toRequest(incoming, "http://127.0.0.1:7777");
 * ```
 */
export function toRequest(req: IncomingMessage, base: string): Request {
  const method = req.method ?? "GET";
  if (!hasBody(req, method)) return new Request(requestUrl(req, base), { method, headers: headerPairs(req) });
  return withBody(req, base, method, bodyStream(req));
}

/** The JSON text of answers made by `jsonAnswer`, so writing one reads no body stream. */
const ANSWER_TEXT = new WeakMap<Response, string>();

/**
 * A 200 `application/json` answer of `value` (its JSON as `jsonText` gives it) whose text the node:http server writes as it is, without reading
 * the Response's body back (`response.text()` costs ~10 µs on Deno, cold). Any server can still read its body.
 *
 * @example
 * ```ts
 * const response = jsonAnswer({ orderId: 42, status: "NEW" });
 * ```
 */
export function jsonAnswer(value: unknown): Response {
  // An untouched ack's JSON is the exchange's own text: no parse, no serialization.
  const text = jsonText(value);
  const response = new Response(text, { headers: { "content-type": "application/json" } });
  ANSWER_TEXT.set(response, text);
  return response;
}

/**
 * Like {@linkcode toRequest}, but a body of declared length up to `maxBytes` is read from the socket first and
 * kept aside for `prereadBody` (`_preread.ts`); the `Request` is made without a body (on Deno a `Request` with a
 * body costs ~20 µs more to make and ~7 µs to read, cold, as every order is). A body that breaks off comes as
 * a stream that fails with {@linkcode BodyCutOffError}, exactly as `toRequest`'s would; a larger, chunked or
 * undeclared body is streamed.
 *
 * @example
 * ```ts
 * import type { IncomingMessage } from "node:http";
 * declare const incoming: IncomingMessage;
 * const request = await readRequest(incoming, "http://127.0.0.1:7777", 65536);
 * ```
 */
export function readRequest(
  req: IncomingMessage,
  base: string,
  maxBytes: number,
): Promise<Request> | Request {
  const method = req.method ?? "GET";
  if (!hasBody(req, method)) return new Request(requestUrl(req, base), { method, headers: headerPairs(req) });
  const declared = req.headers["content-length"];
  if (
    declared === undefined || req.headers["transfer-encoding"] !== undefined ||
    !(Number(declared) <= maxBytes)
  ) {
    return withBody(req, base, method, bodyStream(req));
  }
  return new Promise((resolve) => {
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    const onData = (chunk: Uint8Array<ArrayBuffer>) => chunks.push(chunk);
    const settle = (body: Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>) => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("close", onClose);
      req.off("error", onClose);
      if (body instanceof ReadableStream) return resolve(withBody(req, base, method, body));
      const request = new Request(requestUrl(req, base), { method, headers: headerPairs(req) });
      keepPrereadBody(request, body);
      resolve(request);
    };
    const onEnd = () => settle(concatBytes(chunks));
    const onClose = () => {
      if (req.complete) return;
      settle(new ReadableStream({ start: (c) => c.error(new BodyCutOffError()) }));
    };
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("close", onClose);
    req.once("error", onClose);
  });
}

function requestUrl(req: IncomingMessage, base: string): string {
  const target = req.url ?? "/";
  return target.startsWith("/") ? base + target : new URL(target, base).href;
}

/** Name/value pairs, not a Headers object: Request copies a Headers object at several times the cost (Deno). */
function headerPairs(req: IncomingMessage): [string, string][] {
  const headers: [string, string][] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.push([raw[i]!, raw[i + 1]!]);
  return headers;
}

function withBody(req: IncomingMessage, base: string, method: string, body: BodyInit): Request {
  const init: RequestInit & { duplex: "half" } = { method, headers: headerPairs(req), body, duplex: "half" };
  return new Request(requestUrl(req, base), init);
}

function hasBody(req: IncomingMessage, method: string): boolean {
  if (method === "GET" || method === "HEAD") return false;
  const length = req.headers["content-length"];
  return length !== undefined ? length !== "0" : req.headers["transfer-encoding"] !== undefined;
}

/** The request body as a stream that pulls from the socket only when the reader wants more. */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let settled = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const fail = () => {
        if (settled) return;
        settled = true;
        controller.error(new BodyCutOffError());
      };
      req.on("data", (chunk: Uint8Array) => {
        if (settled) return;
        controller.enqueue(chunk);
        if ((controller.desiredSize ?? 0) <= 0) req.pause();
      });
      req.once("end", () => {
        if (settled) return;
        settled = true;
        controller.close();
      });
      req.once("error", fail);
      req.once("close", () => {
        if (!req.complete) fail();
      });
      req.pause();
    },
    pull() {
      req.resume();
    },
    cancel() {
      // The handler stopped reading (413): the answer closes the connection, the rest is never read.
      settled = true;
      req.pause();
    },
  });
}

/**
 * Writes `response` to `res`. `close` adds `Connection: close` (the body was not read to its end, or the
 * server is closing). Resolves once the response is written or the connection is gone; never rejects.
 *
 * @example
 * ```ts
 * import type { ServerResponse } from "node:http";
 * declare const res: ServerResponse;
 * await writeResponse(res, new Response("ok"), { head: false, close: false });
 * ```
 */
export async function writeResponse(
  res: ServerResponse,
  response: Response,
  options: { head: boolean; close: boolean },
): Promise<void> {
  const headers: string[] = [];
  response.headers.forEach((value, name) => headers.push(name, value));
  if (options.close) headers.push("connection", "close");
  const body = response.body;
  if (body === null || options.head) {
    await body?.cancel().catch(() => {});
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  if (
    !isStreamedAnswer(response) && !/^text\/event-stream\b/i.test(response.headers.get("content-type") ?? "")
  ) {
    // Every other answer is a small JSON or text document: one write, with its Content-Length.
    let text: string;
    try {
      text = ANSWER_TEXT.get(response) ?? await response.text();
    } catch {
      res.destroy();
      return;
    }
    writeText(res, response.status, headers, text);
    return;
  }
  res.writeHead(response.status, headers);
  res.flushHeaders();
  await pipeStream(res, body);
}

/**
 * Writes a small answer in one write: `headers` (name/value pairs) plus its Content-Length, then `text`. As a
 * string: node:http then sends head and body in one write, where bytes take a writev (about 60 µs more on
 * Deno). Takes `headers` over (appends to it).
 *
 * @example
 * ```ts
 * import type { ServerResponse } from "node:http";
 * declare const res: ServerResponse;
 * writeText(res, 200, ["content-type", "application/json"], '{"ok":true}');
 * ```
 */
export function writeText(res: ServerResponse, status: number, headers: string[], text: string): void {
  headers.push("content-length", String(Buffer.byteLength(text)));
  res.writeHead(status, headers);
  res.end(text);
}

async function pipeStream(res: ServerResponse, body: ReadableStream<Uint8Array>): Promise<void> {
  const reader = body.getReader();
  // Client gone: cancelling the reader ends the stream's source (an /events reader unsubscribes at once).
  const gone = () => void reader.cancel().catch(() => {});
  res.once("close", gone);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      if (!res.write(value)) await drained(res);
    }
    res.end();
  } catch {
    // The stream ended with an error (e.g. a reader dropped for not keeping up): close the connection.
    res.destroy();
  } finally {
    res.off("close", gone);
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}
