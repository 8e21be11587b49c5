/**
 * `GET /` (the dashboard page) and its four static files under `/assets/`, all embedded in the binary.
 *
 * - The page: `no-store` (it carries the process's CSRF token), a strict Content-Security-Policy, no framing,
 *   no referrer. Served without the bearer token even when one is required: the page holds no data, and asks
 *   for the token itself before it reads anything.
 * - The assets: long-lived `immutable` caching (the page links them with a content hash), `nosniff`, and
 *   `Cross-Origin-Resource-Policy: same-origin` so no other site can even embed them.
 *
 * @module
 */

import { DASHBOARD_ASSETS } from "./_assets.ts";
import { DASHBOARD_CSP, type PageFacts, renderDashboardPage } from "./page.ts";
import type { RouteTable } from "../route_table.ts";

/**
 * Every path the dashboard serves (the page and its assets): open without a token, like `/health`.
 *
 * @example
 * ```ts
 * DASHBOARD_PATHS.includes("/"); // true
 * ```
 */
export const DASHBOARD_PATHS: readonly string[] = Object.freeze(["/", ...Object.keys(DASHBOARD_ASSETS)]);

const COMMON_HEADERS = {
  "x-content-type-options": "nosniff",
  "cross-origin-resource-policy": "same-origin",
  "referrer-policy": "no-referrer",
};

/**
 * A fresh CSRF token (32 random bytes, base64url): one per process, embedded in the page.
 *
 * @example
 * ```ts
 * newCsrfToken().length; // 43
 * ```
 */
export function newCsrfToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Adds `GET /` and the `/assets/*` files.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { RouteTable } from "../route_table.ts";
 * addDashboardRoutes(new RouteTable(new Hono()), {
 *   csrfToken: newCsrfToken(), mode: "simulator", tokenRequired: false, rateLimitHeadroom: 0.05,
 * });
 * ```
 */
export function addDashboardRoutes(routes: RouteTable, facts: PageFacts): void {
  const page = renderDashboardPage(facts);
  routes.add("GET", "/", async (c) => {
    return c.body(await page, 200, {
      ...COMMON_HEADERS,
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "content-security-policy": DASHBOARD_CSP,
      "x-frame-options": "DENY",
      "cross-origin-opener-policy": "same-origin",
    });
  }, {
    summary: "The dashboard (HTML page for a browser)",
    description: "Live view of the gateway with Halt / Resume; open it through an SSH tunnel " +
      "(`ssh -N -L 7777:127.0.0.1:7777 user@host`, then http://127.0.0.1:7777/). Open without a token.",
    tag: "Dashboard",
    answers: { 200: { description: "the page", contentType: "text/html" } },
  });
  for (const [path, file] of Object.entries(DASHBOARD_ASSETS)) {
    routes.add("GET", path, (c) => {
      return c.body(file.body, 200, {
        ...COMMON_HEADERS,
        "content-type": file.type,
        "cache-control": "public, max-age=31536000, immutable",
        etag: `"${file.hash}"`,
      });
    }, {
      summary: `Dashboard asset ${path.slice("/assets/".length)}`,
      tag: "Dashboard",
      answers: { 200: { description: "the file", contentType: file.type.split(";")[0]! } },
    });
  }
}
