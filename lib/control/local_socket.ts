/**
 * The local order socket, `GET /ws`: one WebSocket that carries the order routes as JSON messages, for
 * strategies in any language that want one persistent connection instead of an HTTP request per order.
 *
 * Request `{"id": 1, "op": "place", "params": {…}}`; `op` is `place` (`POST /orders`), `modify`
 * (`PATCH /orders`), `cancel` (`DELETE /orders`), `query` (`GET /orders`) or `cancelAll`
 * (`DELETE /orders/open`); `params` is that route's body or
 * query as a JSON object; `id` is the caller's (a string of 1–64 characters or an integer) and comes back in
 * the answer. Answer `{"id": 1, "status": 200, "result": {…}}` or `{"id": 1, "status": 400, "error":
 * {"code": -1, "msg": "…"}}`: the status and error of the HTTP route, from the same validation and error
 * mapping. Any number of requests may be in flight; each is answered as soon as the exchange answers (so
 * not necessarily in order). A message that cannot be read as a request is answered with `"id": null` when no
 * usable id was found. Closing the socket does not cancel what was sent. A stopping router answers every
 * request in flight before it closes the socket (1001).
 *
 * @module
 */

import type { RouteDoc, RouteHandler } from "./route_table.ts";
import { ControlError, LOCAL_CODES, toHttpError } from "./errors.ts";
import { bodyTooLarge } from "./body.ts";
import type { OrderOps } from "./order_ops.ts";
import { takeUpgrade } from "./_upgrade.ts";
import { DiscardTransport, transportByteSocket } from "./_http1_byte_socket.ts";
import { WsConnection } from "./_ws_connection.ts";
import { hiddenKey } from "./json_keys.ts";
import { fastPlaceRequest } from "./place_fast_path.ts";
import { jsonText } from "../wire/lazy_result.ts";
import { CANNED_ORDER_BODY, cannedOrderResult } from "../wire/canned_order.ts";

/** The operations a local-socket message may ask for, and the route each mirrors. */
export const LOCAL_SOCKET_OPS = ["place", "modify", "cancel", "query", "cancelAll"] as const;

/** A request id: the caller's string or integer, echoed in the answer. */
export type LocalSocketId = string | number;

/** Options of {@linkcode LocalSocketSession}. */
export interface LocalSocketSessionOptions {
  /** The order operations (the same the HTTP routes run). */
  ops: OrderOps;
  /** Sends one answer; false when the socket is gone (the answer is dropped). */
  send: (text: string) => boolean;
  /** Gateway bugs (answered as a bare 500, like over HTTP). */
  onInternal?: (error: unknown) => void;
  /** The HTTP routes' body limit: `params` over it are a 413, as the same body over HTTP (default none). */
  maxParamsBytes?: number;
}

const utf8 = new TextEncoder();
/** UTF-8 length of `text` (only for a message long enough to be over the limit). */
const byteLength = (text: string) => utf8.encode(text).byteLength;

const ID_RE = /^[\x20-\x7e]{1,64}$/;
const ENVELOPE_FIELDS: ReadonlySet<string> = new Set(["id", "op", "params"]);
const OPS: ReadonlySet<string> = new Set(LOCAL_SOCKET_OPS);

/**
 * One connection's requests: parses each message, runs its operation and sends the answer.
 *
 * @example
 * ```ts
 * import type { OrderOps } from "./order_ops.ts";
 * declare const ops: OrderOps;
 * const session = new LocalSocketSession({ ops, send: (text) => (console.log(text), true) });
 * session.receive('{"id":1,"op":"query","params":{"symbol":"BTCUSDT","orderId":42}}');
 * ```
 */
export class LocalSocketSession {
  readonly #ops: OrderOps;
  readonly #send: (text: string) => boolean;
  readonly #onInternal: ((error: unknown) => void) | undefined;
  readonly #maxParamsBytes: number;
  #inFlight = 0;
  /** Called once every request is answered (`drained`). */
  #onDrained: (() => void) | undefined;

