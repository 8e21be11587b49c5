import { test } from "node:test";
import assert from "node:assert/strict";
import { constantTimeEqual, RequestGuard } from "../../lib/control/guard.ts";
import { ControlError } from "../../lib/control/errors.ts";
import { LIMIT_ORDER, rawRequest, startStack } from "./_stack.ts";

const TOKEN = "tok-0123456789abcdef-XYZ";

test("Host must be a loopback name with our port (DNS rebinding is refused with 403)", async () => {
  const s = await startStack();
  const port = s.server.port;
  try {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, "localhost"]) {
      const r = await rawRequest(port, `GET /health HTTP/1.1\r\nHost: ${host}`);
      assert.equal(r.status, 200, host);
    }
    for (
      const host of [
        `evil.example:${port}`,
        `127.0.0.1.evil.example:${port}`,
        `127.0.0.1:${port + 1}`,
        "10.0.0.1",
      ]
    ) {
      const r = await rawRequest(port, `GET /health HTTP/1.1\r\nHost: ${host}`);
      assert.equal(r.status, 403, host);
      assert.equal(JSON.parse(r.body).code, -6);
    }
  } finally {
    await s.close();
  }
});

test("browser requests (Origin, Sec-Fetch-Site) are refused with 403 and never reach the exchange", async () => {
  const s = await startStack();
  const port = s.server.port;
  try {
    const before = s.sim.stats().requests;
    const body = JSON.stringify(LIMIT_ORDER);
    const origin = await rawRequest(
      port,
      `POST /orders HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: https://evil.example`,
      body,
    );
    assert.equal(origin.status, 403);
    assert.match(JSON.parse(origin.body).msg, /Origin/);
    const nullOrigin = await rawRequest(
      port,
      `POST /orders HTTP/1.1\r\nHost: localhost:${port}\r\nOrigin: null`,
      body,
    );
    assert.equal(nullOrigin.status, 403);
    const site = await rawRequest(
      port,
      `POST /halt HTTP/1.1\r\nHost: localhost:${port}\r\nSec-Fetch-Site: cross-site`,
    );
    assert.equal(site.status, 403);
    assert.equal(s.sim.stats().requests, before);
    assert.equal(s.sim.orders().length, 0);
    assert.equal(s.router.halted, undefined);
  } finally {
    await s.close();
  }
});

test("with a token every route but /health needs Authorization: Bearer (401 otherwise)", async () => {
  const s = await startStack({ token: TOKEN });
  try {
    const health = await s.call("GET", "/health");
    assert.equal(health.status, 200);
    for (
      const headers of [{}, { authorization: "Bearer wrong-token-0123456789" }, {
        authorization: `Basic ${TOKEN}`,
      }, {
        authorization: `Bearer ${TOKEN}x`,
      }]
    ) {
      const r = await s.call("GET", "/account/balance", { headers });
      assert.equal(r.status, 401, JSON.stringify(headers));
      assert.equal(r.body.code, -5);
      assert.equal(r.headers.get("www-authenticate"), "Bearer");
    }
    const metrics = await s.call("GET", "/metrics");
    assert.equal(metrics.status, 401);
    const before = s.sim.stats().requests;
    const place = await s.call("POST", "/orders", { json: LIMIT_ORDER });
    assert.equal(place.status, 401);
    assert.equal(s.sim.stats().requests, before, "an unauthorised order never reaches the exchange");
    const ok = await s.call("GET", "/account/balance", { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(ok.status, 200);
    const placed = await s.call("POST", "/orders", {
      json: LIMIT_ORDER,
      headers: { authorization: `bearer ${TOKEN}` },
    });
    assert.equal(placed.status, 200);
    assert.ok(!JSON.stringify(metrics.body).includes(TOKEN));
  } finally {
    await s.close();
  }
});

test("constantTimeEqual: equal only for identical bytes, any length", () => {
  const e = (s: string) => new TextEncoder().encode(s);
  assert.ok(constantTimeEqual(e("abcdef"), e("abcdef")));
  assert.ok(!constantTimeEqual(e("abcdef"), e("abcdeg")));
  assert.ok(!constantTimeEqual(e("abcdef"), e("abcde")));
  assert.ok(!constantTimeEqual(e("abcdef"), e("abcdefabcdef")));
  assert.ok(!constantTimeEqual(e("abcdef"), e("")));
});

test("RequestGuard: an exposed bind address is accepted in Host alongside loopback names", () => {
  const guard = new RequestGuard({ allowedHosts: ["10.0.0.5"], port: () => 7777, token: TOKEN });
  const req = (host: string, auth = `Bearer ${TOKEN}`) =>
    new Request("http://127.0.0.1:7777/account", { headers: { host, authorization: auth } });
  guard.check(req("10.0.0.5:7777"), "/account");
  guard.check(req("127.0.0.1:7777"), "/account");
  assert.throws(
    () => guard.check(req("10.0.0.6:7777"), "/account"),
    (e: unknown) => e instanceof ControlError && e.status === 403,
  );
  assert.throws(
    () => guard.check(req("10.0.0.5:7777", "Bearer nope"), "/account"),
    (e: unknown) => e instanceof ControlError && e.status === 401,
  );
  guard.check(req("10.0.0.5:7777", ""), "/health");
});
