import { test } from "node:test";
import assert from "node:assert/strict";
import { ExchangeError, NotSentError, RequestFailedError, UnknownOrderStateError } from "../../lib/errors.ts";
import { ControlError, JOURNAL_UNAVAILABLE_MSG, LOCAL_CODES, toHttpError } from "../../lib/control/errors.ts";

const ex = (status: number, code: number) =>
  new ExchangeError({ status, code, msg: "m", method: "order.place" });

test("toHttpError: exchange answers keep their code; 400 for rejects, 429/418 mirrored, 5xx → 502", () => {
  assert.deepEqual(toHttpError(ex(400, -2019)), { status: 400, body: { code: -2019, msg: "m" } });
  assert.equal(toHttpError(ex(401, -2015)).status, 400, "an exchange 401 is not the control plane's 401");
  assert.equal(toHttpError(ex(429, -1015)).status, 429);
  assert.equal(toHttpError(ex(418, -1003)).status, 418);
  assert.equal(toHttpError(ex(503, 0)).status, 502);
});

test("toHttpError: not-sent reasons map to 503/429 with local codes", () => {
  const map = (r: ConstructorParameters<typeof NotSentError>[0]) => {
    const e = toHttpError(new NotSentError(r, "x"));
    return [e.status, e.body.code];
  };
  assert.deepEqual(map("halted"), [503, LOCAL_CODES.HALTED]);
  assert.deepEqual(map("disconnected"), [503, LOCAL_CODES.DISCONNECTED]);
  assert.deepEqual(map("closed"), [503, LOCAL_CODES.DISCONNECTED]);
  assert.deepEqual(map("backpressure"), [503, LOCAL_CODES.BUSY]);
  assert.deepEqual(map("rate-limit"), [429, LOCAL_CODES.RATE_LIMITED]);
});

test("toHttpError: a journal that cannot be written → 507 (code -17), a fixed message without the path", () => {
  const e = toHttpError(new NotSentError("journal", "write failed on /srv/lr/journal-000003.log: ENOSPC"));
  assert.deepEqual(e, {
    status: 507,
    body: { code: LOCAL_CODES.JOURNAL_UNAVAILABLE, msg: JOURNAL_UNAVAILABLE_MSG },
  });
  assert.equal(
    JOURNAL_UNAVAILABLE_MSG,
    "order not sent: the order journal cannot be written; see the router's log",
  );
  assert.ok(!e.body.msg.includes("/"), "no path");
});

test("LOCAL_CODES: every code is distinct and within -1..-99", () => {
  const codes = Object.values(LOCAL_CODES);
  assert.equal(new Set(codes).size, codes.length);
  for (const c of codes) assert.ok(c <= -1 && c >= -99, String(c));
});

test("toHttpError: unknown order state → 504 with clientOrderId; read failures → 504/503", () => {
  const unknown = toHttpError(
    new UnknownOrderStateError({ method: "order.place", clientOrderId: "c-1", reason: "timeout" }),
  );
  assert.equal(unknown.status, 504);
  assert.equal(unknown.body.code, LOCAL_CODES.UNKNOWN_ORDER_STATE);
  assert.equal(unknown.body.clientOrderId, "c-1");
  assert.equal(unknown.body.exchangeCode, undefined);
  const timeout = toHttpError(new RequestFailedError({ method: "order.status", reason: "timeout" }));
  assert.deepEqual([timeout.status, timeout.body.code], [504, LOCAL_CODES.NO_ANSWER]);
  const dropped = toHttpError(new RequestFailedError({ method: "order.status", reason: "disconnect" }));
  assert.equal(dropped.status, 503);
});

test("toHttpError: control errors pass through; anything else is a bare 500 reported to the hook", () => {
  const c = toHttpError(
    new ControlError({ status: 401, code: -5, msg: "no", headers: { "www-authenticate": "Bearer" } }),
  );
  assert.deepEqual(c, {
    status: 401,
    body: { code: -5, msg: "no" },
    headers: { "www-authenticate": "Bearer" },
  });
  const seen: unknown[] = [];
  const bug = toHttpError(new TypeError("secret internals"), (e) => seen.push(e));
  assert.equal(bug.status, 500);
  assert.equal(bug.body.code, LOCAL_CODES.INTERNAL);
  assert.ok(!bug.body.msg.includes("secret internals"));
  assert.equal(seen.length, 1);
});
