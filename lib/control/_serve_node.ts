/**
 * The control-plane server on `node:http` (Deno and Bun alike): request timeouts, the connection limit,
 * JSON answers to what the HTTP parser refuses, and a close that waits for the requests in progress.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { REASON_PHRASES } from "./_http1_answer.ts";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { ControlServer, RawAnswer, ServeOptions } from "./server.ts";
import { readRequest, toRequest, writeResponse, writeText } from "./_http_bridge.ts";
import { offerUpgrade } from "./_upgrade.ts";
import type { WsConnection } from "./_ws_connection.ts";
import { baseUrl, internalErrorResponse, resolveLimits, type ServeLimits } from "./_serve_shared.ts";
import { LOCAL_CODES } from "./errors.ts";
import { ThrottledNotice } from "./notice_throttle.ts";
import { PREREAD_BYTES } from "./_preread.ts";

/** Request bodies of declared length up to this are read before the handler runs (as bytes, not a stream). */

/**
 * Serves `options.fetch` with `node:http`'s `createServer`.
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * declare const app: Hono;
 * const server = await serveNode({ hostname: "127.0.0.1", port: 0, fetch: app.fetch, headerTimeoutMs: 5000 });
 * ```
 */
export function serveNode(options: ServeOptions): Promise<ControlServer> {
  let limits: ServeLimits;
  try {
    limits = resolveLimits(options);
  } catch (e) {
    return Promise.reject(e);
  }
  const timeouts = new ThrottledNotice((count, total) => {
    options.onNotice?.("control plane: requests not received in time (answered 408, connection closed)", {
      count: String(count),
      total: String(total),
    });
  }, options.notices);
  let closing = false;
  let base = "";
  const server = createServer({
    headersTimeout: limits.headerTimeoutMs,
    requestTimeout: limits.bodyTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // How often the timeouts above are checked (Node's default, 30 s, would let a 10 s timeout run to 40 s).
    connectionsCheckingInterval: Math.min(1000, Math.max(10, Math.floor(limits.headerTimeoutMs / 10))),
    // A missing Host is the guard's to refuse (403, code -6), like every other Host problem.
    requireHostHeader: false,
  }, (req, res) => void handle(req, res));
  server.maxConnections = limits.maxConnections;
  // Requests in progress per connection: close() ends at once the connections that have none (idle, or still
  // sending headers), so a client that never finishes a request cannot hold a shutdown up.
  const busy = new Map<Socket, number>();
  server.on("connection", (socket: Socket) => {
    busy.set(socket, 0);
    socket.once("close", () => busy.delete(socket));
  });
  // WebSocket upgrades run through the app like any request (guard, routes); the route that accepts one
  // (`GET /ws`) takes the socket over, any other answer is written and the socket closed.
  const sockets = new Set<WsConnection>();
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Uint8Array) => {
    void upgrade(req, socket, head);
  });
  async function upgrade(req: IncomingMessage, socket: Duplex, head: Uint8Array): Promise<void> {
    socket.on("error", () => {});
    if (closing) {
      socket.destroy();
      return;
    }
    let request: Request;
    try {
      request = toRequest(req, base);
    } catch {
      refuse("HPE_INVALID", socket);
      return;
    }
    const offer = offerUpgrade(request, socket, head, (ws) => {
      busy.delete(socket as Socket); // a WebSocket now: close() closes it with a close frame
      sockets.add(ws);
      socket.once("close", () => sockets.delete(ws));
    });
    let response: Response;
    try {
      response = await options.fetch(request);
    } catch {
      response = internalErrorResponse();
    }
    if (offer.accepted) return;
    await writeRaw(socket, response);
  }

  server.on("clientError", (error: Error & { code?: string }, socket: Duplex) => {
    if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") timeouts.hit();
    refuse(error.code ?? "", socket);
  });

  const lane = options.lane;
  /** A raw lane's answer, written as `handle` writes the app's. */
  function writeLaneAnswer(req: IncomingMessage, res: ServerResponse, answer: RawAnswer): void {
    if (res.destroyed) return;
    if (closing || !req.complete) answer.headers.push("connection", "close");
    writeText(res, answer.status, answer.headers, answer.text);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // An aborted request or a reset socket must never become an unhandled 'error' event.
    req.on("error", () => {});
    res.on("error", () => {});
    const socket = req.socket;
    busy.set(socket, (busy.get(socket) ?? 0) + 1);
    res.once("close", () => {
      const n = busy.get(socket);
      if (n !== undefined) busy.set(socket, n - 1);
    });
    if (lane !== undefined && lane.take(req, PREREAD_BYTES, (answer) => writeLaneAnswer(req, res, answer))) {
      return;
    }
    let request: Request | undefined;
    try {
      request = await readRequest(req, base, PREREAD_BYTES);
    } catch {
      // The parser let it through, the fetch API does not (a target or header value it cannot represent).
    }
    let response: Response;
    try {
      response = request === undefined
        ? json(400, { code: LOCAL_CODES.INVALID_REQUEST, msg: "malformed request target or header" })
        : await options.fetch(request);
    } catch {
      response = internalErrorResponse();
    }
    if (res.destroyed) {
      await response.body?.cancel().catch(() => {});
      return;
    }
    // Unread body (a refusal before reading it, or a 413): close rather than read and discard the rest.
    await writeResponse(res, response, { head: req.method === "HEAD", close: closing || !req.complete });
  }

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: options.hostname, port: options.port, exclusive: true }, () => {
      server.off("error", reject);
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : options.port;
      base = baseUrl(options.hostname, port);
      let closed: Promise<void> | undefined;
      resolve({
        hostname: options.hostname,
        port,
        url: base,
        close: () =>
          closed ??= new Promise<void>((done) => {
            closing = true;
            timeouts.close();
            server.close(() => done());
            server.closeIdleConnections();
            for (const ws of sockets) ws.serverClosing();
            for (const [socket, requests] of busy) if (requests === 0) socket.destroy();
          }),
      });
    });
  });
}

