/**
 * The HTTP control plane: a Hono app over the router, its validation and error mapping, Prometheus
 * metrics, and a runtime-neutral server.
 *
 * @example
 * ```ts
 * import { createControlApp, serve } from "./lib/control/mod.ts";
 * const app = createControlApp({ router, mode: "simulator", endpoint: sim.url, guard: { port: () => server.port } });
 * const server = await serve({ hostname: "127.0.0.1", port: 7777, fetch: app.fetch });
 * ```
 *
 * @module
 */

export { createControlApp } from "./app.ts";
export type { ControlAppOptions, RouterApi } from "./app.ts";
export { ControlError, LOCAL_CODES, toHttpError } from "./errors.ts";
export type { HttpError } from "./errors.ts";
export { constantTimeEqual, LOOPBACK_NAMES, RequestGuard } from "./guard.ts";
export type { GuardOptions } from "./guard.ts";
export { DEFAULT_MAX_BODY_BYTES, readJsonObject } from "./body.ts";
export { PROMETHEUS_CONTENT_TYPE, prometheusText } from "./metrics.ts";
export type { MetricsSnapshot } from "./metrics.ts";
export { cancelSchema, modifySchema, orderRefSchema, placeSchema } from "./schemas.ts";
export { validate } from "./validation.ts";
export type { CancelRequest, PlaceRequest } from "./schemas.ts";
export { baseUrl, serve } from "./server.ts";
export type { ControlServer, ServeFunction, ServeOptions } from "./server.ts";
