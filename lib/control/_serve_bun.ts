/**
 * The control-plane server on Bun's own TCP sockets (`Bun.listen`): the HTTP/1.1 server of
 * `_http1_server.ts` fed by Bun's socket handlers, with the limits `Bun.serve` lacks (a connection limit).
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type { ControlServer } from "./server.ts";
import type { Http1Connection } from "./_http1_connection.ts";
import type { Http1Transport } from "./_http1_byte_socket.ts";
import { Http1Server, type Http1ServerOptions } from "./_http1_server.ts";
import { baseUrl } from "./_serve_shared.ts";

/** The parts of Bun's socket API used here. */
interface BunSocket {
  data: BunTransport | undefined;
  write(data: Uint8Array | string): number;
  end(): void;
  terminate(): void;
  setNoDelay?(on: boolean): boolean;
}
interface BunListener {
  readonly port: number;
  stop(closeActive?: boolean): void;
}
interface BunListen {
  listen(options: {
    hostname: string;
    port: number;
    allowHalfOpen: boolean;
    exclusive: boolean;
    socket: {
      open(socket: BunSocket): void;
      data(socket: BunSocket, data: Uint8Array): void;
      drain(socket: BunSocket): void;
      end(socket: BunSocket): void;
      close(socket: BunSocket): void;
      error(socket: BunSocket, error: Error): void;
    };
  }): BunListener;
}

/**
 * Serves `options.fetch` on `Bun.listen` (only on Bun: rejects elsewhere).
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * declare const app: Hono;
 * const server = await serveBun({ hostname: "127.0.0.1", port: 0, fetch: app.fetch, maxConnections: 64 });
 * ```
 */
export function serveBun(options: Http1ServerOptions): Promise<ControlServer> {
  const bun = (globalThis as { Bun?: BunListen }).Bun;
  let core: Http1Server;
  let listener: BunListener;
  try {
    if (bun === undefined) throw new Error("serveBun: not running on Bun");
    core = new Http1Server(options);
    try {
      listener = bun.listen({
        hostname: options.hostname,
        port: options.port,
        // A peer's FIN closes the connection (as node:http's server does): a client that half-closes must not
        // keep a socket open after our answer, and a stream's reader that left is noticed at once.
        allowHalfOpen: false,
        exclusive: true,
        socket: {
          open(socket) {
            const io = new BunTransport(socket);
            const connection = core.accept(io);
            if (connection === undefined) return socket.terminate();
            io.connection = connection;
            socket.data = io;
            socket.setNoDelay?.(true);
          },
          data: (socket, data) => guarded(socket, () => socket.data?.connection?.receive(data)),
          drain: (socket) => guarded(socket, () => socket.data?.flush()),
          end: (socket) => guarded(socket, () => socket.data?.connection?.ended()),
          close: (socket) => socket.data?.closed(),
          error: (socket) => socket.data?.closed(),
        },
      });
    } catch (e) {
      void core.close();
      throw e;
    }
  } catch (e) {
    return Promise.reject(e);
  }
  core.base = baseUrl(options.hostname, listener.port);
  let closed: Promise<void> | undefined;
  return Promise.resolve({
    hostname: options.hostname,
    port: listener.port,
    url: core.base,
    warm: (request, answer) => core.warm(request, answer),
    close: () =>
      closed ??= (() => {
        listener.stop(false);
        return core.close();
      })(),
  });
}

/** Runs a socket event's handler; a fault of this server's own ends that connection, not the process. */
function guarded(socket: BunSocket, handle: () => void): void {
  try {
    handle();
  } catch {
    socket.data?.destroy();
  }
}

/** A Bun socket as an {@linkcode Http1Transport}: what the socket did not take is kept until `drain`. */
class BunTransport implements Http1Transport {
  readonly #socket: BunSocket;
  connection: Http1Connection | undefined;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #ending = false;
  #closed = false;
  #waiters: (() => void)[] = [];

  constructor(socket: BunSocket) {
    this.#socket = socket;
  }

  get bufferedBytes(): number {
    return this.#pendingBytes;
  }

  write(data: Uint8Array | string): void {
    if (this.#closed || this.#ending) return;
    if (this.#pendingBytes > 0) return this.#keep(typeof data === "string" ? encoder.encode(data) : data);
    // A string goes to the socket as it is (Bun writes its UTF-8); it is encoded only if not all of it went.
    const n = this.#socket.write(data);
    if (n < 0) return this.destroy();
    if (typeof data !== "string") {
      if (n < data.byteLength) this.#keep(data.subarray(n));
    } else if (n < Buffer.byteLength(data)) this.#keep(encoder.encode(data).subarray(n));
  }

  drained(): Promise<void> {
    if (this.#pendingBytes === 0 || this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  end(): void {
    if (this.#closed) return;
    this.#ending = true;
    if (this.#pendingBytes === 0) this.#socket.end();
  }

  destroy(): void {
    if (this.#closed) return;
    this.#socket.terminate();
    this.closed();
  }

  /** The socket may take more: sends what was kept. */
  flush(): void {
    while (this.#pending.length > 0 && !this.#closed) {
      const bytes = this.#pending[0]!;
      const n = this.#socket.write(bytes);
      if (n < 0) return this.destroy();
      this.#pendingBytes -= Math.max(0, n);
      if (n < bytes.byteLength) {
        this.#pending[0] = bytes.subarray(n);
        return;
      }
      this.#pending.shift();
    }
    this.#wake();
    if (this.#ending && !this.#closed) this.#socket.end();
  }

  /** The socket is closed: by either side, or broken. */
  closed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#wake();
    this.connection?.gone();
  }

  #keep(bytes: Uint8Array): void {
    this.#pending.push(bytes.slice());
    this.#pendingBytes += bytes.byteLength;
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}

const encoder = new TextEncoder();
