/**
 * The byte stream a WebSocket runs over once the HTTP server hands its connection over: a `node:net` socket
 * (from `node:http`'s upgrade) or a connection of the HTTP/1.1 server of this directory (`_serve_deno.ts`,
 * `_serve_bun.ts`). `WsConnection` needs no more than this. Also the socket side of an HTTP/1.1 connection as
 * a runtime adapter provides it ({@linkcode Http1Transport}).
 *
 * @module
 */

import type { Duplex } from "node:stream";

/**
 * A connection's bytes, both ways.
 *
 * @example
 * ```ts
 * declare const socket: ByteSocket;
 * socket.listen((bytes) => socket.write(bytes), () => {}); // echo
 * ```
 */
export interface ByteSocket {
  /** Sends bytes after those already written. */
  write(data: Uint8Array | string): void;
  /** Closes the sending side once what was written is out. */
  end(): void;
  /** Closes at once. */
  destroy(): void;
  /** Bytes written and not yet sent (a peer that does not read makes it grow). */
  readonly bufferedBytes: number;
  /**
   * Sets the one receiver of incoming bytes (a view valid during the call only) and of the connection's end
   * (closed by either side, or broken; called once).
   */
  listen(onData: (bytes: Uint8Array) => void, onClose: () => void): void;
}

/**
 * A `node:stream` `Duplex` (a `node:net` socket) as a {@linkcode ByteSocket}; a `ByteSocket` as it is.
 *
 * @example
 * ```ts
 * import type { Duplex } from "node:stream";
 * declare const duplex: Duplex;
 * const socket = toByteSocket(duplex);
 * ```
 */
export function toByteSocket(socket: Duplex | ByteSocket): ByteSocket {
  if (typeof (socket as ByteSocket).listen === "function") return socket as ByteSocket;
  const duplex = socket as Duplex;
  (duplex as Duplex & { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  return {
    write: (data) => void duplex.write(data),
    end: () => void duplex.end(),
    destroy: () => void duplex.destroy(),
    get bufferedBytes() {
      return duplex.writableLength;
    },
    listen(onData, onClose) {
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        onClose();
      };
      duplex.on("data", onData);
      duplex.on("error", close);
      duplex.on("close", close);
    },
  };
}

/**
 * The socket side of a connection, as a runtime adapter provides it.
 *
 * @example
 * ```ts
 * declare const io: Http1Transport;
 * io.write("HTTP/1.1 204 No Content\r\n\r\n");
 * io.end();
 * ```
 */
export interface Http1Transport {
  /** Sends after what was written before (a string as UTF-8). */
  write(data: Uint8Array | string): void;
  /** Bytes written and not yet taken by the operating system. */
  readonly bufferedBytes: number;
  /** Resolves once everything written is out, or the connection is gone. */
  drained(): Promise<void>;
  /** Closes once everything written is out. */
  end(): void;
  /** Closes at once. */
  destroy(): void;
}

/**
 * A connection's transport as the {@linkcode ByteSocket} of the WebSocket that takes it over; `listen` is the
 * connection's: from then on it hands its bytes and its end to the WebSocket.
 *
 * @example
 * ```ts
 * declare const io: Http1Transport;
 * const socket = transportByteSocket(io, (onData, onClose) => {});
 * ```
 */
export function transportByteSocket(io: Http1Transport, listen: ByteSocket["listen"]): ByteSocket {
  return {
    write: (data) => io.write(data),
    end: () => io.end(),
    destroy: () => io.destroy(),
    get bufferedBytes() {
      return io.bufferedBytes;
    },
    listen,
  };
}

/**
 * A transport that takes every write and sends nothing, counting what it was given: the warm-up's
 * (`Http1Server.warm`, and as a {@linkcode ByteSocket} through {@linkcode transportByteSocket},
 * `warmLocalSocket`).
 *
 * @example
 * ```ts
 * const sink = new DiscardTransport();
 * sink.write("abc");
 * sink.taken; // 3
 * ```
 */
export class DiscardTransport implements Http1Transport {
  /** Characters or bytes written so far. */
  taken = 0;
  readonly bufferedBytes = 0;
  write(data: Uint8Array | string): void {
    this.taken += data.length;
  }
  drained(): Promise<void> {
    return Promise.resolve();
  }
  end(): void {}
  destroy(): void {}
}
