/** RequestGuard and constantTimeEqual: Host, Origin / Sec-Fetch-Site and bearer-token checks on plain Requests. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ControlError, LOCAL_CODES } from "../../lib/control/errors.ts";
import { constantTimeEqual, type GuardOptions, RequestGuard } from "../../lib/control/guard.ts";

const PORT = 7777;
const TOKEN = "0123456789abcdef";

function request(headers: Record<string, string>): Request {
  return new Request(`http://127.0.0.1:${PORT}/orders`, { headers });
}

/** The ControlError `check` throws for `headers` on `path`, or undefined when the request passes. */
function refusal(guard: RequestGuard, headers: Record<string, string>, path = "/orders") {
  try {
    guard.check(request(headers), path);
    return undefined;
  } catch (e) {
    assert.ok(e instanceof ControlError, String(e));
    return { status: e.status, code: e.code, msg: e.message, headers: e.headers };
  }
}

const guardWith = (options: Partial<GuardOptions> = {}) => new RequestGuard({ port: () => PORT, ...options });

test("RequestGuard: loopback Host names pass, with our port or none, in any case", () => {
  const guard = guardWith();
  for (const host of ["127.0.0.1", "localhost", "[::1]", "LOCALHOST", "LocalHost:7777", " 127.0.0.1:7777 "]) {
    assert.equal(refusal(guard, { host }), undefined, host);
  }
  assert.equal(refusal(guard, { host: `[::1]:${PORT}` }), undefined);
});

test("RequestGuard: a foreign or malformed Host is refused with 403 and the Host named", () => {
  const guard = guardWith();
  for (
    const host of [
      "evil.example",
      "127.0.0.1.nip.io",
      "localhost.",
      "::1",
      "localhost:abc",
      "localhost:123456",
    ]
  ) {
    assert.deepEqual(refusal(guard, { host }), {
      status: 403,
      code: LOCAL_CODES.FORBIDDEN,
      msg: `Host ${JSON.stringify(host)} not allowed; use http://127.0.0.1:<port>`,
      headers: undefined,
    });
  }
  assert.equal(refusal(guard, {})?.msg, 'Host "" not allowed; use http://127.0.0.1:<port>');
});

test("RequestGuard: a loopback name on another port is refused; any port passes while ours is unknown", () => {
  assert.equal(refusal(guardWith(), { host: "127.0.0.1:7778" })?.status, 403);
  const unbound = new RequestGuard({ port: () => undefined });
  assert.equal(refusal(unbound, { host: "127.0.0.1:7778" }), undefined);
});

test("RequestGuard: a Host allowed before is judged again once the port changes; a foreign one after it is refused", () => {
  let port: number | undefined = undefined;
  const guard = new RequestGuard({ port: () => port });
  // Allowed while the port is unknown, then remembered: the same text must not pass once the port is known.
  assert.equal(refusal(guard, { host: "127.0.0.1:9999" }), undefined);
  assert.equal(refusal(guard, { host: "127.0.0.1:9999" }), undefined);
  port = PORT;
  assert.equal(refusal(guard, { host: "127.0.0.1:9999" })?.status, 403);
  assert.equal(refusal(guard, { host: `127.0.0.1:${PORT}` }), undefined);
  assert.equal(refusal(guard, { host: `127.0.0.1:${PORT}` }), undefined);
  assert.equal(refusal(guard, { host: `evil.example:${PORT}` })?.status, 403);
  assert.equal(refusal(guard, { host: `127.0.0.1:${PORT}` }), undefined);
  port = PORT + 1;
  assert.equal(refusal(guard, { host: `127.0.0.1:${PORT}` })?.status, 403);
});

