/**
 * The control plane's routes, registered in one place: every route is added through a {@linkcode RouteTable},
 * which registers it with Hono, remembers its methods (so the 405 answer and its `Allow` header can never
 * disagree with what is served) and keeps its {@linkcode RouteDoc}: the zod schemas that validate its input,
 * its answers and its error codes. `GET /openapi.json` (see `openapi.ts`) is generated from those docs, and
 * the README's route table from that document.
 *
 * @module
 */

import type { Context, Hono } from "hono";
import type { z } from "zod";
import { ControlError, LOCAL_CODES } from "./errors.ts";

/** The HTTP methods the control plane serves. */
export type RouteMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * A route handler.
 *
 * @example
 * ```ts
 * const health: RouteHandler = (c) => c.json({ status: "ok" });
 * ```
 */
export type RouteHandler = (c: Context) => Response | Promise<Response>;

/**
 * One answer of a route: what it means, and the shape of its body (a zod schema) or its content type.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * const ok: RouteAnswer = { description: "the order", schema: z.object({ orderId: z.number() }) };
 * const text: RouteAnswer = { description: "Prometheus text", contentType: "text/plain" };
 * ```
 */
export interface RouteAnswer {
  /** What the answer means. */
  readonly description: string;
  /**
   * The JSON body's shape, or with `contentType` the JSON inside each event (documentation: answers are not
   * validated at run time).
   */
  readonly schema?: z.ZodType;
  /** Content type when not JSON (e.g. `text/event-stream`). */
  readonly contentType?: string;
}

/**
 * What a route does, for `GET /openapi.json`, the README and `--help`. The `query`, `body` and `headers`
 * schemas are the very ones the handler validates with, so the contract cannot drift from the checks.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * const doc: RouteDoc = {
 *   summary: "Place an order",
 *   tag: "Orders",
 *   body: z.strictObject({ symbol: z.string() }),
 *   answers: { 200: { description: "the exchange's answer" } },
 *   errors: [-10, -11],
 * };
 * ```
 */
export interface RouteDoc {
  /** One line: what the route does (the README's and `--help`'s text). */
  readonly summary: string;
  /** More detail (Markdown). */
  readonly description?: string;
  /** The group it is listed under (e.g. "Orders", "Account", "Live state", "Status"). */
  readonly tag: string;
  /** Query parameters (a zod object schema; its input side is documented). */
  readonly query?: z.ZodType;
  /** The JSON request body (a zod object schema). */
  readonly body?: z.ZodType;
  /** True when the body may be left out (e.g. `POST /halt`). */
  readonly bodyOptional?: boolean;
  /** Request headers the route reads (a zod object schema keyed by header name). */
  readonly headers?: z.ZodType;
  /** The answers by HTTP status (success and route-specific ones). */
  readonly answers: Readonly<Record<number, RouteAnswer>>;
  /**
   * The control plane's own error codes (`LOCAL_CODES`) this route can answer with, beyond those every route
   * can give (bad query, token, Host, timeout, internal error), which the document adds itself.
   */
  readonly errors?: readonly number[];
  /** True when the route forwards to the exchange, so Binance's own error codes can come back. */
  readonly exchange?: boolean;
  /** When the route exists only in some setups (e.g. "simulator mode only"). */
  readonly availability?: string;
}

/**
 * One registered route.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * const table = new RouteTable(new Hono());
 * const first: RouteEntry | undefined = table.entries()[0];
 * ```
 */
export interface RouteEntry {
  readonly method: RouteMethod;
  readonly path: string;
  readonly doc: RouteDoc;
}

/** `handler`, behind a refusal of any query string (see `RouteTable.add`). */
function noQuery(method: RouteMethod, path: string, handler: RouteHandler): RouteHandler {
  return (c) => {
    const url = c.req.url;
    const start = url.indexOf("?");
    if (start < 0 || start === url.length - 1) return handler(c);
    const names = [...new Set(new URLSearchParams(url.slice(start + 1)).keys())];
    const shown = names.slice(0, 5).map((n) => JSON.stringify(n.slice(0, 40))).join(", ");
    throw new ControlError({
      status: 400,
      code: LOCAL_CODES.INVALID_REQUEST,
      msg: `${method} ${path} takes no query parameters (got ${shown || "an empty one"}${
        names.length > 5 ? ", …" : ""
      }): send them in the JSON body`,
    });
  };
}

/** Canonical order of methods in an `Allow` header. */
const ORDER: readonly RouteMethod[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/**
 * Registers routes on a Hono app, answers which methods a path allows, and lists every route with its doc.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * const routes = new RouteTable(new Hono());
 * routes.add("GET", "/health", (c) => c.json({ status: "ok" }), {
 *   summary: "Gateway state", tag: "Status", answers: { 200: { description: "ok" } },
 * });
 * routes.allowed("/health"); // "GET"
 * routes.allowed("/nope"); // undefined
 * ```
 */
export class RouteTable {
  readonly #app: Hono;
  readonly #methods = new Map<string, Set<RouteMethod>>();
  readonly #entries: RouteEntry[] = [];

  constructor(app: Hono) {
    this.#app = app;
  }

  /**
   * Serves `method path` with `handler`, documented by `doc`. A route that changes something and documents no
   * query refuses a query string, naming its parameters: `POST /orders?quantity=5` with the quantity meant
   * there, or `PUT /risk?maxDailyLoss=1` with an empty body, must not act on the body alone.
   */
  add(method: RouteMethod, path: string, handler: RouteHandler, doc: RouteDoc): void {
    this.#app.on(
      method,
      path,
      method !== "GET" && doc.query === undefined ? noQuery(method, path, handler) : handler,
    );
    const methods = this.#methods.get(path) ?? new Set();
    methods.add(method);
    this.#methods.set(path, methods);
    this.#entries.push({ method, path, doc });
  }

  /** The `Allow` header value for `path` (e.g. "GET, POST"), or undefined when no route has that path. */
  allowed(path: string): string | undefined {
    const methods = this.#methods.get(path);
    return methods === undefined ? undefined : ORDER.filter((m) => methods.has(m)).join(", ");
  }

  /** Every served path, in registration order. */
  paths(): string[] {
    return [...this.#methods.keys()];
  }

  /** Every route (method, path, doc), in registration order. */
  entries(): readonly RouteEntry[] {
    return this.#entries;
  }
}
