/**
 * The control plane with every optional part switched on (live account, simulator and risk routes), over
 * dependencies that are never called: what `deno task docs` and the OpenAPI test ask for `/openapi.json`. Nothing here
 * opens a socket.
 */

import type { Hono } from "hono";
import { AccountState } from "../lib/account/account_state.ts";
import { createControlApp, type RouterApi } from "../lib/control/app.ts";
import type { RiskView } from "../lib/control/routes_risk.ts";
import type { AuditView } from "../lib/control/routes_status.ts";

/** The port the docs app believes it is bound to (its Host check reads it). */
export const DOCS_PORT = 7777;

/** The app with every route; `close` ends its event hub. */
export function docsApp(): { app: Hono; close: () => void } {
  const shutdown = new AbortController();
  const app = createControlApp({
    router: {} as RouterApi, // only /openapi.json is requested: no handler touches the router
    account: new AccountState(),
    simulator: { setMarkPrice() {} },
    risk: {} as RiskView, // likewise: registering the risk routes reads nothing from it
    audit: {} as AuditView, // and the audit route
    mode: "simulator",
    endpoint: "ws://127.0.0.1:7778/ws-fapi/v1",
    guard: { port: () => DOCS_PORT },
    signal: shutdown.signal,
  });
  return { app, close: () => shutdown.abort() };
}

/** `GET /openapi.json` of {@linkcode docsApp}. */
export async function docsOpenApi(): Promise<Record<string, unknown> & { paths: Record<string, unknown> }> {
  const { app, close } = docsApp();
  try {
    const response = await app.request("/openapi.json", { headers: { host: `127.0.0.1:${DOCS_PORT}` } });
    if (response.status !== 200) throw new Error(`/openapi.json answered ${response.status}`);
    return await response.json();
  } finally {
    close();
  }
}
