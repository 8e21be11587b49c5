/**
 * Fault suite, control plane: 1,000+ generated malformed and hostile requests (wrong types, huge numbers,
 * missing and unknown fields, oversized bodies, bad JSON, wrong content types, forbidden Host/Origin). Every
 * one must get a 4xx with a clear {code, msg}, none may reach the exchange, and the process stays up.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { LOCAL_CODES } from "../../lib/control/errors.ts";
import { connect } from "node:net";
import { LIMIT_ORDER, rawRequest, startStack } from "./_stack.ts";

/** Deterministic pseudo-random numbers (xorshift), so a failure can be replayed. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

const HOSTILE_VALUES: unknown[] = [
  null,
  true,
  -1,
  0,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER * 10,
  "",
  " ",
  "NaN",
  "Infinity",
  "-0.002",
  "0x10",
  "1e5",
  "0.002; DROP TABLE",
  "x".repeat(5000),
  "<script>",
  "\u0000",
  "../../etc/passwd",
  [],
  [1, 2],
  {},
  { $gt: 0 },
  "BTCUSDT\n",
  "buy",
  "LIMIT ",
  "9".repeat(400),
];
const FIELDS = Object.keys(LIMIT_ORDER);

/** A body that must be refused: one field broken, one removed, or one unknown field added. */
function brokenOrder(r: () => number): Record<string, unknown> {
  const body: Record<string, unknown> = { ...LIMIT_ORDER };
  const field = FIELDS[Math.floor(r() * FIELDS.length)]!;
  const mode = Math.floor(r() * 3);
  if (mode === 0) body[field] = HOSTILE_VALUES[Math.floor(r() * HOSTILE_VALUES.length)];
  else if (mode === 1) delete body[field];
  else {body[["__proto__x", "signature", "apiKey", "timestamp", "recvWindow", "foo"][Math.floor(r() * 6)]!] =
      1;}
  return body;
}

test("hostile input: 1,000+ malformed requests all get 4xx {code,msg}, none reaches the exchange", {
  timeout: 120_000,
}, async () => {
  const s = await startStack();
  try {
    const r = rng(20261124);
    const before = s.sim.stats().requests;
    const servedBefore = s.served.length;
    const answered: number[] = [];
    const codes = new Set<number>();
    const expect4xx = (label: string, res: { status: number; body: unknown }) => {
      assert.ok(res.status >= 400 && res.status < 500, `${label} → ${res.status}`);
      const body = typeof res.body === "string" ? JSON.parse(res.body) : res.body as Record<string, unknown>;
      assert.equal(typeof body.code, "number", label);
      assert.ok(typeof body.msg === "string" && body.msg.length > 0, label);
      answered.push(res.status);
      codes.add(body.code);
    };

    for (let i = 0; i < 600; i++) {
      const body = brokenOrder(r);
      const method = i % 5 === 0 ? "PATCH" : "POST";
      const res = await s.call(method, "/orders", { json: body });
      expect4xx(`${method} ${JSON.stringify(body).slice(0, 120)}`, res);
    }
    const badJson = ["{", "[]", "null", "1", '"x"', "{'a':1}", '{"symbol":}', "\u0000", "{}".repeat(3)];
    for (let i = 0; i < 100; i++) {
      const res = await s.call("POST", "/orders", {
        body: badJson[i % badJson.length]!,
        headers: { "content-type": "application/json" },
      });
      expect4xx(`bad json ${i}`, res);
    }
    const types = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""];
    for (let i = 0; i < 100; i++) {
      const res = await s.call("POST", "/orders", {
        body: JSON.stringify(LIMIT_ORDER),
        headers: { "content-type": types[i % types.length]! },
      });
      expect4xx(`content type ${types[i % types.length]}`, res);
    }
    for (let i = 0; i < 50; i++) {
      const res = await s.call("POST", "/orders", { body: '{"symbol":"' + "A".repeat(17_000 + i) + '"}' });
      expect4xx(`oversized ${i}`, res);
    }
    const queries = [
      "/orders?symbol=BTCUSDT&orderId=-1",
      "/orders?symbol=BTCUSDT&orderId=1e3",
      "/orders?symbol=BTCUSDT&orderId=99999999999999999999999",
      "/orders?symbol=&orderId=1",
      "/orders?symbol=BTCUSDT&origClientOrderId=" + "x".repeat(37),
      "/orders?symbol=BTCUSDT&origClientOrderId=a%20b",
      "/orders?state=all",
      "/account/positions?symbol=%00",
    ];
    for (let i = 0; i < 100; i++) {
      const q = queries[i % queries.length]!;
      expect4xx(`GET ${q}`, await s.call(i % 2 ? "GET" : "DELETE", q));
    }
    const port = Number(new URL(s.url).port);
    const heads = [
      `POST /orders HTTP/1.1\r\nHost: evil.example`,
      `POST /orders HTTP/1.1\r\nHost: 127.0.0.1.nip.io:${port}`,
      `POST /orders HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: https://evil.example`,
      `POST /halt HTTP/1.1\r\nHost: localhost:${port}\r\nOrigin: null`,
      `DELETE /orders?symbol=BTCUSDT&orderId=1 HTTP/1.1\r\nHost: localhost:${port}\r\nSec-Fetch-Site: cross-site`,
    ];
    for (let i = 0; i < 100; i++) {
      const head = heads[i % heads.length]!;
      const res = await rawRequest(port, head, JSON.stringify(LIMIT_ORDER));
      expect4xx(head.split("\r\n").join(" | "), res);
    }
    // Every answer came from the control plane itself (not from the runtime's HTTP parser refusing the
    // request): the app produced exactly these statuses, one per hostile request, 1,050 in all.
    assert.equal(answered.length, 1050);
    assert.deepEqual(s.served.slice(servedBefore), answered);
    // Each kind of hostility was refused for its own reason.
    assert.deepEqual([...codes].sort((a, b) => b - a), [
      LOCAL_CODES.INVALID_REQUEST,
      LOCAL_CODES.UNSUPPORTED_MEDIA_TYPE,
      LOCAL_CODES.MALFORMED_JSON,
      LOCAL_CODES.BODY_TOO_LARGE,
      LOCAL_CODES.FORBIDDEN,
    ]);
    assert.equal(s.sim.stats().requests, before, "no hostile request reached the exchange");
    assert.equal(s.router.halted, undefined, "no hostile request halted the router");
    // Still alive and working.
    const ok = await s.call("POST", "/orders", { json: LIMIT_ORDER });
    assert.equal(ok.status, 200);
  } finally {
    await s.close();
  }
});

