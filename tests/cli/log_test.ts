import { test } from "node:test";
import assert from "node:assert/strict";
import { createLogger } from "../../lib/cli/log.ts";
import { logGatewayEvent } from "../../lib/cli/events.ts";
import { banner } from "../../lib/cli/banner.ts";

const AT = new Date("2026-01-02T03:04:05.006Z");

function capture(format: "text" | "json", secrets: string[] = []) {
  const lines: string[] = [];
  const log = createLogger({ format, write: (l) => lines.push(l), now: () => AT, secrets });
  return { log, lines };
}

test("log: text lines carry time, level, message and key=value fields", () => {
  const { log, lines } = capture("text");
  log.info("exchange connected", { generation: 2, skipped: undefined });
  log.warn("exchange disconnected", { reason: "socket closed by peer" });
  assert.deepEqual(lines, [
    "2026-01-02T03:04:05.006Z INFO  exchange connected generation=2",
    '2026-01-02T03:04:05.006Z WARN  exchange disconnected reason="socket closed by peer"',
  ]);
});

test("log: JSON lines are one object per line", () => {
  const { log, lines } = capture("json");
  log.error("fatal uncaught exception; exiting", { error: "Error: boom\n  at x" });
  assert.equal(lines.length, 1);
  assert.deepEqual(JSON.parse(lines[0]!), {
    ts: "2026-01-02T03:04:05.006Z",
    level: "error",
    msg: "fatal uncaught exception; exiting",
    error: "Error: boom\n  at x",
  });
});

test("log: a message stays on one line and secrets are scrubbed from every line", () => {
  const secret = "s3cr3t-value-123456";
  const { log, lines } = capture("text", [secret, "short"]);
  log.error(`cannot connect\nwith ${secret}`, { detail: `key=${secret}`, other: "short" });
  assert.equal(lines.length, 1);
  assert.ok(!lines[0]!.includes("\n"));
  assert.ok(!lines[0]!.includes(secret), lines[0]!);
  assert.match(lines[0]!, /\[redacted\]/);
  assert.match(lines[0]!, /other=short/, "values too short to be secrets are left alone");
});

test("log: a throwing sink does not throw to the caller", () => {
  const log = createLogger({
    format: "text",
    write: () => {
      throw new Error("stderr closed");
    },
  });
  log.info("still fine");
});

test("log: one line per router event, with the fields that matter", () => {
  const { log, lines } = capture("json");
  logGatewayEvent(log, { type: "connected", generation: 1 });
  logGatewayEvent(log, { type: "disconnected", generation: 1, reason: "dead link" });
  logGatewayEvent(log, { type: "reconnecting", attempt: 2, delayMs: 150.7, error: "refused" });
  logGatewayEvent(log, { type: "rotated", generation: 2, reason: "age" });
  logGatewayEvent(log, { type: "malformed-frame", sample: "not json" });
  logGatewayEvent(log, { type: "rate-limited", status: 429, untilMs: Date.UTC(2026, 0, 1) });
  logGatewayEvent(log, { type: "clock", offsetMs: -3 });
  logGatewayEvent(log, { type: "stream-down", reason: "closed 1006" });
  logGatewayEvent(log, {
    type: "gap-reconciled",
    reason: "user stream reconnected",
    orders: 3,
    error: "-2015 x",
  });
  logGatewayEvent(log, {
    type: "credentials-refused",
    code: -2015,
    msg: "Invalid API-key, IP, or permissions for action.",
    method: "order.place",
  });
  const records = lines.map((l) => JSON.parse(l));
  assert.deepEqual(records.map((r) => [r.level, r.msg]), [
    ["info", "exchange connected"],
    ["warn", "exchange disconnected"],
    ["warn", "exchange reconnecting"],
    ["info", "connection rotated"],
    ["warn", "malformed frame from exchange"],
    ["warn", "rate-limited by the exchange"],
    ["info", "clock synced"],
    ["warn", "user stream down; reconnecting (the gap is reconciled once it is back)"],
    ["warn", "gap reconciled in part: some queries failed (tried again at the next gap or audit)"],
    ["error", "the exchange refuses the API key: check the key, its IP allow-list and permissions"],
  ]);
  assert.equal(records[2].delayMs, 151);
  assert.equal(records[5].until, "2026-01-01T00:00:00.000Z");
  assert.deepEqual([records[7].reason, records[8].error, records[9].code], ["closed 1006", "-2015 x", -2015]);
});

test("log: every gateway event type has its own line (none falls to the generic one)", async () => {
  // The event union's names, read from its sources: a new event without a line of its own fails here.
  const { readFileSync } = await import("node:fs");
  const source = [
    "lib/gateway/gateway_events.ts",
    "lib/router/router_options.ts",
    "lib/stream/user_stream.ts",
    "lib/pipeline/request_pipeline.ts",
    "lib/risk/pre_trade_guard.ts",
    "lib/connection/link.ts",
  ]
    .map((f) => readFileSync(new URL(`../../${f}`, import.meta.url), "utf8")).join("\n");
  const types = new Set([...source.matchAll(/type: "([a-z-]+)"/g)].map((m) => m[1]!));
  types.delete("clock-rejected"); // the router resyncs its clock on it; never an event
  const cases = readFileSync(new URL("../../lib/cli/events.ts", import.meta.url), "utf8");
  const missing = [...types].filter((t) => !cases.includes(`case "${t}":`));
  assert.deepEqual(missing, []);
});

test("banner: names the simulator and the control URL; JSON variant is one line", () => {
  const facts = {
    mode: "simulator" as const,
    endpoint: "ws://127.0.0.1:1234/ws-fapi/v1",
    auth: "hmac" as const,
    controlUrl: "http://127.0.0.1:7777",
    tokenRequired: false,
    dataDir: "./lightning-data",
  };
  const text = banner(facts, "text");
  assert.match(text, /SIMULATOR — no real orders/);
  assert.match(text, /control\s+http:\/\/127\.0\.0\.1:7777/);
  assert.match(text, /endpoint\s+ws:\/\/127\.0\.0\.1:1234\/ws-fapi\/v1/);
  const json = banner({ ...facts, mode: "production" }, "json");
  assert.ok(!json.includes("\n"));
  assert.equal(JSON.parse(json).controlUrl, "http://127.0.0.1:7777");
  assert.match(banner({ ...facts, mode: "production" }, "text"), /PRODUCTION — real orders/);
});
