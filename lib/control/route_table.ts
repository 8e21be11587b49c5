/**
 * The control plane's routes, registered in one place: every route is added through a {@linkcode RouteTable},
 * which both registers it with Hono and remembers its methods, so the 405 answer (and its `Allow` header)
 * can never disagree with what is actually served.
 *
 * @module
 */

import type { Context, Hono } from "hono";

/** The HTTP methods the control plane serves. */
export type RouteMethod = "GET" | "POST" | "PATCH" | "DELETE";

/**
 * A route handler.
 *
 * @example
 * ```ts
 * const health: RouteHandler = (c) => c.json({ status: "ok" });
 * ```
 */
export type RouteHandler = (c: Context) => Response | Promise<Response>;

/** Canonical order of methods in an `Allow` header. */
const ORDER: readonly RouteMethod[] = ["GET", "POST", "PATCH", "DELETE"];

/**
 * Registers routes on a Hono app and answers which methods a path allows.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * const routes = new RouteTable(new Hono());
 * routes.add("GET", "/health", (c) => c.json({ status: "ok" }));
 * routes.allowed("/health"); // "GET"
 * routes.allowed("/nope"); // undefined
 * ```
 */
export class RouteTable {
  readonly #app: Hono;
  readonly #methods = new Map<string, Set<RouteMethod>>();

  constructor(app: Hono) {
    this.#app = app;
  }

  /** Serves `method path` with `handler`. */
  add(method: RouteMethod, path: string, handler: RouteHandler): void {
    this.#app.on(method, path, handler);
    const methods = this.#methods.get(path) ?? new Set();
    methods.add(method);
    this.#methods.set(path, methods);
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
}