test("hostile input: a key given twice, or a __proto__ key, is refused by name and reaches nothing", async () => {
  const s = await startStack();
  try {
    const before = s.sim.stats().ordersPlaced;
    const cases: [string, string, RegExp][] = [
      // JSON.parse keeps the last: this would go out as a SELL of 0.010.
      [
        "/orders",
        '{"symbol":"BTCUSDT","side":"BUY","type":"LIMIT","quantity":"0.002","price":"52000",' +
        '"timeInForce":"GTC","side":"SELL","quantity":"0.010"}',
        /^side: given more than once$/,
      ],
      // The same key spelled with an escape is the same key.
      [
        "/orders",
        '{"symbol":"BTCUSDT","side":"BUY","\\u0073ide":"SELL","type":"MARKET","quantity":"0.002"}',
        /^side: given more than once$/,
      ],
      ["/halt", '{"reason":"a","reason":"b"}', /^reason: given more than once$/],
      ["/orders", '{"symbol":"BTCUSDT","__proto__":{"side":"SELL"}}', /^__proto__: not an accepted key$/],
    ];
    for (const [path, body, msg] of cases) {
      const r = await s.call("POST", path, { body, headers: { "content-type": "application/json" } });
      assert.equal(r.status, 400, body);
      assert.equal(r.body.code, LOCAL_CODES.INVALID_REQUEST, body);
      assert.match(r.body.msg, msg);
    }
    assert.equal(s.sim.stats().ordersPlaced, before, "nothing reached the exchange");
    assert.equal(
      (await s.call("GET", "/health")).body.halted,
      false,
      "the halt with two reasons did not run",
    );
  } finally {
    await s.close();
  }
});

test("hostile input: an unknown or lower-case method is 501 and serves nothing (post /halt does not halt)", async () => {
  const s = await startStack();
  try {
    const port = Number(new URL(s.url).port);
    for (const method of ["FOO", "GETX", "G", "post", "get", "A".repeat(10_000)]) {
      const path = method === "post" ? "/halt" : "/orders";
      const res = await rawRequest(port, `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}`, "{}");
      assert.equal(res.status, 501, method.slice(0, 10));
      const body = JSON.parse(res.body);
      assert.equal(body.code, LOCAL_CODES.INVALID_REQUEST);
      assert.match(
        body.msg,
        /^unknown method: the methods are GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS$/,
      );
    }
    assert.equal((await s.call("GET", "/health")).body.halted, false);
    assert.equal((await s.call("GET", "/orders")).status, 200, "still serving");
  } finally {
    await s.close();
  }
});