  constructor(options: LocalSocketSessionOptions) {
    this.#ops = options.ops;
    this.#send = options.send;
    this.#onInternal = options.onInternal;
    this.#maxParamsBytes = options.maxParamsBytes ?? Number.POSITIVE_INFINITY;
  }

  /** Requests of this connection not yet answered. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Calls `done` once no request is in flight: at once, or after the last answer is sent. A stopping server
   * closes the socket then, so that no order the exchange took goes unanswered.
   */
  drained(done: () => void): void {
    if (this.#inFlight === 0) return done();
    this.#onDrained = done;
  }

  /** Handles one text message. Never throws: every failure becomes an answer. */
  receive(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.#error(null, 400, LOCAL_CODES.MALFORMED_JSON, "message: not valid JSON");
      return;
    }
    if (typeof message !== "object" || message === null || Array.isArray(message)) {
      this.#error(null, 400, LOCAL_CODES.MALFORMED_JSON, "message: expected a JSON object");
      return;
    }
    // A key given twice (two `op`s, two quantities) is refused, naming it: the parse kept only the last.
    const hidden = hiddenKey(text, message);
    if (hidden?.startsWith("id:")) return this.#error(null, 400, LOCAL_CODES.INVALID_REQUEST, hidden);
    const { id, op, params } = message as Record<string, unknown>;
    if (!(typeof id === "string" && ID_RE.test(id)) && !Number.isSafeInteger(id)) {
      this.#error(
        null,
        400,
        LOCAL_CODES.INVALID_REQUEST,
        "id: expected 1-64 printable characters or an integer",
      );
      return;
    }
    const requestId = id as LocalSocketId;
    if (hidden !== undefined) return this.#error(requestId, 400, LOCAL_CODES.INVALID_REQUEST, hidden);
    for (const key in message) {
      if (!ENVELOPE_FIELDS.has(key)) {
        this.#error(requestId, 400, LOCAL_CODES.INVALID_REQUEST, `unknown field: ${key.slice(0, 40)}`);
        return;
      }
    }
    if (typeof op !== "string" || !OPS.has(op)) {
      this.#error(
        requestId,
        400,
        LOCAL_CODES.INVALID_REQUEST,
        `op: expected one of ${LOCAL_SOCKET_OPS.join(", ")}`,
      );
      return;
    }
    if (params !== undefined && (typeof params !== "object" || params === null || Array.isArray(params))) {
      this.#error(requestId, 400, LOCAL_CODES.INVALID_REQUEST, "params: expected a JSON object");
      return;
    }
    // The message may be this much longer than params (its envelope): only then is params measured.
    if (text.length > this.#maxParamsBytes && byteLength(JSON.stringify(params)) > this.#maxParamsBytes) {
      const { status, body } = toHttpError(bodyTooLarge(this.#maxParamsBytes), this.#onInternal);
      this.#send(JSON.stringify({ id: requestId, status, error: body }));
      return;
    }
    void this.#run(
      requestId,
      op as typeof LOCAL_SOCKET_OPS[number],
      (params ?? {}) as Record<string, unknown>,
    );
  }

  /**
   * Runs one request and sends its answer once: a result from the router's prompt listener, in the turn the
   * exchange's answer arrives and before the order tracker and the journal take it, or when the promise
   * settles.
   */
  #run(id: LocalSocketId, op: typeof LOCAL_SOCKET_OPS[number], params: Record<string, unknown>): void {
    this.#inFlight++;
    const pending = this.#ops[op](params);
    let answered = false;
    const answer = (result: unknown, error: unknown, failed: boolean) => {
      if (answered) return;
      answered = true;
      this.#inFlight--;
      let text: string | undefined;
      if (!failed) {
        try {
          text = `{"id":${JSON.stringify(id)},"status":200,"result":${jsonText(result)}}`;
        } catch (e) {
          error = e; // a result that cannot be serialized: a 500, as over HTTP
        }
      }
      if (text === undefined) {
        const { status, body } = toHttpError(error, this.#onInternal);
        text = JSON.stringify({ id, status, error: body });
      }
      this.#send(text);
      if (this.#inFlight === 0 && this.#onDrained !== undefined) {
        const done = this.#onDrained;
        this.#onDrained = undefined;
        done();
      }
    };
    this.#ops.answerPromptly(pending, { answered: (result) => answer(result, undefined, false) });
    pending.then((result) => answer(result, undefined, false), (error) => answer(undefined, error, true));
  }

  #error(id: LocalSocketId | null, status: number, code: number, msg: string): void {
    this.#send(JSON.stringify({ id, status, error: { code, msg } }));
  }
}