/** Answers what the HTTP parser refused (or a request that timed out) with JSON, then closes. */
function refuse(code: string, socket: Duplex): void {
  const answering = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  if (
    !socket.writable || answering || code === "ECONNRESET" || code === "EPIPE" ||
    code === "HPE_INVALID_EOF_STATE"
  ) {
    // The client is gone (or half an answer is out): nobody to tell.
    socket.destroy();
    return;
  }
  const [status, reason, body] = code === "ERR_HTTP_REQUEST_TIMEOUT"
    ? [408, "Request Timeout", { code: LOCAL_CODES.REQUEST_TIMEOUT, msg: "request not received in time" }]
    : code === "HPE_HEADER_OVERFLOW"
    ? [431, "Request Header Fields Too Large", {
      code: LOCAL_CODES.INVALID_REQUEST,
      msg: "headers too large",
    }]
    : [400, "Bad Request", { code: LOCAL_CODES.INVALID_REQUEST, msg: "malformed HTTP request" }];
  const text = JSON.stringify(body);
  // Closed once the answer is out: a client that never closes its side must not keep the socket.
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncache-control: no-store\r\n` +
      `content-length: ${text.length}\r\nconnection: close\r\n\r\n${text}`,
    () => socket.destroy(),
  );
}

/** Writes a refused upgrade's answer straight to its socket (no `ServerResponse` exists for it), then closes. */
async function writeRaw(socket: Duplex, response: Response): Promise<void> {
  let text = "";
  try {
    text = await response.text();
  } catch { /* an answer without its body still says no */ }
  let head = `HTTP/1.1 ${response.status} ${REASON_PHRASES[response.status] ?? "Refused"}\r\n`;
  response.headers.forEach((value, name) => {
    if (name !== "content-length" && name !== "connection") head += `${name}: ${value}\r\n`;
  });
  head += `content-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n`;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(head + text, () => socket.destroy());
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}
