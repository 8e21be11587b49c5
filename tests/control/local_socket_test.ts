/**
 * The local order socket (`GET /ws`) over real sockets: orders placed, queried and cancelled through it with
 * the same answers and errors as the HTTP routes, many in flight, bad messages, the guard and token rules on
 * the upgrade, closing from either side, and the README's Python example run as written.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LOCAL_CODES } from "../../lib/control/errors.ts";
import { LIMIT_ORDER, type Stack, startStack, waitFor } from "./_stack.ts";

const TOKEN = "local-socket-token-0123456789";

// deno-lint-ignore no-explicit-any
type Answer = { id: unknown; status: number; result?: any; error?: { code: number; msg: string } };

/** A WebSocket client that collects every answer; `next` and `waitFor` are bounded. */
class Client {
  readonly ws: WebSocket;
  readonly answers: Answer[] = [];
  readonly closed: Promise<number>;
  #wake: (() => void) | undefined;

  constructor(url: string, headers: Record<string, string> = {}) {
    // Deno and Bun both take headers as a second argument (not in the DOM typings).
    this.ws = new (WebSocket as unknown as new (url: string, init: unknown) => WebSocket)(url, { headers });
    this.ws.onmessage = (e) => {
      this.answers.push(JSON.parse(String(e.data)));
      this.#wake?.();
    };
    this.closed = new Promise((resolve) => {
      this.ws.onclose = (e) => {
        resolve(e.code);
        this.#wake?.();
      };
    });
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws.onopen = () => resolve();
      this.ws.onerror = () => reject(new Error("WebSocket failed to open"));
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  async waitFor(count: number, timeoutMs = 5000): Promise<Answer[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.answers.length < count) {
      if (Date.now() > deadline) {
        throw new Error(`${this.answers.length} of ${count} answers in ${timeoutMs} ms`);
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, 50);
      });
    }
    return this.answers;
  }

  /** Sends one request and returns its answer. */
  async call(message: Record<string, unknown>): Promise<Answer> {
    const before = this.answers.length;
    this.send(message);
    await this.waitFor(before + 1);
    const answer = this.answers.find((a, i) => i >= before && a.id === message.id);
    assert.ok(answer !== undefined, `an answer with id ${JSON.stringify(message.id)}`);
    return answer;
  }
}

function wsUrl(s: Stack): string {
  return s.url.replace(/^http/, "ws") + "/ws";
}

async function withClient(
  options: { token?: string },
  fn: (s: Stack, c: Client) => Promise<void>,
): Promise<void> {
  const s = await startStack(options);
  const c = new Client(
    wsUrl(s),
    options.token === undefined ? {} : { authorization: `Bearer ${options.token}` },
  );
  try {
    await c.opened();
    await fn(s, c);
  } finally {
    c.ws.close();
    await s.close();
  }
}

