/**
 * The simulator's own control routes, on its port under `/sim/` (JSON in, JSON out, no authentication: the
 * port is bound to 127.0.0.1), so a user rehearsing against `lightning-router simulate` can move the market
 * and inject failures at run time:
 *
 * - `POST /sim/mark {symbol, price, fillQty?}`: moves the mark (resting orders it crosses fill);
 * - `POST /sim/walk {on?, volatility?, intervalMs?, symbols?, fillQty?}`: starts (or restarts) the random
 *   walk of the marks (driven by the simulator's seed), or stops it with `{"on":false}`;
 * - `POST /sim/fault {kind, …}`: one fault at a time on top of those in force (see {@linkcode FAULT_KINDS});
 *   `GET /sim/fault` lists the faults in force.
 *
 * Bodies are checked strictly: an unknown field, a wrong type or a bad value is a 400 naming it. Errors are
 * `{code:-1, msg}` like the simulator's other non-Binance answers.
 *
 * @module
 */

import type { Simulator, SimulatorFaults, WalkOptions } from "./types.ts";
import type { HttpRequest, HttpResponse } from "./_ws_server.ts";
import { hiddenKey } from "../control/json_keys.ts";

/** Defaults of `POST /sim/walk`: steps of 5 bp (one standard deviation) once a second. */
const WALK_DEFAULTS = { volatility: 0.0005, intervalMs: 1_000 } as const;
/** Default size of a `-1007` / `-1008` burst. */
const DEFAULT_BURST = 5;

/** Thrown by the body checks; becomes a 400. */
class BadBody extends Error {}

type Body = Record<string, unknown>;

/**
 * The kinds `POST /sim/fault` takes, with their fields:
 * - `drop` `{afterRequests?, execute?}`: drop every ws-fapi socket now (no close frame), or the one that
 *   carries the Nth request from now (executing it first when `execute`);
 * - `silent` `{afterRequests?}` (default 1): after N more answers that connection ignores everything;
 * - `delay` `{ms}`: delay every ws-fapi answer (0 turns it off);
 * - `placeDelay` `{ms}`: the matching engine takes each order.place `ms` late (0 turns it off): a cancel sent
 *   meanwhile finds nothing (-2011), and the order rests after it;
 * - `rejectEvery` `{n, code?}`: every Nth order.place rejected unexecuted with `code` (default -1008; n 0: off);
 * - `-1007` / `-1008` `{count?, every?}`: a burst of `count` (default 5) order.place answers — -1007 executes
 *   the order but says the status is unknown, -1008 rejects it unexecuted — or, with `every`, every Nth;
 * - `streamDrop`: drop every user data stream socket now (keys stay valid);
 * - `streamPause` `{on}`: events produced meanwhile are lost (a gap);
 * - `streamDuplicate` / `streamReorder` `{on}`: every event twice / consecutive pairs swapped;
 * - `listenKeyExpiry`: expire every listenKey now (`listenKeyExpired` on their sockets);
 * - `clear`: remove every fault.
 *
 * @example
 * ```ts
 * FAULT_KINDS.includes("streamPause"); // true
 * ```
 */
export const FAULT_KINDS = [
  "drop",
  "silent",
  "delay",
  "placeDelay",
  "rejectEvery",
  "-1007",
  "-1008",
  "streamDrop",
  "streamPause",
  "streamDuplicate",
  "streamReorder",
  "listenKeyExpiry",
  "clear",
] as const;

/**
 * Answers a request under `/sim/`, acting on `sim`.
 *
 * @example
 * ```ts
 * import type { Simulator } from "./types.ts";
 * declare const sim: Simulator;
 * const answer = handleControl(sim, { method: "POST", path: "/sim/mark", query: "", headers: {},
 *   body: '{"symbol":"BTCUSDT","price":"49990"}' }); // 200 {"symbol":"BTCUSDT","markPrice":"49990.00"}
 * ```
 */
