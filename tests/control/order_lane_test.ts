/**
 * The raw order lane (`order_lane.ts`) against the Hono app: every request below is sent twice on the same
 * server — once to the app's `fetch`, once offered to the lane — and the two answers must be the same bytes
 * (status line, every header but Date, body; an ack's exchange-assigned ids and times aside), with the same
 * connection fate and the same notices. Each request is also checked to have been taken by the lane (or, for
 * the shapes it leaves alone, not taken).
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import {
  exchange,
  type LanePair,
  MAX_BODY_BYTES,
  type RawAnswerSeen,
  startLanePair,
  TOKEN,
} from "./_lane_pair.ts";
import { LIMIT_ORDER } from "./_stack.ts";
import { type RawAnswer, serve, type ServeFunction } from "../../lib/control/server.ts";
import { serveNode } from "../../lib/control/_serve_node.ts";

interface Case {
  name: string;
  /** Whether the lane serves it (false: it leaves the request to the app). */
  taken: boolean;
  /**
   * A body declared over the pre-read size: the HTTP/1.1 server streams it to the app, only `node:http`'s
   * lane (`take`, offered the request before its body) answers it.
   */
  unread?: boolean;
  /** The request's bytes; `id` is a client order id unique to this case and pass. */
  request: (ctx: Ctx) => string | Uint8Array;
  before?: (ctx: Ctx) => Promise<void> | void;
  after?: (ctx: Ctx) => Promise<void> | void;
  /** Notices the request causes (default none). */
  notices?: number;
}

interface Ctx {
  pair: LanePair;
  port: number;
  id: string;
  csrf: string;
}

interface Init {
  headers?: string[];
  body?: string | Uint8Array;
  /** Leave out the Authorization header. */
  noAuth?: boolean;
  /** Content-Type (default application/json when there is a body; null: none). */
  type?: string | null;
  /** Host header (default 127.0.0.1:<port>; null: none). */
  host?: string | null;
  /** Content-Length to declare instead of the body's. */
  length?: number;
}

function http(ctx: Ctx, method: string, path: string, init: Init = {}): Uint8Array {
  const body = typeof init.body === "string" ? Buffer.from(init.body) : init.body;
  const lines = [`${method} ${path} HTTP/1.1`];
  const host = init.host === undefined ? `127.0.0.1:${ctx.port}` : init.host;
  if (host !== null) lines.push(`Host: ${host}`);
  if (!init.noAuth) lines.push(`Authorization: Bearer ${TOKEN}`);
  const type = init.type === undefined ? (body === undefined ? null : "application/json") : init.type;
  if (type !== null) lines.push(`Content-Type: ${type}`);
  if (init.length !== undefined) lines.push(`Content-Length: ${init.length}`);
  else if (body !== undefined) lines.push(`Content-Length: ${body.length}`);
  lines.push(...(init.headers ?? []));
  return Buffer.concat([Buffer.from(lines.join("\r\n") + "\r\n\r\n", "latin1"), body ?? Buffer.alloc(0)]);
}

const post = (ctx: Ctx, body: unknown, init: Init = {}) =>
  http(ctx, "POST", "/orders", { body: typeof body === "string" ? body : JSON.stringify(body), ...init });
const limit = (ctx: Ctx) => ({ ...LIMIT_ORDER, newClientOrderId: ctx.id });
const origin = (ctx: Ctx) => `Origin: http://127.0.0.1:${ctx.port}`;

