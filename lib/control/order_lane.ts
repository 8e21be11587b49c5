/**
 * The raw order lane: `POST /orders`, `PATCH /orders` and `DELETE /orders` answered without a fetch
 * `Request`, Hono's dispatch or a `Response` (on Deno a `Request` alone costs 37–57 µs to make, cold, as every
 * order is; `bench/README.md`). It runs what the app's routes run — the same guard, the same body rules
 * (`body.ts`), the same order operations (`order_ops.ts`) and the same error mapping (the app's `failure`,
 * behind its `onError`) — and gives the same status, headers and bytes. `tests/control/order_lane_test.ts`
 * sends the same requests both ways, on both servers, and compares the answers.
 *
 * Two entries, one per kind of server: `take` for `node:http` (offered the request before its body: the lane
 * reads a body of declared length up to the pre-read size first, as the app's bridge does, so a refusal leaves
 * the connection usable, and refuses a larger one over the limit unread, then the connection closes), and
 * `answerRead` for the HTTP/1.1 server (`_http1_server.ts`, which has read the body already).
 *
 * What it does not fully handle it leaves alone, untouched, for the app: other paths (`/orders/`, an encoded
 * path, anything but exactly `/orders` plus a query for DELETE), a chunked or streamed body, a body between the
 * pre-read size and the body limit, a DELETE with a body, a query that is not a URL.
 *
 * @module
 */

import type { IncomingMessage } from "node:http";
import type { Hono } from "hono";
import { jsonText } from "../wire/lazy_result.ts";
import { bodyCutOff, bodyTooLarge, checkDeclaredLength, parseJsonObject, readQuery } from "./body.ts";
import type { HttpError } from "./errors.ts";
import type { GuardedRequest, RequestGuard } from "./guard.ts";
import type { OrderOps } from "./order_ops.ts";
import type { ControlServer, RawAnswer, RawLane } from "./server.ts";
import type { PromptAnswer } from "../pipeline/pending_requests.ts";
import { concatBytes } from "./_bytes.ts";
import { answerHead, rawFields, utf8Length } from "./_http1_answer.ts";
import { parseHead } from "./_http1_parser.ts";
import { fastPlaceRequest } from "./place_fast_path.ts";
import { CANNED_ORDER_BODY, cannedOrderResult } from "../wire/canned_order.ts";

/**
 * What the lane runs: the app's own guard, order operations, body limit and error mapping.
 *
 * @example
 * ```ts
 * import { toHttpError } from "./errors.ts";
 * import { RequestGuard } from "./guard.ts";
 * import type { OrderOps } from "./order_ops.ts";
 * declare const ops: OrderOps;
 * const options: OrderLaneOptions = {
 *   guard: new RequestGuard({ port: () => 7777 }), ops, maxBytes: 16384, failure: (e) => toHttpError(e),
 * };
 * ```
 */
export interface OrderLaneOptions {
  guard: Pick<RequestGuard, "check">;
  ops: Pick<OrderOps, "place" | "modify" | "cancel" | "answerPromptly">;
  /** Largest accepted body (the app's `maxBodyBytes`). */
  maxBytes: number;
  /** The app's error mapping, as its `onError` uses it (counting cut-off bodies, telling internal errors). */
  failure: (error: unknown, path: string) => HttpError;
}

const PATH = "/orders";
/** The lane reads only the query of its URL, so any origin does (the Host header is the guard's). */
const QUERY_BASE = "http://127.0.0.1";
/** A request cut off before its body's end (the body's own error comes only after the guard). */
const CUT_OFF = Symbol("cut off");
const NO_BODY = new Uint8Array(0);

/**
 * The raw order lane over the app's parts; serve it with `serve({ ..., lane })`.
 *
 * @example
 * ```ts
 * declare const options: OrderLaneOptions;
 * const lane = new OrderLane(options);
 * ```
 */
