/**
 * WebSocket upgrades between the server adapter and the route that accepts them. The adapter (`_serve_node.ts`)
 * turns an upgrade request into a fetch `Request`, offers its socket here, and runs the app as for any other
 * request, so the guard (Host, Origin, token) and the 404/405 answers apply unchanged. A route takes the offer
 * and accepts it (the adapter then leaves the socket alone); any other answer is written to the socket, which
 * is then closed.
 *
 * @module
 */

import type { Duplex } from "node:stream";
import { acceptValue, WsConnection, type WsConnectionOptions } from "./_ws_connection.ts";
import { type ByteSocket, toByteSocket } from "./_http1_byte_socket.ts";

/**
 * An upgrade the adapter offers to whichever route answers the request.
 *
 * @example
 * ```ts
 * declare const offer: UpgradeOffer;
 * const ws = offer.accept({ maxMessageBytes: 65536, onText: () => {}, onClose: () => {} });
 * ```
 */
export interface UpgradeOffer {
  /** Whether a route accepted it. */
  readonly accepted: boolean;
  /** Sends the 101 answer and returns the connection. Throws if already accepted. */
  accept(options: WsConnectionOptions): WsConnection;
}

const offers = new WeakMap<Request, UpgradeOffer>();

/**
 * Offers `socket` (a `node:net` socket, or any {@linkcode ByteSocket}, with the bytes read past the request's
 * head) for `request`; the adapter's side.
 * `onAccept` sees each accepted connection (to close it when the server closes).
 *
 * @example
 * ```ts
 * import type { Duplex } from "node:stream";
 * declare const request: Request;
 * declare const socket: Duplex;
 * const offer = offerUpgrade(request, socket, new Uint8Array(0), () => {});
 * ```
 */
export function offerUpgrade(
  request: Request,
  socket: Duplex | ByteSocket,
  head: Uint8Array,
  onAccept: (ws: WsConnection) => void,
): UpgradeOffer {
  let accepted = false;
  const offer: UpgradeOffer = {
    get accepted() {
      return accepted;
    },
    accept(options) {
      if (accepted) throw new Error("upgrade already accepted");
      accepted = true;
      const bytes = toByteSocket(socket);
      const key = request.headers.get("sec-websocket-key") ?? "";
      bytes.write(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
          `Sec-WebSocket-Accept: ${acceptValue(key)}\r\n\r\n`,
      );
      const ws = new WsConnection(bytes, head, options);
      onAccept(ws);
      return ws;
    },
  };
  offers.set(request, offer);
  return offer;
}

/**
 * The upgrade offered with `request`, if it came as one (a plain GET has none); the route's side.
 *
 * @example
 * ```ts
 * declare const request: Request;
 * const offer = takeUpgrade(request); // undefined: not an upgrade request
 * ```
 */
export function takeUpgrade(request: Request): UpgradeOffer | undefined {
  const offer = offers.get(request);
  offers.delete(request);
  return offer;
}
