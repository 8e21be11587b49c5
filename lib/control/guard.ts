/**
 * Request checks that run before any route: the control plane can place real orders, so it must not be
 * reachable from a web page the trader happens to have open, nor from the network without a token.
 *
 * - Host: only loopback names (plus the bound address when the operator exposed it on purpose) with the
 *   port we listen on. A DNS-rebinding page reaches 127.0.0.1 under its own host name, so it is refused.
 * - Origin / Sec-Fetch-Site: curl and scripts send neither; browsers send them on cross-origin requests.
 * - Bearer token (when configured) on every route but `/health`, compared in constant time.
 *
 * @module
 */

import { ControlError, LOCAL_CODES } from "./errors.ts";

/** Host names always accepted in the Host header. */
export const LOOPBACK_NAMES: readonly string[] = ["localhost", "127.0.0.1", "::1"];

/** Options for {@linkcode RequestGuard}. */
export interface GuardOptions {
  /** Extra accepted Host names (the bound address when not loopback). Loopback names are always accepted. */
  allowedHosts?: readonly string[];
  /** The port we listen on, once known (port 0 binds an ephemeral one). */
  port: () => number | undefined;
  /** Bearer token; when set, every path but `openPaths` needs it. */
  token?: string;
  /** Paths served without a token. Default `["/health"]`. */
  openPaths?: readonly string[];
}

/**
 * Checks a request's Host, Origin and token; throws a {@linkcode ControlError} (403/401) when refused.
 *
 * @example
 * ```ts
 * const guard = new RequestGuard({ port: () => 7777, token: "0123456789abcdef" });
 * declare const request: Request;
 * guard.check(request, "/orders"); // throws on a foreign Host, an Origin header or a wrong token
 * ```
 */
export class RequestGuard {
  readonly #hosts: ReadonlySet<string>;
  readonly #port: () => number | undefined;
  readonly #token: Uint8Array | undefined;
  readonly #open: ReadonlySet<string>;

  constructor(options: GuardOptions) {
    this.#hosts = new Set([...LOOPBACK_NAMES, ...(options.allowedHosts ?? [])].map(normalizeHost));
    this.#port = options.port;
    this.#token = options.token === undefined ? undefined : new TextEncoder().encode(options.token);
    this.#open = new Set(options.openPaths ?? ["/health"]);
  }

  /** Throws when `request` (for `path`) must be refused. */
  check(request: Request, path: string): void {
    const host = request.headers.get("host");
    if (host === null || !this.#hostAllowed(host)) {
      throw forbidden(`Host ${JSON.stringify(host ?? "")} not allowed; use http://127.0.0.1:<port>`);
    }
    if (request.headers.has("origin")) throw forbidden("browser requests (Origin header) are not allowed");
    const site = request.headers.get("sec-fetch-site");
    if (site !== null && site !== "none") {
      throw forbidden("browser requests (Sec-Fetch-Site) are not allowed");
    }
    if (this.#token === undefined || this.#open.has(path)) return;
    const auth = request.headers.get("authorization") ?? "";
    const m = /^Bearer[ \t]+(\S+)\s*$/i.exec(auth);
    if (m === null || !constantTimeEqual(this.#token, new TextEncoder().encode(m[1]!))) {
      throw new ControlError({
        status: 401,
        code: LOCAL_CODES.UNAUTHORIZED,
        msg: "missing or wrong bearer token (Authorization: Bearer <ROUTER_TOKEN>)",
        headers: { "www-authenticate": "Bearer" },
      });
    }
  }

  #hostAllowed(header: string): boolean {
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(header.trim());
    if (m === null || !this.#hosts.has(normalizeHost(m[1]!))) return false;
    if (m[2] === undefined) return true;
    const port = this.#port();
    return port === undefined || Number(m[2]) === port;
  }
}

function normalizeHost(host: string): string {
  const h = host.toLowerCase();
  return h.startsWith("[") && h.endsWith("]") ? h.slice(1, -1) : h;
}

function forbidden(msg: string): ControlError {
  return new ControlError({ status: 403, code: LOCAL_CODES.FORBIDDEN, msg });
}

/**
 * Compares two byte strings in time that depends only on `expected`'s length, so the response time does
 * not reveal how many leading bytes of a guess were right.
 *
 * @example
 * ```ts
 * constantTimeEqual(new TextEncoder().encode("a"), new TextEncoder().encode("a")); // true
 * ```
 */
export function constantTimeEqual(expected: Uint8Array, given: Uint8Array): boolean {
  let diff = expected.length ^ given.length;
  const n = given.length === 0 ? 1 : given.length;
  for (let i = 0; i < expected.length; i++) diff |= expected[i]! ^ (given[i % n] ?? 0);
  return diff === 0;
}