export function handleControl(sim: Simulator, req: HttpRequest): HttpResponse {
  const route = `${req.method} ${req.path}`;
  try {
    switch (route) {
      case "POST /sim/mark":
        return ok(mark(sim, parseBody(req.body)));
      case "POST /sim/walk":
        return ok(walk(sim, parseBody(req.body)));
      case "POST /sim/fault":
        return ok(fault(sim, parseBody(req.body)));
      case "GET /sim/fault":
        return ok({ faults: sim.faults() });
    }
  } catch (e) {
    if (e instanceof BadBody) return answer(400, { code: -1, msg: e.message });
    throw e;
  }
  const known = ["/sim/mark", "/sim/walk", "/sim/fault"];
  if (known.includes(req.path)) {
    return answer(405, { code: -1, msg: `${req.method} not allowed on ${req.path}` });
  }
  return answer(404, {
    code: -1,
    msg: `no route ${route}; the simulator's control routes are POST /sim/mark, POST /sim/walk, ` +
      "POST|GET /sim/fault",
  });
}

function mark(sim: Simulator, body: Body): unknown {
  only(body, ["symbol", "price", "fillQty"]);
  const symbol = text(body, "symbol", true)!;
  const price = decimal(body, "price", true)!;
  const fillQty = decimal(body, "fillQty", false);
  refusedAs(RangeError, () => sim.setMarkPrice(symbol, price, fillQty === undefined ? {} : { fillQty }));
  return { symbol, markPrice: sim.markPrice(symbol) };
}

function walk(sim: Simulator, body: Body): unknown {
  only(body, ["on", "volatility", "intervalMs", "symbols", "fillQty"]);
  const on = flag(body, "on") ?? true;
  if (!on) {
    if (Object.keys(body).length > 1) throw new BadBody('"on": false takes no other field');
    sim.setWalk(undefined);
    return { on: false };
  }
  const options: WalkOptions = {
    volatility: num(body, "volatility") ?? WALK_DEFAULTS.volatility,
    intervalMs: num(body, "intervalMs") ?? WALK_DEFAULTS.intervalMs,
  };
  const symbols = body["symbols"];
  if (symbols !== undefined) {
    if (!Array.isArray(symbols) || symbols.some((s) => typeof s !== "string")) {
      throw new BadBody('"symbols" must be an array of symbol names');
    }
    options.symbols = symbols as string[];
  }
  const fillQty = decimal(body, "fillQty", false);
  if (fillQty !== undefined) options.fillQty = fillQty;
  refusedAs(TypeError, () => sim.setWalk(options));
  return { on: true, ...options };
}

function fault(sim: Simulator, body: Body): unknown {
  const kind = body["kind"];
  if (typeof kind !== "string" || !(FAULT_KINDS as readonly string[]).includes(kind)) {
    throw new BadBody(`"kind" must be one of ${FAULT_KINDS.join(", ")}; got ${JSON.stringify(kind)}`);
  }
  const add = (change: SimulatorFaults, remove: (keyof SimulatorFaults)[] = []) => {
    const next: SimulatorFaults = { ...sim.faults(), ...change };
    for (const key of remove) delete next[key];
    sim.setFaults(next);
  };
  switch (kind as typeof FAULT_KINDS[number]) {
    case "drop": {
      only(body, ["kind", "afterRequests", "execute"]);
      const after = count(body, "afterRequests", 1);
      const execute = flag(body, "execute");
      if (after === undefined) {
        if (execute !== undefined) throw new BadBody('"execute" needs "afterRequests"');
        sim.dropConnections();
      } else add({ dropAfterRequests: after, dropExecutes: execute ?? false });
      break;
    }
    case "silent":
      only(body, ["kind", "afterRequests"]);
      add({ silentAfterRequests: count(body, "afterRequests", 1) ?? 1 });
      break;
    case "delay":
    case "placeDelay": {
      only(body, ["kind", "ms"]);
      const key = kind === "delay" ? "responseDelayMs" : "placeDelayMs";
      const ms = count(body, "ms", 0);
      if (ms === undefined) throw new BadBody('"ms" is required (0 turns the delay off)');
      if (ms === 0) add({}, [key]);
      else add({ [key]: ms });
      break;
    }
    case "rejectEvery": {
      only(body, ["kind", "n", "code"]);
      const n = count(body, "n", 0);
      if (n === undefined) throw new BadBody('"n" is required (0 turns it off)');
      const code = body["code"];
      if (code !== undefined && (!Number.isSafeInteger(code) || (code as number) >= 0)) {
        throw new BadBody(
          `"code" must be a negative integer (a Binance error code); got ${JSON.stringify(code)}`,
        );
      }
      if (n === 0) add({}, ["rejectEveryNthOrder"]);
      else add({ rejectEveryNthOrder: n, ...(code === undefined ? {} : { rejectCode: code as number }) });
      break;
    }
    case "-1007":
    case "-1008": {
      only(body, ["kind", "count", "every"]);
      const every = count(body, "every", 1);
      const burst = count(body, "count", 1);
      if (every !== undefined && burst !== undefined) throw new BadBody('give "count" or "every", not both');
      if (kind === "-1007") {
        add(
          every === undefined
            ? { unknownNextOrders: burst ?? DEFAULT_BURST }
            : { unknownEveryNthOrder: every },
        );
      } else {
        add(
          every === undefined
            ? { rejectNextOrders: burst ?? DEFAULT_BURST, rejectCode: -1008 }
            : { rejectEveryNthOrder: every, rejectCode: -1008 },
        );
      }
      break;
    }
    case "streamDrop":
      only(body, ["kind"]);
      sim.dropStreams();
      break;
    case "listenKeyExpiry":
      only(body, ["kind"]);
      sim.expireListenKeys();
      break;
    case "streamPause":
    case "streamDuplicate":
    case "streamReorder": {
      only(body, ["kind", "on"]);
      const on = flag(body, "on");
      if (on === undefined) throw new BadBody('"on" (true or false) is required');
      const key = kind === "streamPause"
        ? "streamPaused"
        : kind === "streamDuplicate"
        ? "duplicateEvents"
        : "reorderEvents";
      if (on) add({ [key]: true });
      else add({}, [key]);
      break;
    }
    case "clear":
      only(body, ["kind"]);
      sim.setFaults({});
      break;
  }
  return { kind, faults: sim.faults() };
}

