/**
 * Between `node:http` and the fetch API: an incoming request becomes a `Request` (its body a stream read only
 * as fast as the handler asks), and a `Response` is written back. Small bodies go out in one write with a
 * Content-Length; a `text/event-stream` body is streamed chunk by chunk, each chunk read only once the
 * socket took the previous one, and the reader is cancelled the moment the client goes away.
 *
 * @module
 */

import type { IncomingMessage, ServerResponse } from "node:http";

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
  const target = req.url ?? "/";
  const url = target.startsWith("/") ? base + target : new URL(target, base).href;
  // Name/value pairs, not a Headers object: Request copies a Headers object at several times the cost (Deno).
  const headers: [string, string][] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.push([raw[i]!, raw[i + 1]!]);
  const method = req.method ?? "GET";
  if (!hasBody(req, method)) return new Request(url, { method, headers });
  const init: RequestInit & { duplex: "half" } = { method, headers, body: bodyStream(req), duplex: "half" };
  return new Request(url, init);
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
  if (!/^text\/event-stream\b/i.test(response.headers.get("content-type") ?? "")) {
    // Every other answer is a small JSON or text document: one write, with its Content-Length.
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch {
      res.destroy();
      return;
    }
    headers.push("content-length", String(bytes.byteLength));
    res.writeHead(response.status, headers);
    res.end(bytes);
    return;
  }
  res.writeHead(response.status, headers);
  res.flushHeaders();
  await pipeStream(res, body);
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