/** Answers a client lets pile up unread before its socket is closed (1008): it is not reading them. */
const MAX_UNSENT_BYTES = 4 * 1024 * 1024;

/**
 * Options of {@linkcode localSocketRoute}.
 *
 * @example
 * ```ts
 * import type { OrderOps } from "./order_ops.ts";
 * declare const ops: OrderOps;
 * const options: LocalSocketRouteOptions = { ops, maxMessageBytes: 17408 };
 * ```
 */
export interface LocalSocketRouteOptions {
  ops: OrderOps;
  /** Largest message accepted (a larger one closes the socket with 1009). */
  maxMessageBytes: number;
  /** The HTTP routes' body limit, applied to `params` (413, as over HTTP). */
  maxParamsBytes?: number;
  /** Gateway bugs behind a 500 answer. */
  onInternal?: (error: unknown) => void;
}

/**
 * The `GET /ws` handler: accepts the WebSocket upgrade the server offered with the request (the guard has run
 * by then) and serves a {@linkcode LocalSocketSession} on it. A plain GET, or an upgrade that is not a
 * version-13 WebSocket, gets a 426 or 400 (code -1).
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import type { OrderOps } from "./order_ops.ts";
 * declare const ops: OrderOps;
 * new Hono().get("/ws", localSocketRoute({ ops, maxMessageBytes: 17408 }));
 * ```
 */
export function localSocketRoute(options: LocalSocketRouteOptions): RouteHandler {
  return (c) => {
    const request = c.req.raw;
    const offer = takeUpgrade(request);
    const upgrade = request.headers.get("upgrade")?.toLowerCase();
    if (offer === undefined || upgrade !== "websocket") {
      throw new ControlError({
        status: 426,
        code: LOCAL_CODES.INVALID_REQUEST,
        msg: "GET /ws: expected a WebSocket upgrade (Upgrade: websocket)",
        headers: { upgrade: "websocket" },
      });
    }
    if (request.headers.get("sec-websocket-version") !== "13") {
      throw new ControlError({
        status: 426,
        code: LOCAL_CODES.INVALID_REQUEST,
        msg: "Sec-WebSocket-Version: expected 13",
        headers: { "sec-websocket-version": "13" },
      });
    }
    if (!/^[A-Za-z0-9+/]{22}==$/.test(request.headers.get("sec-websocket-key") ?? "")) {
      throw new ControlError({
        status: 400,
        code: LOCAL_CODES.INVALID_REQUEST,
        msg: "Sec-WebSocket-Key: expected 16 bytes in base64",
      });
    }
    const session = new LocalSocketSession({
      ops: options.ops,
      send: (text) => {
        if (ws.bufferedAmount > MAX_UNSENT_BYTES) {
          ws.close(1008, "answers not read");
          return false;
        }
        return ws.send(text);
      },
      ...(options.onInternal === undefined ? {} : { onInternal: options.onInternal }),
      ...(options.maxParamsBytes === undefined ? {} : { maxParamsBytes: options.maxParamsBytes }),
    });
    const ws = offer.accept({
      maxMessageBytes: options.maxMessageBytes,
      onText: (text) => session.receive(text),
      onClose: () => {},
      // A stopping router answers what is in flight (the exchange's answer, or its failure once the request
      // timeout passes) before it closes the socket.
      onServerClosing: (close) => session.drained(close),
    });
    // Never written: the server leaves an accepted upgrade's socket to the WebSocket.
    return new Response(null, { status: 204 });
  };
}