/** Runs `act`; the simulator's own refusal (an error of class `kind`, naming the value) becomes a 400. */
function refusedAs(kind: typeof RangeError | typeof TypeError, act: () => void): void {
  try {
    act();
  } catch (e) {
    if (e instanceof kind) throw new BadBody(e.message);
    throw e;
  }
}

function parseBody(raw: string): Body {
  if (raw.trim().length === 0) throw new BadBody("a JSON object body is required");
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new BadBody("the body is not valid JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new BadBody("the body must be a JSON object");
  }
  // A key given twice ("price" twice): the parse kept the last without a word.
  const hidden = hiddenKey(raw, body);
  if (hidden !== undefined) throw new BadBody(hidden);
  return body as Body;
}

function only(body: Body, allowed: readonly string[]): void {
  const extra = Object.keys(body).filter((key) => !allowed.includes(key));
  if (extra.length > 0) {
    throw new BadBody(
      `unknown field${extra.length > 1 ? "s" : ""} ${extra.join(", ")} (allowed: ${allowed.join(", ")})`,
    );
  }
}

function text(body: Body, name: string, required: boolean): string | undefined {
  const value = body[name];
  if (value === undefined) {
    if (required) throw new BadBody(`"${name}" is required`);
    return undefined;
  }
  if (typeof value !== "string" || value.length === 0) {
    throw new BadBody(`"${name}" must be a non-empty string`);
  }
  return value;
}

/** A decimal as a string ("49990.5") or a plain JSON number (49990.5). */
function decimal(body: Body, name: string, required: boolean): string | undefined {
  const value = body[name];
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  const s = text(body, name, required);
  if (s !== undefined && !/^\d+(\.\d+)?$/.test(s)) throw new BadBody(`"${name}" must be a positive decimal`);
  return s;
}

function num(body: Body, name: string): number | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) throw new BadBody(`"${name}" must be a number`);
  return value;
}

function count(body: Body, name: string, min: number): number | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || (value as number) < min) {
    throw new BadBody(`"${name}" must be an integer ≥ ${min}; got ${JSON.stringify(value)}`);
  }
  return value as number;
}

function flag(body: Body, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || typeof value === "boolean") return value;
  throw new BadBody(`"${name}" must be true or false`);
}

function ok(value: unknown): HttpResponse {
  return answer(200, value);
}

function answer(status: number, value: unknown): HttpResponse {
  return { status, body: JSON.stringify(value) };
}