const CASES: Case[] = [
  { name: "LIMIT (fast path)", taken: true, request: (c) => post(c, limit(c)) },
  {
    name: "MARKET, RESULT",
    taken: true,
    request: (c) =>
      post(c, {
        symbol: "BTCUSDT",
        side: "SELL",
        type: "MARKET",
        quantity: "0.002",
        newOrderRespType: "RESULT",
        newClientOrderId: c.id,
      }),
  },
  {
    name: "STOP_MARKET (zod, algoOrder.place)",
    taken: true,
    request: (c) =>
      post(c, {
        symbol: "BTCUSDT",
        side: "SELL",
        type: "STOP_MARKET",
        quantity: "0.002",
        stopPrice: "45000",
        newClientOrderId: c.id,
      }),
  },
  { name: "JSON numbers (zod)", taken: true, request: (c) => post(c, { ...limit(c), quantity: 0.002 }) },
  {
    name: "content type with charset",
    taken: true,
    request: (c) => post(c, limit(c), { type: "Application/JSON; charset=utf-8" }),
  },
  { name: "bad JSON", taken: true, request: (c) => post(c, '{"symbol":') },
  { name: "bad field", taken: true, request: (c) => post(c, { ...limit(c), quantity: "-1" }) },
  { name: "unknown field", taken: true, request: (c) => post(c, { ...limit(c), foo: 1 }) },
  {
    name: "bad symbol and side",
    taken: true,
    request: (c) => post(c, { ...limit(c), symbol: "b", side: "UP" }),
  },
  { name: "an array", taken: true, request: (c) => post(c, "[]") },
  { name: "null", taken: true, request: (c) => post(c, "null") },
  { name: "Content-Length: 0", taken: true, request: (c) => post(c, "", { type: null }) },
  { name: "no body, no length", taken: true, request: (c) => http(c, "POST", "/orders") },
  { name: "text/plain", taken: true, request: (c) => post(c, limit(c), { type: "text/plain" }) },
  { name: "no content type", taken: true, request: (c) => post(c, limit(c), { type: null }) },
  {
    name: "invalid UTF-8",
    taken: true,
    request: (c) => http(c, "POST", "/orders", { body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]) }),
  },
  { name: "valid after invalid UTF-8", taken: true, request: (c) => post(c, limit(c)) },
  {
    name: "valid UTF-8, not ASCII",
    taken: true,
    request: (c) => post(c, { ...limit(c), symbol: "BTCUSDTé" }),
  },
  { name: "an escaped character", taken: true, request: (c) => post(c, `{"symbol":"BTC\\u0055SDT"}`) },
  {
    name: "over the limit, read ahead (413, kept alive)",
    taken: true,
    request: (c) => post(c, { ...limit(c), pad: "x".repeat(MAX_BODY_BYTES) }),
  },
  {
    name: "declared far over the limit, not sent (413, closed)",
    taken: true,
    unread: true,
    request: (c) => http(c, "POST", "/orders", { type: "application/json", length: 20_000 }),
  },
  {
    name: "declared far over the limit from a foreign Host (403 first)",
    taken: true,
    unread: true,
    request: (c) =>
      http(c, "POST", "/orders", { type: "application/json", length: 20_000, host: "evil.example" }),
  },
  {
    name: "foreign Origin",
    taken: true,
    request: (c) => post(c, limit(c), { headers: ["Origin: https://evil.example"] }),
  },
  { name: "Origin: null", taken: true, request: (c) => post(c, limit(c), { headers: ["Origin: null"] }) },
  {
    name: "same Origin, no CSRF token",
    taken: true,
    request: (c) => post(c, limit(c), { headers: [origin(c)] }),
  },
  {
    name: "same Origin, wrong CSRF token",
    taken: true,
    request: (c) => post(c, limit(c), { headers: [origin(c), "X-CSRF-Token: nope"] }),
  },
  {
    name: "same Origin with the CSRF token",
    taken: true,
    request: (c) => post(c, limit(c), { headers: [origin(c), `X-CSRF-Token: ${c.csrf}`] }),
  },
  {
    name: "Sec-Fetch-Site: cross-site",
    taken: true,
    request: (c) => post(c, limit(c), { headers: ["Sec-Fetch-Site: cross-site"] }),
  },
  {
    name: "Sec-Fetch-Site: same-origin, no token",
    taken: true,
    request: (c) => post(c, limit(c), { headers: ["Sec-Fetch-Site: same-origin"] }),
  },
  {
    name: "Sec-Fetch-Site: none",
    taken: true,
    request: (c) => post(c, limit(c), { headers: ["Sec-Fetch-Site: none"] }),
  },
  { name: "foreign Host", taken: true, request: (c) => post(c, limit(c), { host: "evil.example" }) },
  { name: "no Host", taken: true, request: (c) => post(c, limit(c), { host: null }) },
  {
    name: "Host twice",
    taken: true,
    request: (c) => post(c, limit(c), { headers: [`Host: 127.0.0.1:${c.port}`] }),
  },
  {
    name: "Host with blanks",
    taken: true,
    request: (c) => post(c, limit(c), { host: ` 127.0.0.1:${c.port}\t` }),
  },
  { name: "no bearer token", taken: true, request: (c) => post(c, limit(c), { noAuth: true }) },
  {
    name: "wrong bearer token",
    taken: true,
    request: (c) => post(c, limit(c), { noAuth: true, headers: ["Authorization: Bearer nope"] }),
  },
  {
    name: "bearer token twice",
    taken: true,
    request: (c) => post(c, limit(c), { headers: [`Authorization: Bearer ${TOKEN}`] }),
  },
  {
    name: "halted router (503, -10)",
    taken: true,
    before: async (c) => void await c.pair.router.halt("lane test"),
    request: (c) => post(c, limit(c)),
    after: (c) => c.pair.router.resume(),
  },
  {
    name: "exchange refuses (-1008)",
    taken: true,
    before: (c) => c.pair.sim.setFaults({ rejectNextOrders: 1 }),
    request: (c) => post(c, limit(c)),
    after: (c) => c.pair.sim.setFaults({}),
  },
  {
    name: "pre-trade filter refuses (-4005, local)",
    taken: true,
    request: (c) => post(c, { ...limit(c), quantity: "100000" }),
  },
  {
    name: "outcome unknown (504, -15)",
    taken: true,
    before: (c) => c.pair.sim.setFaults({ unknownNextOrders: 1 }),
    request: (c) => post(c, limit(c)),
    after: (c) => c.pair.sim.setFaults({}),
  },
  {
    name: "a gateway bug (500, told)",
    taken: true,
    notices: 1,
    request: (c) => post(c, { ...limit(c), symbol: "BOOMUSDT" }),
  },
  {
    name: "PATCH: modify",
    taken: true,
    before: async (c) => void await c.pair.router.placeOrder(limit(c)),
    request: (c) =>
      http(c, "PATCH", "/orders", {
        body: JSON.stringify({
          symbol: "BTCUSDT",
          origClientOrderId: c.id,
          side: "BUY",
          quantity: "0.003",
          price: "49000",
        }),
      }),
  },
  {
    name: "PATCH: no price",
    taken: true,
    request: (c) =>
      http(c, "PATCH", "/orders", {
        body: JSON.stringify({ symbol: "BTCUSDT", origClientOrderId: c.id, side: "BUY", quantity: "0.002" }),
      }),
  },
  {
    name: "PATCH: text/plain",
    taken: true,
    request: (c) => http(c, "PATCH", "/orders", { body: "{}", type: "text/plain" }),
  },
  {
    name: "DELETE: cancel",
    taken: true,
    before: async (c) => void await c.pair.router.placeOrder(limit(c)),
    request: (c) => http(c, "DELETE", `/orders?symbol=BTCUSDT&origClientOrderId=${c.id}`),
  },
  {
    name: "DELETE: unknown order (-2011)",
    taken: true,
    request: (c) => http(c, "DELETE", `/orders?symbol=BTCUSDT&origClientOrderId=${c.id}`),
  },
  { name: "DELETE: no query", taken: true, request: (c) => http(c, "DELETE", "/orders") },
  {
    name: "DELETE: a parameter twice",
    taken: true,
    request: (c) => http(c, "DELETE", "/orders?symbol=BTCUSDT&symbol=ETHUSDT&orderId=1"),
  },
  {
    name: "DELETE: Content-Length: 0, no token",
    taken: true,
    request: (c) => http(c, "DELETE", "/orders?symbol=BTCUSDT&orderId=1", { length: 0, noAuth: true }),
  },
  {
    name: "DELETE: foreign Origin",
    taken: true,
    request: (c) =>
      http(c, "DELETE", "/orders?symbol=BTCUSDT&orderId=1", { headers: ["Origin: https://x.example"] }),
  },
  {
    name: "DELETE: same Origin, no CSRF token",
    taken: true,
    request: (c) => http(c, "DELETE", "/orders?symbol=BTCUSDT&orderId=1", { headers: [origin(c)] }),
  },
  // Left to the app:
  {
    name: "chunked body",
    taken: false,
    request: (c) => {
      const body = JSON.stringify(limit(c));
      const head = Buffer.from(
        http(c, "POST", "/orders", { headers: ["Transfer-Encoding: chunked"], type: "application/json" }),
      ).toString("latin1");
      return `${head}${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    },
  },
  {
    name: "POST /orders/",
    taken: false,
    request: (c) => http(c, "POST", "/orders/", { body: JSON.stringify(limit(c)) }),
  },
  { name: "POST /orders?x=1", taken: false, request: (c) => http(c, "POST", "/orders?x=1", { body: "{}" }) },
  {
    name: "DELETE with a body",
    taken: false,
    request: (c) => http(c, "DELETE", "/orders?symbol=BTCUSDT&orderId=1", { body: "{}" }),
  },
  { name: "GET /orders", taken: false, request: (c) => http(c, "GET", "/orders?symbol=BTCUSDT&orderId=1") },
];

/** What must be equal: everything but Date, the ack's exchange-made ids/times, and this pass's own id. */
function normalized(seen: RawAnswerSeen, id: string) {
  const text = seen.body.replaceAll(id, "<id>");
  let body: unknown = text;
  if (seen.headers.some((h) => /^content-type: application\/json/i.test(h))) {
    body = JSON.parse(text, (key, value) => VOLATILE.has(key) && typeof value === "number" ? "<n>" : value);
  }
  const ok = seen.statusLine.includes(" 200 ");
  if (ok) {
    // Ids and times change the length of an ack; it must still be the body's.
    const length = seen.headers.map((h) => /^content-length: (\d+)$/i.exec(h)?.[1]).find((v) =>
      v !== undefined
    );
    assert.equal(Number(length), Buffer.byteLength(seen.body));
  }
  const headers = seen.headers.map((h) => ok && /^content-length:/i.test(h) ? "content-length: <n>" : h);
  return { statusLine: seen.statusLine, headers, body, closed: seen.closed };
}

/** Each server with its lane entry: `node:http` offers requests before their body (`take`), ours after. */
const SERVERS: [string, ServeFunction, boolean][] = [
  ["node:http", serveNode, true],
  ["the HTTP/1.1 server", serve, false],
];

const VOLATILE = new Set([
  "orderId",
  "updateTime",
  "time",
  "workingTime",
  "algoId",
  "createTime",
  "triggerTime",
]);

for (const [server, serveWith, preread] of SERVERS) {
  test(`the raw order lane answers exactly as the Hono app does, on ${server} (status, headers, body, connection, notices)`, async () => {
    const pair = await startLanePair(serveWith);
    const port = pair.server.port;
    try {
      const page = await fetch(`${pair.server.url}/`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const csrf = /data-csrf="([^"]+)"/.exec(await page.text())?.[1];
      assert.ok(csrf !== undefined, "the dashboard page carries the CSRF token");
      let n = 0;
      for (const c of CASES) {
        const seen: ReturnType<typeof normalized>[] = [];
        const notices: string[][] = [];
        for (const laneOn of [false, true]) {
          const ctx: Ctx = { pair, port, id: `lane-${n++}`, csrf };
          await c.before?.(ctx);
          pair.laneOn = laneOn;
          const [taken, fetched, noticed] = [pair.taken, pair.fetched, pair.notices.length];
          seen.push(normalized(await exchange(port, c.request(ctx)), ctx.id));
          pair.laneOn = false;
          notices.push(pair.notices.slice(noticed));
          if (laneOn) {
            const byLane = c.taken && (preread || !c.unread);
            assert.equal(pair.taken - taken, byLane ? 1 : 0, `${c.name}: taken by the lane`);
            assert.equal(pair.fetched - fetched, byLane ? 0 : 1, `${c.name}: served by the app`);
          } else {
            assert.equal(pair.fetched - fetched, 1, `${c.name}: served by the app`);
          }
          await c.after?.(ctx);
        }
        assert.deepEqual(seen[1], seen[0], c.name);
        assert.equal(notices[0]!.length, c.notices ?? 0, `${c.name}: notices ${notices[0]}`);
        assert.deepEqual(notices[1], notices[0], `${c.name}: notices`);
      }
    } finally {
      await pair.close();
    }
  });
}

/** A raw request's method, target, header pairs and body. */
function parseRaw(bytes: Uint8Array) {
  const buffer = Buffer.from(bytes);
  const at = buffer.indexOf("\r\n\r\n");
  const [start, ...lines] = buffer.subarray(0, at).toString("latin1").split("\r\n");
  const [method, target] = start!.split(" ") as [string, string];
  const pairs = lines.map((line) => {
    const colon = line.indexOf(":");
    return [line.slice(0, colon), line.slice(colon + 1).trim()] as [string, string];
  });
  return { method, target, pairs, body: new Uint8Array(buffer.subarray(at + 4)) };
}

test("answerRead (servers that read the body first) answers as the app's fetch does", async () => {
  const pair = await startLanePair();
  const port = pair.server.port;
  try {
    const page = await fetch(`${pair.server.url}/`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const csrf = /data-csrf="([^"]+)"/.exec(await page.text())?.[1] ?? "";
    let n = 0;
    // Bodies sent as they are: no chunked framing, no declared length but the body's own.
    for (const c of CASES.filter((c) => c.taken && !c.unread)) {
      const seen: unknown[] = [];
      const notices: string[][] = [];
      for (const viaLane of [false, true]) {
        const ctx: Ctx = { pair, port, id: `read-${n++}`, csrf };
        await c.before?.(ctx);
        const { method, target, pairs, body } = parseRaw(Buffer.from(c.request(ctx)));
        const noticed = pair.notices.length;
        let answer: { status: number; headers: string[]; text: string };
        if (viaLane) {
          const headers = new Headers(pairs);
          let reply!: (answer: RawAnswer) => void;
          const raw = new Promise<RawAnswer>((resolve) => reply = resolve);
          const taken = pair.lane.answerRead(
            method,
            target,
            (name) => headers.get(name) ?? undefined,
            body.length === 0 ? undefined : body,
            reply,
          );
          assert.ok(taken, `${c.name}: taken`);
          const { status, headers: fields, text } = await raw;
          answer = { status, headers: fields, text };
        } else {
          const request = new Request(`${pair.server.url}${target}`, {
            method,
            headers: pairs,
            ...(body.length === 0 ? {} : { body }),
          });
          const response = await pair.app.fetch(request);
          const fields: string[] = [];
          response.headers.forEach((value, name) => name === "content-length" || fields.push(name, value));
          answer = { status: response.status, headers: fields, text: await response.text() };
        }
        notices.push(pair.notices.slice(noticed));
        await c.after?.(ctx);
        const text = answer.text.replaceAll(ctx.id, "<id>");
        seen.push({
          status: answer.status,
          headers: answer.headers,
          body: JSON.parse(
            text,
            (key, value) => VOLATILE.has(key) && typeof value === "number" ? "<n>" : value,
          ),
        });
      }
      assert.deepEqual(seen[1], seen[0], c.name);
      assert.deepEqual(notices[1], notices[0], `${c.name}: notices`);
    }
  } finally {
    await pair.close();
  }
});