/** The status line and headers the server answers to a raw upgrade request (then the socket is dropped). */
function rawUpgrade(port: number, extraHeaders: string[], host = `127.0.0.1:${port}`): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    let data = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer to the upgrade: ${JSON.stringify(data)}`));
    }, 5000);
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(data);
    };
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      data += chunk;
      // A refusal carries a JSON body; a 101 has none.
      if (data.startsWith("HTTP/1.1 101") ? data.includes("\r\n\r\n") : data.trimEnd().endsWith("}")) done();
    });
    socket.on("close", done);
    socket.on("error", reject);
    socket.write(
      [
        "GET /ws HTTP/1.1",
        `Host: ${host}`,
        "Upgrade: websocket",
        "Connection: Upgrade",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version: 13",
        ...extraHeaders,
        "",
        "",
      ].join("\r\n"),
    );
  });
}

test("place, query and cancel through the socket give what the HTTP routes give", async () => {
  await withClient({}, async (s, c) => {
    const placed = await c.call({ id: 1, op: "place", params: LIMIT_ORDER });
    assert.equal(placed.status, 200, JSON.stringify(placed));
    assert.equal(placed.result.status, "NEW");
    const orderId = placed.result.orderId as number;
    const byHttp = await s.call("GET", `/orders?symbol=BTCUSDT&orderId=${orderId}`);
    const bySocket = await c.call({ id: "q-1", op: "query", params: { symbol: "BTCUSDT", orderId } });
    assert.equal(bySocket.status, 200);
    assert.equal(bySocket.result.clientOrderId, byHttp.body.clientOrderId);
    assert.equal(bySocket.result.status, byHttp.body.status);
    // query without an id lists the tracked orders, like GET /orders.
    const list = await c.call({ id: "list", op: "query", params: { symbol: "BTCUSDT" } });
    assert.deepEqual(list.result.map((o: { orderId: number }) => o.orderId), [orderId]);
    const modified = await c.call({
      id: 2,
      op: "modify",
      params: { symbol: "BTCUSDT", orderId, side: "BUY", quantity: "0.003", price: "49990" },
    });
    assert.equal(modified.status, 200, JSON.stringify(modified));
    assert.equal(modified.result.origQty, "0.003");
    const cancelled = await c.call({ id: 3, op: "cancel", params: { symbol: "BTCUSDT", orderId } });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled));
    assert.equal(cancelled.result.status, "CANCELED");
    // Cancelling it again: the exchange's own error, as over HTTP.
    const again = await c.call({ id: 4, op: "cancel", params: { symbol: "BTCUSDT", orderId } });
    const againHttp = await s.call("DELETE", `/orders?symbol=BTCUSDT&orderId=${orderId}`);
    assert.equal(again.status, againHttp.status);
    assert.deepEqual(again.error, againHttp.body);
    // cancelAll: every open order of the symbol, as DELETE /orders/open.
    const a = await c.call({ id: 5, op: "place", params: LIMIT_ORDER });
    const b = await c.call({
      id: 6,
      op: "place",
      params: { ...LIMIT_ORDER, quantity: "0.003", price: "49000" },
    });
    const all = await c.call({ id: 7, op: "cancelAll", params: { symbol: "BTCUSDT" } });
    assert.equal(all.status, 200, JSON.stringify(all));
    assert.deepEqual(
      [all.result.symbol, [...all.result.canceled].sort(), all.result.failed],
      ["BTCUSDT", [a.result.clientOrderId, b.result.clientOrderId].sort(), []],
    );
    const none = await s.call("DELETE", "/orders/open?symbol=BTCUSDT");
    assert.deepEqual([none.status, none.body.canceled], [200, []]);
    const noSymbol = await c.call({ id: 8, op: "cancelAll", params: {} });
    assert.deepEqual(noSymbol.error, (await s.call("DELETE", "/orders/open")).body);
  });
});

test("validation errors: the same status, code and message as the HTTP route", async () => {
  await withClient({}, async (s, c) => {
    const bad = [
      { ...LIMIT_ORDER, price: "abc" },
      { ...LIMIT_ORDER, quantity: undefined, foo: 1 },
      { symbol: "BTCUSDT", side: "BUY", type: "STOP_MARKET", quantity: "0.01" },
      {},
    ];
    for (const [i, params] of bad.entries()) {
      const http = await s.call("POST", "/orders", { json: params });
      const ws = await c.call({ id: i, op: "place", params });
      assert.equal(http.status, 400);
      assert.equal(ws.status, http.status);
      assert.deepEqual(ws.error, http.body);
    }
    // Params over the HTTP body limit (16 KiB) but within the socket's message limit: 413, as over HTTP.
    const big = { ...LIMIT_ORDER, note: "x".repeat(16_500) };
    const http = await s.call("POST", "/orders", { json: big });
    const ws = await c.call({ id: "big", op: "place", params: big });
    assert.deepEqual([http.status, ws.status], [413, 413]);
    assert.deepEqual(ws.error, http.body);
    const modify = await c.call({ id: "m", op: "modify", params: { symbol: "BTCUSDT" } });
    assert.equal(modify.status, 400);
    assert.match(modify.error!.msg, /side: required/);
    const cancel = await c.call({ id: "c", op: "cancel", params: { orderId: 1 } });
    assert.deepEqual(cancel.error, { code: LOCAL_CODES.INVALID_REQUEST, msg: "symbol: required" });
    s.router.halt("test");
    const halted = await c.call({ id: "h", op: "place", params: LIMIT_ORDER });
    assert.equal(halted.status, 503);
    assert.equal(halted.error!.code, LOCAL_CODES.HALTED);
  });
});

test("many requests in flight: every one answered once, with its own id", async () => {
  await withClient({}, async (_s, c) => {
    const n = 50;
    for (let i = 0; i < n; i++) {
      c.send({
        id: `o-${i}`,
        op: "place",
        params: { ...LIMIT_ORDER, timeInForce: "IOC", quantity: "0.003", price: "40000" },
      });
    }
    const answers = await c.waitFor(n, 10_000);
    assert.equal(answers.length, n);
    assert.deepEqual(
      answers.map((a) => a.id).sort(),
      Array.from({ length: n }, (_, i) => `o-${i}`).sort(),
    );
    for (const a of answers) assert.equal(a.status, 200, JSON.stringify(a));
    assert.equal(new Set(answers.map((a) => a.result.orderId)).size, n);
  });
});

test("messages that are not requests are answered with what is wrong, and the socket stays open", async () => {
  await withClient({}, async (_s, c) => {
    const cases: [unknown, unknown, number, RegExp][] = [
      ["not json", null, LOCAL_CODES.MALFORMED_JSON, /not valid JSON/],
      ["[1,2]", null, LOCAL_CODES.MALFORMED_JSON, /JSON object/],
      [{ op: "place", params: {} }, null, LOCAL_CODES.INVALID_REQUEST, /^id:/],
      [{ id: { x: 1 }, op: "place" }, null, LOCAL_CODES.INVALID_REQUEST, /^id:/],
      [{ id: 7, op: "fly", params: {} }, 7, LOCAL_CODES.INVALID_REQUEST, /^op: expected one of place/],
      [{ id: 8, op: "place", params: [1] }, 8, LOCAL_CODES.INVALID_REQUEST, /^params:/],
      [{ id: 9, op: "place", params: {}, extra: 1 }, 9, LOCAL_CODES.INVALID_REQUEST, /unknown field: extra/],
      // A key given twice is refused by name: the parse would keep the last (a query that is a cancel).
      [
        '{"id":11,"op":"query","params":{},"op":"cancel"}',
        11,
        LOCAL_CODES.INVALID_REQUEST,
        /^op: given more than once$/,
      ],
      [
        '{"id":12,"op":"place","params":{"symbol":"BTCUSDT","side":"BUY","type":"MARKET","quantity":"0.002",' +
        '"quantity":"5"}}',
        12,
        LOCAL_CODES.INVALID_REQUEST,
        /^params\.quantity: given more than once$/,
      ],
      [
        '{"id":13,"id":14,"op":"query","params":{}}',
        null,
        LOCAL_CODES.INVALID_REQUEST,
        /^id: given more than once$/,
      ],
    ];
    for (const [i, [message, id, code, msg]] of cases.entries()) {
      c.send(message);
      const [answer] = (await c.waitFor(i + 1)).slice(i);
      assert.equal(answer!.id, id);
      assert.equal(answer!.status, 400);
      assert.equal(answer!.error!.code, code);
      assert.match(answer!.error!.msg, msg);
    }
    const ok = await c.call({ id: 10, op: "query", params: {} });
    assert.equal(ok.status, 200, "still serving after bad messages");
    assert.equal(_s.sim.stats().ordersPlaced, 0, "no bad message reached the exchange");
  });
});

test("the upgrade passes the same guard: Host, Origin, token; a plain GET /ws is a 426", async () => {
  const s = await startStack({ token: TOKEN });
  try {
    const port = s.server.port;
    const foreign = await rawUpgrade(port, [`Authorization: Bearer ${TOKEN}`], `evil.example:${port}`);
    assert.match(foreign, /^HTTP\/1\.1 403 /);
    assert.match(foreign, /"code":-6/);
    const browser = await rawUpgrade(port, [`Authorization: Bearer ${TOKEN}`, "Origin: http://evil.example"]);
    assert.match(browser, /^HTTP\/1\.1 403 /);
    const noToken = await rawUpgrade(port, []);
    assert.match(noToken, /^HTTP\/1\.1 401 /);
    assert.match(noToken, /"code":-5/);
    const wrongToken = await rawUpgrade(port, ["Authorization: Bearer nope"]);
    assert.match(wrongToken, /^HTTP\/1\.1 401 /);
    const accepted = await rawUpgrade(port, [`Authorization: Bearer ${TOKEN}`]);
    assert.match(accepted, /^HTTP\/1\.1 101 /);
    assert.match(accepted, /Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=\r\n/i);
    const plain = await s.call("GET", "/ws", { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(plain.status, 426);
    assert.equal(plain.body.code, LOCAL_CODES.INVALID_REQUEST);
    const old = await rawUpgrade(port, [`Authorization: Bearer ${TOKEN}`, "Sec-WebSocket-Version: 8"]);
    assert.match(old, /^HTTP\/1\.1 426 /);
    // With the token, a real client gets through and is served.
    const c = new Client(wsUrl(s), { authorization: `Bearer ${TOKEN}` });
    await c.opened();
    assert.equal((await c.call({ id: 1, op: "query", params: {} })).status, 200);
    c.ws.close();
    await c.closed;
  } finally {
    await s.close();
  }
});

test("close: a client's close is answered; closing the server closes open sockets (1001)", async () => {
  const s = await startStack();
  try {
    const a = new Client(wsUrl(s));
    await a.opened();
    a.ws.close(1000);
    assert.equal(await a.closed, 1000);
    const b = new Client(wsUrl(s));
    await b.opened();
    assert.equal((await b.call({ id: 1, op: "query", params: {} })).status, 200);
    await s.server.close(); // resolves only once b's socket is closed too
    assert.equal(await b.closed, 1001);
  } finally {
    await s.close();
  }
});

test("close: a stopping server answers every request in flight before it closes the socket (1001)", async () => {
  const s = await startStack({ faults: { responseDelayMs: 300 } });
  try {
    const c = new Client(wsUrl(s));
    await c.opened();
    for (let i = 0; i < 20; i++) {
      c.send({ id: i, op: "place", params: { ...LIMIT_ORDER, newClientOrderId: `drain-${i}` } });
    }
    await waitFor(() => s.sim.orders().length === 20, 5000, "the 20 orders on the exchange");
    const closing = s.server.close(); // the exchange has not answered yet: the answers are 300 ms away
    assert.equal(await c.closed, 1001);
    await closing;
    const answers = c.answers.map((
      a,
    ) => [a.id, a.status, (a.result as { status?: string } | undefined)?.status]);
    assert.deepEqual(
      answers.sort((x, y) => Number(x[0]) - Number(y[0])),
      [...Array(20).keys()].map((i) => [i, 200, "NEW"]),
    );
  } finally {
    await s.close();
  }
});

/** The README's Python example, as written there (between the markers), with the socket URL from the env. */
function readmePythonExample(): string {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const m = /<!-- local-socket-python -->\s*```python\n([\s\S]*?)```/.exec(readme);
  assert.ok(m !== null, "README has the local-socket Python example");
  return m[1]!;
}

function pythonHasWebsockets(): boolean {
  return spawnSync("python3", ["-c", "import websockets"], { stdio: "ignore" }).status === 0;
}

test("the README's Python example places an order (installs `websockets` from pip first when missing)", async () => {
  const script = readmePythonExample();
  assert.ok(script.trimEnd().split("\n").length <= 12, "about 10 lines");
  if (!pythonHasWebsockets()) {
    spawnSync("python3", ["-m", "pip", "install", "--quiet", "websockets"], {
      stdio: "ignore",
      timeout: 120_000,
    });
  }
  assert.ok(pythonHasWebsockets(), "python3 can import websockets (pip install websockets)");
  const s = await startStack();
  const file = join(tmpdir(), `lightning-local-socket-${process.pid}.py`);
  writeFileSync(file, script);
  try {
    // Async spawn: the stack serves in this process while Python talks to it.
    const { spawn } = await import("node:child_process");
    const child = spawn("python3", [file], { env: { ...process.env, ROUTER_WS: wsUrl(s) } });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => out += d);
    child.stderr.on("data", (d) => err += d);
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill(), 20_000);
      child.on("close", (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    assert.equal(code, 0, err);
    assert.match(out, /'status': 200/);
    assert.match(out, /'orderId': \d+/);
  } finally {
    rmSync(file, { force: true });
    await s.close();
  }
});

/** A masked client frame. */
function frame(opcode: number, payload: Uint8Array, fin = true): Uint8Array {
  const size = payload.byteLength;
  const head = size < 126 ? [size | 0x80] : [126 | 0x80, size >> 8, size & 0xff];
  const mask = [1, 2, 3, 4];
  const out = new Uint8Array(1 + head.length + 4 + size);
  out.set([(fin ? 0x80 : 0) | opcode, ...head, ...mask]);
  for (let i = 0; i < size; i++) out[1 + head.length + 4 + i] = payload[i]! ^ mask[i & 3]!;
  return out;
}

/** A raw upgraded connection: sends frames, collects the server's frames (opcode, payload text). */
async function rawSocket(port: number): Promise<{
  send(bytes: Uint8Array): void;
  frames: { opcode: number; text: string; bytes: Uint8Array }[];
  closed: Promise<void>;
  waitFor(n: number): Promise<void>;
}> {
  const socket = connect({ host: "127.0.0.1", port });
  const frames: { opcode: number; text: string; bytes: Uint8Array }[] = [];
  let buf = new Uint8Array(0);
  let upgraded = false;
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  socket.on("error", () => {});
  socket.on("data", (chunk: Uint8Array) => {
    const next = new Uint8Array(buf.length + chunk.length);
    next.set(buf);
    next.set(chunk, buf.length);
    buf = next;
    if (!upgraded) {
      const text = new TextDecoder().decode(buf);
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) return;
      assert.match(text, /^HTTP\/1\.1 101 /);
      upgraded = true;
      buf = buf.slice(end + 4);
    }
    while (buf.length >= 2) {
      let size = buf[1]! & 0x7f;
      let at = 2;
      if (size === 126) {
        if (buf.length < 4) return;
        size = (buf[2]! << 8) | buf[3]!;
        at = 4;
      }
      if (buf.length < at + size) return;
      const bytes = buf.slice(at, at + size);
      frames.push({ opcode: buf[0]! & 0x0f, text: new TextDecoder().decode(bytes), bytes });
      buf = buf.slice(at + size);
    }
  });
  await new Promise((resolve) => socket.on("connect", resolve));
  socket.write(
    `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
  );
  return {
    send: (bytes) => socket.write(bytes),
    frames,
    closed,
    async waitFor(n) {
      const deadline = Date.now() + 5000;
      while (frames.length < n) {
        if (Date.now() > deadline) throw new Error(`${frames.length} of ${n} frames`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

test("protocol: fragments joined, ping answered with pong; binary (1003) and oversized (1009) close", async () => {
  const s = await startStack();
  try {
    const port = s.server.port;
    const enc = (t: string) => new TextEncoder().encode(t);
    const a = await rawSocket(port);
    const message = JSON.stringify({ id: "frag", op: "query", params: {} });
    a.send(frame(0x1, enc(message.slice(0, 10)), false));
    a.send(frame(0x9, enc("hi"))); // a ping between fragments is allowed
    a.send(frame(0x0, enc(message.slice(10)), true));
    await a.waitFor(2);
    assert.equal(a.frames[0]!.opcode, 0xa);
    assert.equal(a.frames[0]!.text, "hi");
    assert.equal(a.frames[1]!.opcode, 0x1);
    assert.equal(JSON.parse(a.frames[1]!.text).id, "frag");
    a.send(frame(0x2, new Uint8Array([1, 2, 3])));
    await a.waitFor(3);
    assert.equal(a.frames[2]!.opcode, 0x8);
    assert.equal((a.frames[2]!.bytes[0]! << 8) | a.frames[2]!.bytes[1]!, 1003);
    await a.closed;
    const b = await rawSocket(port);
    b.send(frame(0x1, new Uint8Array(20_000).fill(32)));
    await b.waitFor(1);
    assert.equal(b.frames[0]!.opcode, 0x8);
    assert.equal((b.frames[0]!.bytes[0]! << 8) | b.frames[0]!.bytes[1]!, 1009);
    await b.closed;
  } finally {
    await s.close();
  }
});
