/** prometheusText: the exposition format, which series are always present, histogram and gauge values. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { type MetricsSnapshot, PROMETHEUS_CONTENT_TYPE, prometheusText } from "../../lib/control/metrics.ts";
import { OUTCOMES, PipelineMetrics, RTT_BUCKETS_US } from "../../lib/pipeline/pipeline_metrics.ts";
import { METHOD_NAMES } from "../../lib/wire/methods.ts";
import type { RateLimit } from "../../lib/types.ts";

const ALWAYS = [
  "order.place",
  "order.modify",
  "order.cancel",
  "order.status",
  "algoOrder.place",
  "algoOrder.cancel",
];

function snapshot(extra: Partial<MetricsSnapshot> = {}): MetricsSnapshot {
  return {
    metrics: new PipelineMetrics(),
    rateLimits: [],
    connected: true,
    halted: false,
    inFlight: 0,
    clockOffsetMs: 0,
    uptimeS: 0,
    ...extra,
  };
}

/**
 * Parses the text, checking the format on the way: every sample's family has exactly one HELP and one TYPE
 * line before its first sample, and every sample is `name{labels} value`. Returns sample → value.
 */
function parse(text: string): Map<string, number> {
  assert.ok(text.endsWith("\n"), "ends with a newline");
  const samples = new Map<string, number>();
  const help = new Set<string>();
  const types = new Map<string, string>();
  for (const line of text.slice(0, -1).split("\n")) {
    const meta = /^# (HELP|TYPE) (\w+) (.+)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta;
      const seen = kind === "HELP" ? help.has(name!) : types.has(name!);
      assert.ok(!seen, `${kind} ${name} declared twice`);
      if (kind === "HELP") help.add(name!);
      else types.set(name!, rest!);
      continue;
    }
    const m = /^(\w+)(\{[^}]*\})? (-?[\d.e+-]+)$/.exec(line);
    assert.ok(m, `not a sample line: ${JSON.stringify(line)}`);
    const family = m[1]!.replace(/_(bucket|sum|count)$/, "");
    const name = types.has(m[1]!) ? m[1]! : family;
    assert.ok(help.has(name) && types.has(name), `${m[1]} sampled before its HELP/TYPE`);
    assert.ok(!samples.has(m[1]! + (m[2] ?? "")), `duplicate sample ${line}`);
    samples.set(m[1]! + (m[2] ?? ""), Number(m[3]));
  }
  return samples;
}

test("prometheusText: a fresh router lists the order methods with zeros and nothing else per method", () => {
  const s = parse(prometheusText(snapshot()));
  for (const method of ALWAYS) {
    for (const outcome of OUTCOMES) {
      assert.equal(s.get(`lightning_requests_total{method="${method}",outcome="${outcome}"}`), 0);
    }
  }
  const methods = new Set(
    [...s.keys()].filter((k) => k.startsWith("lightning_requests_total")).map((k) =>
      /method="([^"]+)"/.exec(k)![1]
    ),
  );
  assert.deepEqual([...methods].sort(), [...ALWAYS].sort());
  assert.equal(s.get('lightning_rtt_seconds_bucket{le="+Inf"}'), 0);
  assert.equal(s.get("lightning_rtt_seconds_count"), 0);
  for (const name of ["reconnects", "rotations", "malformed_frames", "late_answers", "rate_limited"]) {
    assert.equal(s.get(`lightning_${name}_total`), 0, name);
  }
  assert.equal(
    [...s.keys()].some((k) => k.startsWith("lightning_rate_limit_")),
    false,
    "no limits known yet",
  );
  assert.equal([...s.keys()].some((k) => k.startsWith("lightning_orders")), false, "no tracker given");
  assert.equal(PROMETHEUS_CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
});

