/**
 * The monitoring kit against the metrics the router really serves: every metric (and every label a selector
 * matches on) that deploy/grafana-dashboard.json and deploy/alerts.yml use appears in a live `/metrics` of
 * the control plane over the simulator, and the scrape config points at the router's default address.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "../cli/_child.ts";
import { LIMIT_ORDER, type Stack, startStack } from "../control/_stack.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const dashboard: Json = JSON.parse(readFileSync(join(REPO, "deploy", "grafana-dashboard.json"), "utf8"));
const alerts = readFileSync(join(REPO, "deploy", "alerts.yml"), "utf8");
const scrape = readFileSync(join(REPO, "deploy", "prometheus.yml"), "utf8");

/** The `expr:` values of the alert file (one line, or a `>-` block of deeper-indented lines). */
function alertExpressions(yaml: string): string[] {
  const lines = yaml.split("\n");
  const out: string[] = [];
  lines.forEach((line, i) => {
    const m = /^(\s*)expr:\s*(.*)$/.exec(line);
    if (m === null) return;
    if (!/^[>|]/.test(m[2]!)) return void out.push(m[2]!);
    const block: string[] = [];
    for (let j = i + 1; j < lines.length && /^\s*$|^\s+/.test(lines[j]!); j++) {
      if (lines[j]!.search(/\S/) <= m[1]!.length && lines[j]!.trim() !== "") break;
      block.push(lines[j]!.trim());
    }
    out.push(block.join(" "));
  });
  return out;
}

function dashboardExpressions(d: Json): string[] {
  const exprs = (d.panels as Json[]).flatMap((p) => (p.targets ?? []).map((t: Json) => t.expr as string));
  for (const v of d.templating?.list ?? []) if (typeof v.query === "string") exprs.push(v.query);
  return exprs;
}

/** `name{label="value",…}` selectors of lightning_* metrics in a PromQL expression. */
function selectors(expr: string): { name: string; labels: [string, string][] }[] {
  return [...expr.matchAll(/\b(lightning_[a-z0-9_]+)(?:\{([^}]*)\})?/g)].map((m) => ({
    name: m[1]!,
    labels: [...(m[2] ?? "").matchAll(/(\w+)\s*=\s*"([^"]*)"/g)].map((l) =>
      [l[1]!, l[2]!] as [string, string]
    ),
  }));
}

let stack: Stack;
let metrics: string[];

before(async () => {
  stack = await startStack({
    journalHealth: () => ({ ok: true }),
    audit: {
      health: () => ({
        intervalMs: 60_000,
        audits: 1,
        skipped: 0,
        drift: 0,
        lastAt: null,
        lastDrift: 0,
        lastError: null,
      }),
      run: () => Promise.resolve(undefined),
    },
    deadMan: { health: () => ({ countdownMs: 60_000, armed: [], refreshes: 0, failures: 0 }) },
    // A user stream, as a gateway with one has (without one there are no user stream series at all).
    userStream: {
      health: () => ({
        state: "up" as const,
        lastEventAgeMs: 5,
        reconnects: 0,
        listenKeyRenewals: 0,
        listenKeyPingOk: true,
      }),
    },
  });
  // One order, so the exchange has reported its rate limits and the RTT histogram has a sample.
  const placed = await stack.call("POST", "/orders", { json: LIMIT_ORDER });
  assert.equal(placed.status, 200, JSON.stringify(placed.body));
  const answer = await stack.call("GET", "/metrics");
  assert.equal(answer.status, 200);
  metrics = (answer.body as string).split("\n").filter((l) => l !== "" && !l.startsWith("#"));
});
after(() => stack.close());

/** Samples of `name` whose labels include every given (label, value) pair (`job`/`instance` come from Prometheus). */
function samples(name: string, labels: [string, string][]): string[] {
  return metrics.filter((line) => {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) return false;
    return labels.every(([k, v]) => k === "job" || k === "instance" || line.includes(`${k}="${v}"`));
  });
}

for (
  const [what, exprs] of [
    ["grafana-dashboard.json", dashboardExpressions(dashboard)],
    ["alerts.yml", alertExpressions(alerts)],
  ] as const
) {
  test(`${what}: every metric it uses is in a live /metrics`, () => {
    const used = exprs.flatMap(selectors);
    assert.ok(used.length >= 5, `${what}: found only ${used.length} lightning_* selectors`);
    for (const { name, labels } of used) {
      assert.ok(samples(name, labels).length > 0, `${what}: ${name}{${labels.join(",")}} is not in /metrics`);
    }
  });
}

test("the checks above can fail: a made-up metric or label value is not found", () => {
  assert.equal(samples("lightning_no_such_metric", []).length, 0);
  assert.equal(samples("lightning_orders", [["state", "no-such-state"]]).length, 0);
  assert.ok(samples("lightning_orders", [["state", "unknown"]]).length > 0);
});

test("the dashboard covers RTT, outcomes, reconnects, rate limits, unknown orders and fills", () => {
  const names = new Set(dashboardExpressions(dashboard).flatMap(selectors).map((s) => s.name));
  for (
    const n of [
      "lightning_rtt_seconds_bucket",
      "lightning_requests_total",
      "lightning_reconnects_total",
      "lightning_rate_limit_count",
      "lightning_rate_limit_limit",
      "lightning_orders",
      "lightning_fills_total",
    ]
  ) assert.ok(names.has(n), n);
});

test("alerts: down (not scraped) for 15 s, disconnected for 10 s, unknown orders for 30 s, halted, rate-limit usage over 80 %, stream down, drift, dead-man", () => {
  const rules = alerts.split(/\n\s*- alert: /).slice(1);
  const rule = (metric: string) =>
    rules.find((r) => alertExpressions(`  expr:${r.split("expr:")[1]}`)[0]?.includes(metric));
  assert.match(rule("lightning_connected") ?? "", /== 0[\s\S]*for: 10s/);
  assert.match(rule('state="unknown"') ?? "", /> 0[\s\S]*for: 30s/);
  assert.match(rule("lightning_halted") ?? "", /== 1/);
  assert.match(rule("lightning_rate_limit_limit") ?? "", /\) > 0\.8/);
  assert.match(rule("lightning_user_stream_up") ?? "", /== 0[\s\S]*for: 30s/);
  assert.match(rule("lightning_audit_drift_total") ?? "", /increase\(.*\[10m\]\) > 0/);
  assert.match(rule("lightning_dead_man_failures_total") ?? "", /increase\(.*\[5m\]\) > 0/);
  assert.match(
    rule("up{") ?? "",
    /up\{job="lightning-router"\} == 0[\s\S]*for: 15s/,
    "a dead router alerts too",
  );
  for (const r of rules) assert.match(r, /job="lightning-router"/, "selects the scrape job");
});

test("prometheus.yml scrapes /metrics at the router's default address as job lightning-router", () => {
  assert.match(scrape, /job_name: lightning-router\n/);
  assert.match(scrape, /metrics_path: \/metrics\n/);
  assert.match(scrape, /targets: \["127\.0\.0\.1:7777"\]/);
  assert.ok(metrics.length > 20);
});