/** A canned `place` message as a client's frame carries it: final, text, masked (the mask is arbitrary). */
const CANNED_FRAME = ((): Uint8Array => {
  const payload = new TextEncoder().encode(`{"id":0,"op":"place","params":${CANNED_ORDER_BODY}}`);
  const mask = [0x5a, 0x17, 0xc3, 0x88];
  const frame = new Uint8Array(8 + payload.length);
  frame[0] = 0x81;
  frame[1] = 0x80 | 126; // masked; the length in the next two bytes (the message is over 125 bytes)
  frame[2] = payload.length >>> 8;
  frame[3] = payload.length & 0xff;
  frame.set(mask, 4);
  for (let i = 0; i < payload.length; i++) frame[8 + i] = payload[i]! ^ mask[i & 3]!;
  return frame;
})();

/** The result of the warm-up's latest place, for its prompt answer. */
let warmResult: unknown;

/**
 * Operations that send nothing: a place checks its order as the real one does and has the canned result,
 * answered at once through the prompt listener (as the router's is, in the turn of the exchange's answer).
 */
const WARM_OPS: OrderOps = {
  place(body) {
    if (fastPlaceRequest(body) === undefined) {
      return Promise.reject(new Error("the canned order left the fast path"));
    }
    warmResult = cannedOrderResult();
    return Promise.resolve(warmResult);
  },
  modify: () => Promise.reject(new Error("not warmed")),
  cancel: () => Promise.reject(new Error("not warmed")),
  query: () => Promise.reject(new Error("not warmed")),
  cancelAll: () => Promise.reject(new Error("not warmed")),
  answerPromptly(_promise, prompt) {
    prompt.answered(warmResult);
    return true;
  },
};

/**
 * The local socket's part of the order path's warm-up (`lib/gateway/order_path_warmer.ts`): a canned `place`
 * message, framed and masked as a client sends it, through a WebSocket connection and a session of their own
 * on a socket that takes nothing: the frame's parse and unmasking, the message's JSON and checks, the order's
 * fast path, and its answer's JSON and frame, with operations that send nothing. Returns the answer's bytes
 * (0: none), so that none of the work can be left out.
 *
 * @example
 * ```ts
 * warmLocalSocket(); // the answer's bytes: nothing was sent, nothing placed
 * ```
 */
export function warmLocalSocket(): number {
  // As a connection hands its socket to a WebSocket (`transportByteSocket`), on a transport that sends nothing.
  const sink = new DiscardTransport();
  let receive: (bytes: Uint8Array) => void = () => {};
  const socket = transportByteSocket(sink, (onData) => void (receive = onData));
  const ws = new WsConnection(socket, new Uint8Array(0), {
    maxMessageBytes: CANNED_FRAME.length,
    onText: (text) => session.receive(text),
    onClose: () => {},
  });
  const session = new LocalSocketSession({ ops: WARM_OPS, send: (text) => ws.send(text) });
  receive(CANNED_FRAME);
  return sink.taken;
}

/**
 * `GET /ws` for `GET /openapi.json` and the README.
 *
 * @example
 * ```ts
 * LOCAL_SOCKET_DOC.tag; // "Orders"
 * ```
 */
export const LOCAL_SOCKET_DOC: RouteDoc = {
  summary: "Local order socket: a WebSocket carrying place/modify/cancel/query/cancelAll as JSON messages",
  tag: "Orders",
  description: "Upgrade to a WebSocket (same Host and token rules as every route). Send " +
    '`{"id":1,"op":"place","params":{…}}` (`op`: `place`, `modify`, `cancel`, `query`, `cancelAll`, ' +
    "mirroring `POST`, `PATCH`, `DELETE`, `GET /orders` and `DELETE /orders/open`); each answer is " +
    '`{"id":1,"status":200,"result":{…}}` or `{"id":1,"status":400,"error":{"code":-1,"msg":"…"}}` with the ' +
    "HTTP route's status and error, sent as soon as the exchange answers; many requests may be in flight.",
  answers: {
    101: { description: "switched to the WebSocket protocol" },
    426: { description: "not a WebSocket upgrade (code -1)" },
  },
  exchange: true,
};