test("prometheusText: a method appears once it has any outcome, with all four outcomes", () => {
  const metrics = new PipelineMetrics();
  const i = METHOD_NAMES.indexOf("session.status");
  assert.ok(i >= 0);
  metrics.record(i, 2);
  metrics.record(i, 2);
  metrics.record(METHOD_NAMES.indexOf("order.place"), 0);
  const s = parse(prometheusText(snapshot({ metrics })));
  assert.deepEqual(
    OUTCOMES.map((o) => s.get(`lightning_requests_total{method="session.status",outcome="${o}"}`)),
    [0, 0, 2, 0],
  );
  assert.equal(s.get('lightning_requests_total{method="order.place",outcome="ok"}'), 1);
});

test("prometheusText: the round-trip histogram is cumulative, in seconds, with +Inf, sum and count", () => {
  const metrics = new PipelineMetrics();
  metrics.rtt(1); // 1000 µs: on a bucket bound, counted in it
  metrics.rtt(3); // 3000 µs
  metrics.rtt(2000); // beyond the last bound
  const s = parse(prometheusText(snapshot({ metrics })));
  const cumulative = (us: number) => [1000, 3000].filter((x) => x <= us).length;
  for (const us of RTT_BUCKETS_US) {
    assert.equal(s.get(`lightning_rtt_seconds_bucket{le="${us / 1e6}"}`), cumulative(us), `le ${us} µs`);
  }
  assert.equal(s.get('lightning_rtt_seconds_bucket{le="+Inf"}'), 3);
  assert.equal(s.get("lightning_rtt_seconds_count"), 3);
  assert.equal(s.get("lightning_rtt_seconds_sum"), 2.004);
});

test("prometheusText: counters, gauges, rate limits and tracked orders carry the snapshot's values", () => {
  const metrics = new PipelineMetrics();
  metrics.reconnects = 2;
  metrics.rotations = 3;
  metrics.malformedFrames = 4;
  metrics.lateAnswers = 5;
  metrics.rateLimited = 6;
  const rateLimits: RateLimit[] = [
    { rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 10, limit: 300, count: 7 },
    { rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: 2400, count: 42 },
  ];
  const s = parse(prometheusText(snapshot({
    metrics,
    rateLimits,
    connected: false,
    halted: true,
    inFlight: 9,
    clockOffsetMs: -1500,
    uptimeS: 3600,
    orders: { open: 1, pending: 2, unknown: 3, reconciled: 4 },
  })));
  assert.equal(s.get("lightning_reconnects_total"), 2);
  assert.equal(s.get("lightning_rotations_total"), 3);
  assert.equal(s.get("lightning_malformed_frames_total"), 4);
  assert.equal(s.get("lightning_late_answers_total"), 5);
  assert.equal(s.get("lightning_rate_limited_total"), 6);
  assert.equal(s.get('lightning_rate_limit_count{type="ORDERS",interval="10s"}'), 7);
  assert.equal(s.get('lightning_rate_limit_limit{type="ORDERS",interval="10s"}'), 300);
  assert.equal(s.get('lightning_rate_limit_count{type="REQUEST_WEIGHT",interval="1m"}'), 42);
  assert.equal(s.get('lightning_rate_limit_limit{type="REQUEST_WEIGHT",interval="1m"}'), 2400);
  assert.equal(s.get("lightning_connected"), 0);
  assert.equal(s.get("lightning_halted"), 1);
  assert.equal(s.get("lightning_in_flight"), 9);
  assert.equal(s.get("lightning_clock_offset_seconds"), -1.5);
  assert.equal(s.get("lightning_uptime_seconds"), 3600);
  assert.equal(s.get('lightning_orders{state="open"}'), 1);
  assert.equal(s.get('lightning_orders{state="pending"}'), 2);
  assert.equal(s.get('lightning_orders{state="unknown"}'), 3);
  assert.equal(s.get("lightning_orders_reconciled_total"), 4);
});

test("prometheusText: an interval unit it does not know is shown as sent", () => {
  const odd = {
    rateLimitType: "ORDERS",
    interval: "WEEK",
    intervalNum: 1,
    limit: 1,
    count: 0,
  } as unknown as RateLimit;
  const s = parse(prometheusText(snapshot({ rateLimits: [odd] })));
  assert.equal(s.get('lightning_rate_limit_limit{type="ORDERS",interval="1WEEK"}'), 1);
});