test("RequestGuard: allowedHosts adds names (case and brackets ignored) without dropping loopback", () => {
  const guard = guardWith({ allowedHosts: ["Router.LAN", "[fd00::1]"] });
  assert.equal(refusal(guard, { host: "router.lan:7777" }), undefined);
  assert.equal(refusal(guard, { host: "[FD00::1]:7777" }), undefined);
  assert.equal(refusal(guard, { host: "localhost" }), undefined);
  assert.equal(refusal(guard, { host: "other.lan" })?.status, 403);
});

test("RequestGuard: cross-origin browser requests (foreign Origin, Sec-Fetch-Site other than same-origin) are refused", () => {
  const guard = guardWith();
  const host = "127.0.0.1:7777";
  assert.deepEqual(refusal(guard, { host, origin: "null" }), {
    status: 403,
    code: LOCAL_CODES.FORBIDDEN,
    msg: 'cross-origin browser request refused: Origin "null" is not this server\'s origin',
    headers: undefined,
  });
  for (const site of ["cross-site", "same-site"]) {
    assert.equal(
      refusal(guard, { host, "sec-fetch-site": site })?.msg,
      `cross-origin browser request refused (Sec-Fetch-Site: ${site})`,
    );
  }
  assert.equal(refusal(guard, { host, "sec-fetch-site": "none" }), undefined, "typed into the address bar");
  assert.equal(
    refusal(guard, { host, "sec-fetch-site": "same-origin", origin: "http://127.0.0.1:7777" }),
    undefined,
    "a read from the dashboard page",
  );
});

test("RequestGuard: with a token, every path but the open ones needs the right bearer token", () => {
  const guard = guardWith({ token: TOKEN });
  const host = "localhost";
  const unauthorized = {
    status: 401,
    code: LOCAL_CODES.UNAUTHORIZED,
    msg: "missing or wrong bearer token (Authorization: Bearer <ROUTER_TOKEN>)",
    headers: { "www-authenticate": "Bearer" },
  };
  assert.deepEqual(refusal(guard, { host }), unauthorized);
  for (
    const authorization of [
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      `Basic ${TOKEN}`,
      `Bearer`,
      `Bearer ${TOKEN} extra`,
      TOKEN,
    ]
  ) {
    assert.deepEqual(refusal(guard, { host, authorization }), unauthorized, authorization);
  }
  for (const authorization of [`Bearer ${TOKEN}`, `bearer \t${TOKEN}  `, `BEARER ${TOKEN}`]) {
    assert.equal(refusal(guard, { host, authorization }), undefined, authorization);
  }
  assert.equal(refusal(guard, { host }, "/health"), undefined, "/health is open by default");
  const custom = guardWith({ token: TOKEN, openPaths: ["/metrics"] });
  assert.equal(refusal(custom, { host }, "/metrics"), undefined);
  assert.equal(refusal(custom, { host }, "/health")?.status, 401, "openPaths replaces the default");
});

test("RequestGuard: the Host check comes before the token (a right token does not admit a foreign Host)", () => {
  const guard = guardWith({ token: TOKEN });
  assert.equal(refusal(guard, { host: "evil.example", authorization: `Bearer ${TOKEN}` })?.status, 403);
  assert.equal(refusal(guard, { host: "localhost", origin: "https://a.example" })?.status, 403);
});

test("constantTimeEqual: equal only for the same bytes, whatever the lengths", () => {
  const b = (s: string) => new TextEncoder().encode(s);
  assert.equal(constantTimeEqual(b("secret"), b("secret")), true);
  assert.equal(constantTimeEqual(b(""), b("")), true);
  assert.equal(constantTimeEqual(b("secret"), b("secreT")), false);
  assert.equal(constantTimeEqual(b("secret"), b("secret!")), false);
  assert.equal(constantTimeEqual(b("secret"), b("secre")), false);
  assert.equal(constantTimeEqual(b("secret"), b("")), false);
  assert.equal(constantTimeEqual(b(""), b("x")), false);
  assert.equal(constantTimeEqual(b("abab"), b("ab")), false, "a repeating prefix is not a match");
});
