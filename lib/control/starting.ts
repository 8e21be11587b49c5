/**
 * The control plane while the router starts (bound, not yet connected: the journal, the exchange, the open
 * orders): every route answers 503 "starting", but the kill switch. A `POST /halt` then is checked as always
 * (guard, body) and taken: answered 202, and applied by the service the moment the gateway is open, before
 * any order can go out. An operator who restarts into trouble can stop it at once.
 *
 * @module
 */

import { DEFAULT_MAX_BODY_BYTES, readJsonObject } from "./body.ts";
import { ControlError, LOCAL_CODES, toHttpError } from "./errors.ts";
import { type GuardOptions, RequestGuard } from "./guard.ts";
import { haltSchema } from "./schemas.ts";
import { validate } from "./validation.ts";

/**
 * A halt asked for while starting.
 *
 * @example
 * ```ts
 * const halt: StartingHalt = { reason: "news", flatten: false };
 * ```
 */
export interface StartingHalt {
  reason: string;
  flatten: boolean;
}

const JSON_HEADERS = { "content-type": "application/json", "cache-control": "no-store" };

/**
 * The starting control plane's handler and the halts it took.
 *
 * @example
 * ```ts
 * const plane = new StartingPlane({ port: () => 7777 });
 * const answer = await plane.fetch(new Request("http://127.0.0.1:7777/health")); // 503 "starting"
 * // once the gateway is open: for (const h of plane.halts) await gateway.halt(h.reason, h);
 * ```
 */
export class StartingPlane {
  readonly #guard: RequestGuard;
  readonly #halts: StartingHalt[] = [];
  #bannedUntil = 0;

  /** `guard`: the control plane's own rules (Host, Origin, token). */
  constructor(guard: GuardOptions) {
    this.#guard = new RequestGuard(guard);
  }

  /** The halts taken so far, in order. */
  get halts(): readonly StartingHalt[] {
    return this.#halts;
  }

  /**
   * The start waits for the end (epoch ms) of an IP ban (418) before it connects: the other routes' 503 says
   * so, with a `Retry-After` of the time left, so an operator polling `/health` knows why it is still starting.
   */
  waitForBan(until: number): void {
    this.#bannedUntil = until;
  }

  /** Answers one request. Never rejects. */
  readonly fetch = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (request.method !== "POST" || url.pathname !== "/halt") {
      const left = Math.ceil((this.#bannedUntil - Date.now()) / 1000);
      const msg = left > 0
        ? `starting: the exchange has banned this IP (418) until ${
          new Date(this.#bannedUntil).toISOString()
        }; the router connects once the ban is over`
        : "starting: not connected to the exchange yet";
      return new Response(JSON.stringify({ code: -11, msg }), {
        status: 503,
        headers: { ...JSON_HEADERS, "retry-after": String(Math.max(1, left)) },
      });
    }
    try {
      this.#guard.check(request, url.pathname);
      if (url.search.length > 1) {
        throw new ControlError({
          status: 400,
          code: LOCAL_CODES.INVALID_REQUEST,
          msg: "POST /halt takes no query parameters: send them in the JSON body",
        });
      }
      const body = await readJsonObject(request, { maxBytes: DEFAULT_MAX_BODY_BYTES, optional: true });
      const { reason, flatten } = validate(haltSchema, body);
      const halt = { reason: reason ?? "halted via control plane", flatten: flatten === true };
      this.#halts.push(halt);
      return new Response(
        JSON.stringify({ halted: true, reason: halt.reason, applied: "as soon as the router has started" }),
        { status: 202, headers: JSON_HEADERS },
      );
    } catch (e) {
      const { status, body, headers } = toHttpError(e);
      return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
    }
  };
}
