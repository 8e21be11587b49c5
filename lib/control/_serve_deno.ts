/**
 * The control-plane server on Deno's own TCP sockets (`Deno.listen`, `Deno.Conn`): the HTTP/1.1 server of
 * `_http1_server.ts` with a read loop per connection and a write queue. As fast per request as `Deno.serve`
 * (measured: `bench/README.md`), with the limits `Deno.serve` lacks (header and body timeouts, a connection
 * limit).
 *
 * @module
 */

import type { ControlServer } from "./server.ts";
import type { Http1Transport } from "./_http1_byte_socket.ts";
import { Http1Server, type Http1ServerOptions } from "./_http1_server.ts";
import { baseUrl } from "./_serve_shared.ts";
import { pooledUtf8 } from "./_byte_pool.ts";

/** Bytes read from a connection at a time. */
const READ_BYTES = 32 * 1024;

/**
 * Serves `options.fetch` on `Deno.listen`.
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * declare const app: Hono;
 * const server = await serveDeno({ hostname: "127.0.0.1", port: 0, fetch: app.fetch, headerTimeoutMs: 5000 });
 * ```
 */
export function serveDeno(options: Http1ServerOptions): Promise<ControlServer> {
  let core: Http1Server;
  let listener: Deno.TcpListener;
  try {
    core = new Http1Server(options);
    try {
      listener = Deno.listen({ hostname: options.hostname, port: options.port, transport: "tcp" });
    } catch (e) {
      void core.close();
      throw e;
    }
  } catch (e) {
    return Promise.reject(e);
  }
  const port = listener.addr.port;
  core.base = baseUrl(options.hostname, port);
  void (async () => {
    while (!core.closing) {
      let conn: Deno.TcpConn;
      try {
        conn = await listener.accept();
      } catch {
        // Closed (then the loop ends), or out of file descriptors for a moment: try again shortly.
        await new Promise((resolve) => setTimeout(resolve, 10));
        continue;
      }
      serveConnection(core, conn);
    }
  })();
  let closed: Promise<void> | undefined;
  return Promise.resolve({
    hostname: options.hostname,
    port,
    url: core.base,
    warm: (request, answer) => core.warm(request, answer),
    close: () =>
      closed ??= (() => {
        try {
          listener.close();
        } catch { /* already closed */ }
        return core.close();
      })(),
  });
}

function serveConnection(core: Http1Server, conn: Deno.TcpConn): void {
  const io = new DenoTransport(conn);
  const connection = core.accept(io);
  if (connection === undefined) return io.destroy();
  io.onClose = () => connection.gone();
  try {
    conn.setNoDelay(true);
  } catch { /* closed already */ }
  void (async () => {
    const buf = new Uint8Array(READ_BYTES);
    for (;;) {
      let n: number | null;
      try {
        n = await conn.read(buf);
      } catch {
        return io.destroy();
      }
      try {
        if (n === null) return connection.ended();
        connection.receive(buf.subarray(0, n));
      } catch {
        return io.destroy(); // a fault of this server's own: this connection ends, the server goes on
      }
    }
  })();
}

/** A `Deno.Conn` as an {@linkcode Http1Transport}: writes queued in order, partial writes completed. */
class DenoTransport implements Http1Transport {
  readonly #conn: Deno.Conn;
  #queue: Uint8Array[] = [];
  #queued = 0;
  #writing = false;
  #ending = false;
  #closed = false;
  #waiters: (() => void)[] = [];
  onClose: () => void = () => {};

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  get bufferedBytes(): number {
    return this.#queued;
  }

  write(data: Uint8Array | string): void {
    if (this.#closed || this.#ending) return;
    const bytes = typeof data === "string" ? pooledUtf8(data) : data;
    this.#queued += bytes.byteLength;
    if (this.#writing) this.#queue.push(bytes);
    else void this.#flush(bytes);
  }

  drained(): Promise<void> {
    if (!this.#writing || this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  end(): void {
    if (this.#closed) return;
    this.#ending = true;
    if (!this.#writing) this.destroy();
  }

  destroy(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue = [];
    this.#queued = 0;
    try {
      this.#conn.close();
    } catch { /* already closed */ }
    this.#wake();
    this.onClose();
  }

  async #flush(first: Uint8Array): Promise<void> {
    this.#writing = true;
    let bytes: Uint8Array | undefined = first;
    try {
      while (bytes !== undefined) {
        let rest: Uint8Array = bytes;
        while (rest.byteLength > 0) {
          const n = await this.#conn.write(rest);
          rest = rest.subarray(n);
        }
        this.#queued -= bytes.byteLength;
        bytes = this.#queue.shift();
      }
    } catch {
      this.#writing = false;
      return this.destroy();
    }
    this.#writing = false;
    this.#wake();
    if (this.#ending) this.destroy();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
