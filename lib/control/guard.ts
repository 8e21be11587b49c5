/**
 * Request checks that run before any route: the control plane can place real orders, so it must not be
 * reachable from a web page the trader happens to have open, nor from the network without a token.
 *
 * - Host: only loopback names (plus the bound address when the operator exposed it on purpose) with the
 *   port we listen on. A DNS-rebinding page reaches 127.0.0.1 under its own host name, so it is refused.
 * - Origin / Sec-Fetch-Site: curl and scripts send neither. A browser may use the control plane only from the
 *   dashboard it serves (same origin): a foreign `Origin`, `Sec-Fetch-Site: cross-site/same-site` (another
 *   port of 127.0.0.1 is "same-site") are refused, except a top-level navigation to the dashboard page itself
 *   (a link to it from elsewhere; the page cannot be framed and reading it needs the same origin).
 * - CSRF: a state-changing browser request (not GET/HEAD) must also carry the page's per-process token in
 *   `X-CSRF-Token`. Browsers send `Origin` on every POST/PATCH/DELETE, so curl keeps working without it.
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
  /**
   * The dashboard's per-process CSRF token: state-changing browser requests must carry it in
   * {@linkcode CSRF_HEADER}. Absent: every state-changing browser request is refused.
   */
  csrfToken?: string;
}

/**
 * The request header that carries the dashboard's CSRF token.
 *
 * @example
 * ```ts
 * declare const token: string;
 * const headers = { [CSRF_HEADER]: token, "content-type": "application/json" };
 * ```
 */
export const CSRF_HEADER = "x-csrf-token";

/**
 * What the guard reads of a request: its method and headers (a fetch `Request`, or the raw order lane's view
 * of a `node:http` request, `order_lane.ts`).
 *
 * @example
 * ```ts
 * const seen: GuardedRequest = new Request("http://127.0.0.1:7777/orders", { method: "POST" });
 * ```
 */
export interface GuardedRequest {
  readonly method: string;
  readonly headers: { get(name: string): string | null };
}

/** The one path a browser may open from another site (a link to the dashboard). */
const PAGE_PATH = "/";

/**
 * Checks a request's Host, Origin / CSRF token and bearer token; throws a {@linkcode ControlError} (403/401)
 * when refused.
 *
 * @example
 * ```ts
 * const guard = new RequestGuard({ port: () => 7777, token: "0123456789abcdef" });
 * declare const request: Request;
 * guard.check(request, "/orders"); // throws on a foreign Host, a foreign Origin or a wrong token
 * ```
 */
export class RequestGuard {
  readonly #hosts: ReadonlySet<string>;
  readonly #port: () => number | undefined;
  readonly #token: Uint8Array | undefined;
  readonly #open: ReadonlySet<string>;
  readonly #csrf: Uint8Array | undefined;
  /** The last Host header allowed, and the port it was allowed for. */
  #lastAllowedHost: string | undefined = undefined;
  #lastAllowedPort: number | undefined = undefined;

  constructor(options: GuardOptions) {
    this.#hosts = new Set([...LOOPBACK_NAMES, ...(options.allowedHosts ?? [])].map(normalizeHost));
    this.#port = options.port;
    this.#token = options.token === undefined ? undefined : new TextEncoder().encode(options.token);
    this.#open = new Set(options.openPaths ?? ["/health"]);
    this.#csrf = options.csrfToken === undefined ? undefined : new TextEncoder().encode(options.csrfToken);
  }

  /** Throws when `request` (for `path`) must be refused. */
  check(request: GuardedRequest, path: string): void {
    const host = request.headers.get("host");
    if (host === null || !this.#hostAllowed(host)) {
      throw forbidden(`Host ${JSON.stringify(host ?? "")} not allowed; use http://127.0.0.1:<port>`);
    }
    this.#checkBrowser(request, path, host);
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

  /** Browser rules: same origin only, and the CSRF token on state-changing requests. */
  #checkBrowser(request: GuardedRequest, path: string, host: string): void {
    const origin = request.headers.get("origin");
    const site = request.headers.get("sec-fetch-site");
    if (origin === null && (site === null || site === "none")) return; // curl, scripts, the address bar
    const safe = request.method === "GET" || request.method === "HEAD";
    if (safe && path === PAGE_PATH && request.headers.get("sec-fetch-mode") === "navigate") return;
    if (origin !== null && !sameOrigin(origin, host)) {
      throw forbidden(
        `cross-origin browser request refused: Origin ${JSON.stringify(origin)} is not this server's origin`,
      );
    }
    if (site !== null && site !== "same-origin" && site !== "none") {
      throw forbidden(`cross-origin browser request refused (Sec-Fetch-Site: ${site})`);
    }
    if (safe) return;
    const given = request.headers.get(CSRF_HEADER);
    if (
      this.#csrf === undefined || given === null ||
      !constantTimeEqual(this.#csrf, new TextEncoder().encode(given))
    ) {
      throw new ControlError({
        status: 403,
        code: LOCAL_CODES.CSRF_REJECTED,
        msg:
          `missing or wrong ${CSRF_HEADER} header: state-changing browser requests must come from the dashboard page`,
      });
    }
  }

  #hostAllowed(header: string): boolean {
    // Every request of a client names the same Host: the last one allowed is compared as text (the regex
    // below costs about a µs with the cold caches each order meets), for as long as the port is the same.
    const port = this.#port();
    if (header === this.#lastAllowedHost && port === this.#lastAllowedPort) return true;
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(header.trim());
    if (m === null || !this.#hosts.has(normalizeHost(m[1]!))) return false;
    if (m[2] !== undefined && port !== undefined && Number(m[2]) !== port) return false;
    this.#lastAllowedHost = header;
    this.#lastAllowedPort = port;
    return true;
  }
}

function normalizeHost(host: string): string {
  const h = host.toLowerCase();
  return h.startsWith("[") && h.endsWith("]") ? h.slice(1, -1) : h;
}

/** Whether `origin` (scheme://host[:port]) names the host the request was sent to (already checked). */
function sameOrigin(origin: string, host: string): boolean {
  const o = origin.toLowerCase();
  const h = host.trim().toLowerCase();
  return o === `http://${h}` || o === `https://${h}`;
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