test("hostile input: a query string on a route that takes a body is refused by name; nothing acts on the body alone", async () => {
  const s = await startStack();
  try {
    const before = s.sim.stats().ordersPlaced;
    const cases: [string, string, unknown, RegExp][] = [
      [
        "POST",
        "/orders?symbol=ETHUSDT&quantity=5&side=SELL&side=BUY",
        LIMIT_ORDER,
        /^POST \/orders takes no query parameters \(got "symbol", "quantity", "side"\): send them in the JSON body$/,
      ],
      ["PATCH", "/orders?price=1", {
        symbol: "BTCUSDT",
        orderId: 1,
        side: "BUY",
        quantity: "0.002",
        price: "2",
      }, /"price"/],
      ["POST", "/halt?reason=news", undefined, /^POST \/halt takes no query/],
      ["POST", "/orders?=", LIMIT_ORDER, /got ""/],
    ];
    for (const [method, path, json, msg] of cases) {
      const r = await s.call(method, path, json === undefined ? {} : { json });
      assert.equal(r.status, 400, path);
      assert.equal(r.body.code, LOCAL_CODES.INVALID_REQUEST, path);
      assert.match(r.body.msg, msg, path);
    }
    assert.equal(s.sim.stats().ordersPlaced, before, "nothing reached the exchange");
    assert.equal((await s.call("GET", "/health")).body.halted, false, "nothing halted");
    // A bare "?" carries no parameter: served.
    assert.equal((await s.call("POST", "/orders?", { json: LIMIT_ORDER })).status, 200);
  } finally {
    await s.close();
  }
});

test("hostile input: a halt reason with a bidi override, a zero-width or control character, or only blanks is refused", async () => {
  const s = await startStack();
  try {
    const invisible = ["\u3164", "\u2800", "\u0301\u0301", "\uFE0F", "\uE000 x", "\uFFFF", "\ud800 x"];
    for (const reason of ["x\u202eevil", "a\u200bb", "line\u2028two", "tab\there", "   ", "", ...invisible]) {
      const r = await s.call("POST", "/halt", { json: { reason } });
      assert.equal(r.status, 400, JSON.stringify(reason));
      assert.match(r.body.msg, /^reason: .*1-200 printable characters, not blank/, JSON.stringify(reason));
    }
    assert.equal((await s.call("GET", "/health")).body.halted, false);
    const ok = await s.call("POST", "/halt", { json: { reason: "news: CPI 08:30 — ½ size, 日本" } });
    assert.equal(ok.status, 200);
    assert.equal((await s.call("GET", "/health")).body.haltReason, "news: CPI 08:30 — ½ size, 日本");
  } finally {
    await s.close();
  }
});

test("hostile input: a body sent with a Content-Encoding is refused (415), through the order lane and the app alike", async () => {
  const s = await startStack();
  try {
    const before = s.sim.stats().ordersPlaced;
    for (const [path, encoding] of [["/orders", "gzip"], ["/orders", "br"], ["/halt", "x-bogus"]]) {
      const r = await s.call("POST", path!, {
        json: path === "/halt" ? { reason: "encoded" } : LIMIT_ORDER,
        headers: { "content-encoding": encoding! },
      });
      assert.equal(r.status, 415, `${path} ${encoding}`);
      assert.equal(r.body.code, LOCAL_CODES.UNSUPPORTED_MEDIA_TYPE);
      assert.match(r.body.msg, new RegExp(`^body: Content-Encoding "${encoding}" is not supported`));
    }
    assert.equal(s.sim.stats().ordersPlaced, before, "nothing reached the exchange");
    assert.equal((await s.call("GET", "/health")).body.halted, false);
    const plain = await s.call("POST", "/orders", {
      json: LIMIT_ORDER,
      headers: { "content-encoding": "identity" },
    });
    assert.equal(plain.status, 200);
  } finally {
    await s.close();
  }
});

/** Writes `text` as is on a fresh connection; the answer's status (0: none before the close). */
function rawExchange(port: number, text: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    let data = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("raw exchange timed out"));
    }, 5000);
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => data += chunk);
    socket.on("error", () => {}); // a reset after the answer
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(data)?.[1] ?? 0));
    });
    socket.on("connect", () => socket.write(text));
  });
}

test("hostile input: a body under a transfer coding besides chunked (gzip, chunked) is refused, not read as plain", async () => {
  const s = await startStack();
  try {
    const before = s.sim.stats().ordersPlaced;
    const body = JSON.stringify(LIMIT_ORDER);
    const request = (coding: string) =>
      `POST /orders HTTP/1.1\r\nHost: 127.0.0.1:${s.server.port}\r\ncontent-type: application/json\r\n` +
      `transfer-encoding: ${coding}\r\nconnection: close\r\n\r\n${
        body.length.toString(16)
      }\r\n${body}\r\n0\r\n\r\n`;
    for (const coding of ["gzip, chunked", "identity, chunked"]) {
      assert.equal(await rawExchange(s.server.port, request(coding)), 400, coding);
    }
    assert.equal(s.sim.stats().ordersPlaced, before, "nothing reached the exchange");
    assert.equal(await rawExchange(s.server.port, request("chunked")), 200);
  } finally {
    await s.close();
  }
});
