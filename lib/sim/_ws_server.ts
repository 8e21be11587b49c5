/**
 * A minimal RFC 6455 server on `node:net`. It exists because the simulator must do things that Deno.serve and
 * Bun.serve do not expose uniformly: pings with a chosen payload (and seeing the pong's payload), dropping a
 * socket with no close frame, and going silent. The same code runs under Deno, Bun and a compiled binary.
 * Non-upgrade requests are answered by a small HTTP handler (one request per connection, `Connection: close`).
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import net from "node:net";
import { WsConnection, type WsHandlers } from "./_ws_connection.ts";

const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const MAX_HEAD_BYTES = 16 * 1024;
const MAX_BODY_BYTES = 64 * 1024;

/** A plain HTTP request (not an upgrade). */
export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  /** The raw query string without `?` (as sent, still percent-encoded). */
  readonly query: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The answer to an {@linkcode HttpRequest}; the body is sent as JSON. */
export interface HttpResponse {
  readonly status: number;
  readonly body: string;
}

/** What an accepted WebSocket upgrade asked for. */
export interface UpgradeInfo {
  readonly path: string;
  readonly query: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Options of {@linkcode WsServer.listen}. */
export interface WsServerOptions {
  readonly port: number;
  readonly host: string;
  /**
   * Decides an upgrade before the 101 (any path): undefined accepts it, a response refuses it (e.g. 404 for a
   * path nobody serves, 400 for a stream key that does not exist). Checked before the handshake headers.
   */
  vetUpgrade(info: UpgradeInfo): HttpResponse | undefined;
  readonly maxMessageBytes: number;
  /** Called after the 101 response; returns the connection's handlers. */
  onConnection(connection: WsConnection, info: UpgradeInfo): WsHandlers;
  onHttp(request: HttpRequest): HttpResponse | Promise<HttpResponse>;
}

const REASONS: Readonly<Record<number, string>> = {
  200: "OK",
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  405: "Method Not Allowed",
  418: "I'm a teapot",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
};

/**
 * The listening server. Only `options.host` is bound (the simulator uses 127.0.0.1).
 *
 * @example
 * ```ts
 * const server = await WsServer.listen({ port: 0, host: "127.0.0.1", maxMessageBytes: 1 << 20,
 *   vetUpgrade: (info) => (info.path === "/ws" ? undefined : { status: 404, body: "{}" }),
 *   onConnection: (c) => ({ text: (t) => c.sendText(t), pong: () => {}, closed: () => {} }),
 *   onHttp: () => ({ status: 404, body: "{}" }) });
 * await server.close();
 * ```
 */
export class WsServer {
  readonly #server: net.Server;
  readonly #options: WsServerOptions;
  readonly #sockets = new Set<net.Socket>();
  #port = 0;

  private constructor(options: WsServerOptions) {
    this.#options = options;
    this.#server = net.createServer((socket) => this.#accept(socket));
  }

  /** Starts listening; resolves once the port is bound. */
  static listen(options: WsServerOptions): Promise<WsServer> {
    const server = new WsServer(options);
    return new Promise((resolve, reject) => {
      server.#server.once("error", reject);
      server.#server.listen(options.port, options.host, () => {
        server.#server.off("error", reject);
        const address = server.#server.address();
        server.#port = typeof address === "object" && address !== null ? address.port : options.port;
        resolve(server);
      });
    });
  }

  /** The bound port. */
  get port(): number {
    return this.#port;
  }

  /** Stops listening and destroys every socket; resolves when the listener is closed. */
  close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #accept(socket: net.Socket): void {
    this.#sockets.add(socket);
    socket.setNoDelay(true);
    socket.on("error", () => {}); // resets by the peer are normal here
    socket.on("close", () => this.#sockets.delete(socket));
    let head: Buffer | undefined;
    const onData = (chunk: Buffer): void => {
      head = head === undefined ? chunk : Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) {
        if (head.length > MAX_HEAD_BYTES) this.#respond(socket, 431, '{"code":-1,"msg":"header too large"}');
        return;
      }
      socket.off("data", onData);
      const request = parseHead(head.subarray(0, end).toString("latin1"));
      const rest = head.subarray(end + 4);
      if (request === undefined) return this.#respond(socket, 400, '{"code":-1,"msg":"bad request"}');
      if ((request.headers["upgrade"] ?? "").toLowerCase() === "websocket") {
        return this.#upgrade(socket, request, rest);
      }
      this.#readBody(socket, request, rest);
    };
    socket.on("data", onData);
  }

  #upgrade(socket: net.Socket, request: ParsedHead, rest: Buffer): void {
    const key = request.headers["sec-websocket-key"];
    const info: UpgradeInfo = { path: request.path, query: request.query, headers: request.headers };
    const refusal = this.#options.vetUpgrade(info);
    if (refusal !== undefined) return this.#respond(socket, refusal.status, refusal.body);
    if (request.method !== "GET" || key === undefined || request.headers["sec-websocket-version"] !== "13") {
      return this.#respond(socket, 400, '{"code":-1,"msg":"bad websocket handshake"}');
    }
    const accept = createHash("sha1").update(key + WS_GUID).digest("base64");
    socket.write(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    const connection = new WsConnection(socket);
    const handlers = this.#options.onConnection(connection, info);
    connection.start(handlers, this.#options.maxMessageBytes, rest);
  }

  #readBody(socket: net.Socket, request: ParsedHead, first: Buffer): void {
    const length = Number(request.headers["content-length"] ?? "0");
    if (!Number.isSafeInteger(length) || length < 0 || length > MAX_BODY_BYTES) {
      return this.#respond(socket, 400, '{"code":-1,"msg":"bad content-length"}');
    }
    let body = first;
    const finish = (): void => {
      // A handler that throws synchronously is a 500 too, never an uncaught error.
      const done = new Promise<HttpResponse>((resolve) =>
        resolve(this.#options.onHttp({
          method: request.method,
          path: request.path,
          query: request.query,
          headers: request.headers,
          body: body.subarray(0, length).toString("utf8"),
        }))
      );
      done.then(
        (response) => this.#respond(socket, response.status, response.body),
        () => this.#respond(socket, 500, '{"code":-1000,"msg":"internal error"}'),
      );
    };
    if (body.length >= length) return finish();
    const onData = (chunk: Buffer): void => {
      body = Buffer.concat([body, chunk]);
      if (body.length < length) return;
      socket.off("data", onData);
      finish();
    };
    socket.on("data", onData);
  }

  #respond(socket: net.Socket, status: number, body: string): void {
    if (socket.destroyed) return;
    socket.end(
      `HTTP/1.1 ${status} ${REASONS[status] ?? "Error"}\r\nContent-Type: application/json;charset=UTF-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
}

interface ParsedHead {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: Record<string, string>;
}

function parseHead(text: string): ParsedHead | undefined {
  const lines = text.split("\r\n");
  const requestLine = (lines[0] ?? "").split(" ");
  const method = requestLine[0];
  const target = requestLine[1];
  if (requestLine.length !== 3 || method === undefined || target === undefined || !target.startsWith("/")) {
    return undefined;
  }
  const headers: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(":");
    if (colon <= 0) return undefined;
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const q = target.indexOf("?");
  return {
    method,
    path: q < 0 ? target : target.slice(0, q),
    query: q < 0 ? "" : target.slice(q + 1),
    headers,
  };
}