export class OrderLane implements RawLane {
  readonly #guard: Pick<RequestGuard, "check">;
  readonly #ops: Pick<OrderOps, "place" | "modify" | "cancel" | "answerPromptly">;
  readonly #maxBytes: number;
  readonly #failure: (error: unknown, path: string) => HttpError;

  constructor(options: OrderLaneOptions) {
    this.#guard = options.guard;
    this.#ops = options.ops;
    this.#maxBytes = options.maxBytes;
    this.#failure = options.failure;
  }

  /** Takes an order request it handles in full and answers it through `reply`; false: untouched, the app's. */
  take(req: IncomingMessage, prereadBytes: number, reply: (answer: RawAnswer) => void): boolean {
    const method = req.method;
    const target = req.url;
    if (method === "POST" || method === "PATCH") {
      if (target !== PATH || req.headers["transfer-encoding"] !== undefined) return false;
      const declared = req.headers["content-length"];
      if (declared !== undefined && !(Number(declared) <= prereadBytes)) {
        // Not read ahead: the app refuses it unread when over the limit, and streams it otherwise.
        if (!(Number(declared) > this.#maxBytes)) return false;
        const view = new RawRequestView(req);
        // After the parser's turn, as the app's answer would be (the body may have come with the head). The
        // body stays unread: the declared length is refused (413) before the body is looked at.
        queueMicrotask(() => this.#withBody(view, CUT_OFF, method, reply));
        return true;
      }
      const view = new RawRequestView(req);
      readWhole(req, (bytes) => this.#withBody(view, bytes, method, reply));
      return true;
    }
    if (method === "DELETE") {
      if (target === undefined || (target !== PATH && !target.startsWith("/orders?"))) return false;
      const declared = req.headers["content-length"];
      if ((declared !== undefined && declared !== "0") || req.headers["transfer-encoding"] !== undefined) {
        return false;
      }
      const url = QUERY_BASE + target;
      if (!URL.canParse(url)) return false; // the app answers 400 for a target it cannot make a URL of
      const view = new RawRequestView(req);
      readWhole(req, () => this.#cancel(view, url, reply));
      return true;
    }
    return false;
  }

  /**
   * Takes an order request whose body was read already (`_http1_server.ts`) and calls `reply` once with its
   * answer; false: the app's.
   */
  answerRead(
    method: string,
    target: string,
    header: (name: string) => string | undefined,
    body: Uint8Array | undefined,
    reply: (answer: RawAnswer) => void,
  ): boolean {
    const view: GuardedRequest = { method, headers: { get: (name) => header(name) ?? null } };
    if (method === "POST" || method === "PATCH") {
      if (target !== PATH) return false;
      this.#withBody(view, body ?? NO_BODY, method, reply);
      return true;
    }
    if (method === "DELETE" && (target === PATH || target.startsWith("/orders?")) && !(body?.length)) {
      const url = QUERY_BASE + target;
      if (!URL.canParse(url)) return false;
      this.#cancel(view, url, reply);
      return true;
    }
    return false;
  }

  #withBody(
    view: GuardedRequest,
    bytes: Uint8Array | typeof CUT_OFF,
    method: string,
    reply: (answer: RawAnswer) => void,
  ): void {
    let pending: Promise<unknown>;
    try {
      // The order of the app's checks: guard, declared length, a cut-off body, its size, its JSON.
      this.#guard.check(view, PATH);
      checkDeclaredLength(view.headers.get("content-length"), this.#maxBytes);
      if (bytes === CUT_OFF) throw bodyCutOff();
      if (bytes.length > this.#maxBytes) throw bodyTooLarge(this.#maxBytes);
      const body = parseJsonObject(
        bytes,
        view.headers.get("content-type"),
        false,
        view.headers.get("content-encoding"),
      );
      pending = method === "POST" ? this.#ops.place(body) : this.#ops.modify(body);
    } catch (error) {
      reply(this.#errorAnswer(error));
      return;
    }
    this.#settle(pending, reply);
  }

  #cancel(view: GuardedRequest, url: string, reply: (answer: RawAnswer) => void): void {
    let pending: Promise<unknown>;
    try {
      this.#guard.check(view, PATH);
      pending = this.#ops.cancel(readQuery(url));
    } catch (error) {
      reply(this.#errorAnswer(error));
      return;
    }
    this.#settle(pending, reply);
  }

  /**
   * Replies with the operation's result or its error, whichever comes (no promise of our own in between). A
   * result is given to `reply` by the router's prompt listener, in the turn the exchange's answer arrives
   * and before the order tracker and the journal take it; the promise then finds it answered.
   */
  #settle(pending: Promise<unknown>, reply: (answer: RawAnswer) => void): void {
    const prompt = new PromptReply(reply, this.#resultAnswer);
    this.#ops.answerPromptly(pending, prompt);
    pending.then((result) => prompt.answered(result), (error) => reply(this.#errorAnswer(error)));
  }

  /** The answer carrying `result`; one that cannot be serialized gets the app's 500 too. */
  readonly #resultAnswer = (result: unknown): RawAnswer => {
    try {
      return answerOf(result);
    } catch (error) {
      return this.#errorAnswer(error);
    }
  };

  /** The app's error answer: `c.json(body, status, { "cache-control": "no-store", ...headers })`. */
  #errorAnswer(error: unknown): RawAnswer {
    const { status, body, headers } = this.#failure(error, PATH);
    const named: Record<string, string> = { "cache-control": "no-store", "content-type": "application/json" };
    for (const name in headers) named[name.toLowerCase()] = headers[name]!;
    const pairs: string[] = [];
    // In the order a `Response`'s headers are written: sorted by name.
    for (const name of Object.keys(named).sort()) pairs.push(name, named[name]!);
    return { status, headers: pairs, text: JSON.stringify(body) };
  }
}

/** Replies once with a result's answer: from the router's prompt listener, or else when the promise resolves. */
class PromptReply implements PromptAnswer {
  readonly #reply: (answer: RawAnswer) => void;
  readonly #answerOf: (result: unknown) => RawAnswer;
  #done = false;

  constructor(reply: (answer: RawAnswer) => void, answerOf: (result: unknown) => RawAnswer) {
    this.#reply = reply;
    this.#answerOf = answerOf;
  }

  answered(result: unknown): void {
    if (this.#done) return;
    this.#done = true;
    this.#reply(this.#answerOf(result));
  }
}

/** A route's answer as the app writes a `jsonAnswer` with `Cache-Control: no-store` (the exchange's text). */
function answerOf(result: unknown): RawAnswer {
  return {
    status: 200,
    headers: ["cache-control", "no-store", "content-type", "application/json"],
    text: jsonText(result),
  };
}

/**
 * A `node:http` request's method and headers as the guard reads them, with the fetch API's semantics: names
 * case-insensitive, a repeated header's values joined by ", " (`req.headers` keeps only the first Host or
 * Authorization, where a `Request` joins them). The HTTP parser has trimmed the values' surrounding blanks
 * already, on both runtimes, as `Headers` would.
 */
class RawRequestView implements GuardedRequest {
  readonly method: string;
  readonly headers: { get(name: string): string | null };

  constructor(req: IncomingMessage) {
    this.method = req.method ?? "";
    const values = new Map<string, string>();
    const raw = req.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]!.toLowerCase();
      const value = raw[i + 1]!;
      const seen = values.get(name);
      values.set(name, seen === undefined ? value : `${seen}, ${value}`);
    }
    this.headers = { get: (name) => values.get(name) ?? null };
  }
}

/** Calls `done` with the whole body (empty without one), or `CUT_OFF` when the connection ended first. */
function readWhole(req: IncomingMessage, done: (bytes: Uint8Array | typeof CUT_OFF) => void): void {
  const chunks: Uint8Array[] = [];
  const onData = (chunk: Uint8Array) => chunks.push(chunk);
  const settle = (bytes: Uint8Array | typeof CUT_OFF) => {
    req.off("data", onData);
    req.off("end", onEnd);
    req.off("close", onClose);
    req.off("error", onClose);
    done(bytes);
  };
  const onEnd = () => settle(concatBytes(chunks));
  const onClose = () => {
    if (!req.complete) settle(CUT_OFF);
  };
  req.on("data", onData);
  req.once("end", onEnd);
  req.once("close", onClose);
  req.once("error", onClose);
}

/**
 * A lane that serves nothing until given one (`target`): for a server that starts before its app exists.
 *
 * @example
 * ```ts
 * declare const options: OrderLaneOptions;
 * const lane = new DeferredLane(); // pass to serve(); later:
 * lane.target = new OrderLane(options);
 * ```
 */
export class DeferredLane implements RawLane {
  /** The lane requests go to; undefined: every request to the app. */
  target: RawLane | undefined;

  /** `target`'s `take`, or false. */
  take(req: IncomingMessage, prereadBytes: number, reply: (answer: RawAnswer) => void): boolean {
    return this.target?.take(req, prereadBytes, reply) ?? false;
  }

  /** `target`'s `answerRead`, or false. */
  answerRead(
    method: string,
    target: string,
    header: (name: string) => string | undefined,
    body: Uint8Array | undefined,
    reply: (answer: RawAnswer) => void,
  ): boolean {
    return this.target?.answerRead(method, target, header, body, reply) ?? false;
  }
}

const LANES = new WeakMap<Hono, OrderLane>();

/**
 * Records `lane` as `app`'s raw order lane (`createControlApp` does, with its own parts).
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * declare const options: OrderLaneOptions;
 * setOrderLane(new Hono(), new OrderLane(options));
 * ```
 */
export function setOrderLane(app: Hono, lane: OrderLane): void {
  LANES.set(app, lane);
}

/**
 * The raw order lane of an app made by `createControlApp`, to pass to `serve` next to its `fetch`.
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * import { serve } from "./server.ts";
 * declare const app: Hono;
 * const server = await serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch, lane: orderLaneOf(app) });
 * ```
 */
export function orderLaneOf(app: Hono): OrderLane | undefined {
  return LANES.get(app);
}

const CANNED_BODY = new TextEncoder().encode(CANNED_ORDER_BODY);
const CANNED_REQUEST = new TextEncoder().encode(
  `POST ${PATH} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
    `content-length: ${CANNED_BODY.length}\r\n\r\n${CANNED_ORDER_BODY}`,
);

/**
 * The control plane's part of the order path's warm-up (`lib/gateway/order_path_warmer.ts`): a canned
 * `POST /orders` (`wire/canned_order.ts`) through the body's JSON, the precompiled order check and its
 * answer's making, and through `server`'s own connection code when it has it (`ControlServer.warm`: the
 * head's parse, the dispatch, the answer's bytes), otherwise through the HTTP/1.1 head parser and the answer's
 * head; on no socket and sending nothing. Returns a number made from the work, so that none of it can be left
 * out.
 *
 * @example
 * ```ts
 * warmOrderLane(); // > 0
 * ```
 */
export function warmOrderLane(server?: ControlServer): number {
  const body = parseJsonObject(CANNED_BODY, "application/json", false);
  const request = fastPlaceRequest(body);
  const answer = answerOf(cannedOrderResult());
  const checked = request === undefined ? 0 : 1;
  if (server?.warm !== undefined) return server.warm(CANNED_REQUEST, answer) + checked;
  const head = parseHead(CANNED_REQUEST, CANNED_REQUEST.length, 0);
  const text = answerHead(answer.status, rawFields(answer), utf8Length(answer.text), 5);
  return (typeof head === "object" ? head.size : 0) + checked + text.length;
}
