/**
 * The dashboard over a real socket: the page and its assets (headers, CSP, caching), the embedded assets
 * equal to a fresh generation (uPlot from node_modules, the bundled client), and the browser rules of the
 * guard (same origin only, CSRF token on state-changing requests) — with curl-style clients unaffected.
 * The round-trip histogram maths of the page's script are tested directly.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LOCAL_CODES } from "../../lib/control/errors.ts";
import { DASHBOARD_ASSETS, UPLOT_VERSION } from "../../lib/control/dashboard/_assets.ts";
import { DASHBOARD_PATHS } from "../../lib/control/dashboard/routes.ts";
import {
  bucketCounts,
  histogramDelta,
  histogramQuantile,
  parseRttHistogram,
  type RttHistogram,
} from "../../lib/control/dashboard/_client/histogram.ts";
import { ASSETS_MODULE, renderAssetsModule, REPO_ROOT } from "../../scripts/gen_dashboard_assets.ts";
import { rawRequest, type Stack, startStack } from "./_stack.ts";

const TOKEN = "0123456789abcdef0123";

/** The page's CSRF token (from `data-csrf` on its body). */
async function csrfOf(s: Stack): Promise<string> {
  const page = await s.call("GET", "/");
  const m = /data-csrf="([A-Za-z0-9_-]+)"/.exec(page.body as string);
  assert.ok(m, "the page carries a CSRF token");
  return m[1]!;
}

function halt(s: Stack, headers: Record<string, string>) {
  return s.call("POST", "/halt", { json: { reason: "test" }, headers });
}

test("GET /: the page, no-store, strict CSP, no framing; every asset it links is served", async () => {
  const s = await startStack();
  try {
    const page = await s.call("GET", "/");
    assert.equal(page.status, 200);
    assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(page.headers.get("cache-control"), "no-store");
    const csp = page.headers.get("content-security-policy") ?? "";
    for (
      const directive of [
        "default-src 'none'",
        "script-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
      ]
    ) {
      assert.ok(csp.includes(directive), `${directive} in ${csp}`);
    }
    assert.ok(!csp.includes("unsafe"), "no unsafe-inline / unsafe-eval");
    assert.equal(page.headers.get("x-frame-options"), "DENY");
    assert.equal(page.headers.get("x-content-type-options"), "nosniff");
    const html = page.body as string;
    assert.ok(html.startsWith("<!doctype html>"));
    assert.match(html, /data-mode="simulator"/);
    assert.doesNotMatch(html, /<script>|<style>| style=| on[a-z]+=/i, "nothing inline: the CSP forbids it");
    assert.doesNotMatch(html, /https?:\/\//, "no external URL (no CDN)");
    const linked = [...html.matchAll(/(?:src|href)="(\/assets\/[^"?]+)\?v=([0-9a-f]+)"/g)];
    assert.deepEqual(linked.map((m) => m[1]).sort(), Object.keys(DASHBOARD_ASSETS).sort());
    for (const [, path = "", hash] of linked) {
      const asset = await s.call("GET", `${path}?v=${hash}`);
      assert.equal(asset.status, 200, path);
      assert.equal(hash, DASHBOARD_ASSETS[path]!.hash, `${path} is linked with its content hash`);
      assert.equal(asset.body, DASHBOARD_ASSETS[path]!.body);
      assert.equal(asset.headers.get("content-type"), DASHBOARD_ASSETS[path]!.type);
      assert.equal(asset.headers.get("cache-control"), "public, max-age=31536000, immutable");
      assert.equal(asset.headers.get("cross-origin-resource-policy"), "same-origin");
    }
    // Everything else keeps `no-store`.
    assert.equal((await s.call("GET", "/health")).headers.get("cache-control"), "no-store");
    assert.equal((await s.call("POST", "/")).status, 405);
    assert.equal((await s.call("GET", "/assets/nope.js")).status, 404);
  } finally {
    await s.close();
  }
});

test("the embedded assets are what `deno task gen:assets` makes now (uPlot from node_modules, the client)", () => {
  const uplot = join(REPO_ROOT, "node_modules/uplot");
  const pkg = JSON.parse(readFileSync(join(uplot, "package.json"), "utf8")) as { version: string };
  assert.equal(UPLOT_VERSION, pkg.version);
  const script = DASHBOARD_ASSETS["/assets/uplot.js"]!.body;
  assert.ok(
    script.endsWith(readFileSync(join(uplot, "dist/uPlot.iife.min.js"), "utf8")),
    "uPlot as published",
  );
  assert.ok(script.includes(readFileSync(join(uplot, "LICENSE"), "utf8").trim()), "with its licence");
  assert.equal(
    DASHBOARD_ASSETS["/assets/uplot.css"]!.body,
    readFileSync(join(uplot, "dist/uPlot.min.css"), "utf8"),
  );
  assert.equal(
    readFileSync(ASSETS_MODULE, "utf8"),
    renderAssetsModule(),
    "lib/control/dashboard/_assets.ts is stale: run `deno task gen:assets`",
  );
});

test("each app has its own CSRF token", async () => {
  const a = await startStack();
  const b = await startStack();
  try {
    const [ta, tb] = [await csrfOf(a), await csrfOf(b)];
    assert.ok(ta.length >= 40);
    assert.notEqual(ta, tb);
    assert.equal(await csrfOf(a), ta, "stable for the life of the process");
  } finally {
    await a.close();
    await b.close();
  }
});

test("browser POSTs need the same Origin and the page's CSRF token; curl (no Origin) needs neither", async () => {
  const s = await startStack();
  try {
    const csrf = await csrfOf(s);
    const self = s.url; // http://127.0.0.1:<port>
    const refusals: [Record<string, string>, number, RegExp][] = [
      [{ origin: self }, LOCAL_CODES.CSRF_REJECTED, /x-csrf-token/],
      [{ origin: self, "x-csrf-token": `${csrf}x` }, LOCAL_CODES.CSRF_REJECTED, /x-csrf-token/],
      [{ origin: self, "x-csrf-token": "" }, LOCAL_CODES.CSRF_REJECTED, /x-csrf-token/],
      [{ "sec-fetch-site": "same-origin" }, LOCAL_CODES.CSRF_REJECTED, /x-csrf-token/],
      [
        { origin: "http://127.0.0.1:1", "x-csrf-token": csrf },
        LOCAL_CODES.FORBIDDEN,
        /Origin "http:\/\/127\.0\.0\.1:1"/,
      ],
      [{ origin: "null", "x-csrf-token": csrf }, LOCAL_CODES.FORBIDDEN, /cross-origin/],
      [{ origin: "https://evil.example", "x-csrf-token": csrf }, LOCAL_CODES.FORBIDDEN, /cross-origin/],
      [{ "sec-fetch-site": "same-site", "x-csrf-token": csrf }, LOCAL_CODES.FORBIDDEN, /same-site/],
      [{ "sec-fetch-site": "cross-site", "x-csrf-token": csrf }, LOCAL_CODES.FORBIDDEN, /cross-site/],
    ];
    for (const [headers, code, msg] of refusals) {
      const r = await halt(s, headers);
      assert.equal(r.status, 403, JSON.stringify(headers));
      assert.equal(r.body.code, code, JSON.stringify(headers));
      assert.match(r.body.msg, msg);
    }
    assert.equal(s.router.halted, undefined, "no refused request halted the router");
    // Same for the other state-changing methods: nothing reaches the exchange.
    const before = s.sim.stats().requests;
    const order = await s.call("DELETE", "/orders?symbol=BTCUSDT&orderId=1", { headers: { origin: self } });
    assert.equal(order.body.code, LOCAL_CODES.CSRF_REJECTED);
    assert.equal(s.sim.stats().requests, before);

    // Reads from the page (same origin) need no CSRF token.
    const read = await s.call("GET", "/health", { headers: { "sec-fetch-site": "same-origin" } });
    assert.equal(read.status, 200);
    const cross = await s.call("GET", "/health", { headers: { "sec-fetch-site": "cross-site" } });
    assert.equal(cross.status, 403);

    // The page's own request: same Origin, its token.
    const ok = await halt(s, { origin: self, "sec-fetch-site": "same-origin", "x-csrf-token": csrf });
    assert.equal(ok.status, 200);
    assert.equal(s.router.halted, "test");
    s.router.resume();
    // curl: no Origin, no Sec-Fetch-*, no CSRF token.
    assert.equal((await halt(s, {})).status, 200);
  } finally {
    await s.close();
  }
});

test("a link from another site may open the page, but nothing else", async () => {
  const s = await startStack();
  const port = s.server.port;
  try {
    const navigate = (path: string) =>
      rawRequest(
        port,
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nSec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: navigate\r\nSec-Fetch-Dest: document`,
      );
    assert.equal((await navigate("/")).status, 200);
    assert.equal((await navigate("/orders")).status, 403);
    assert.equal((await navigate("/health")).status, 403);
    const embedded = await rawRequest(
      port,
      `GET /assets/dashboard.js HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nSec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: no-cors`,
    );
    assert.equal(embedded.status, 403, "another site cannot embed the assets");
    // DNS rebinding stays refused, even for the page.
    const rebound = await rawRequest(port, `GET / HTTP/1.1\r\nHost: evil.example:${port}`);
    assert.equal(rebound.status, 403);
  } finally {
    await s.close();
  }
});

test("with a token: the page and assets open without it; the page's requests still need it", async () => {
  const s = await startStack({ token: TOKEN });
  try {
    for (const path of DASHBOARD_PATHS) assert.equal((await s.call("GET", path)).status, 200, path);
    const html = (await s.call("GET", "/")).body as string;
    assert.match(html, /data-token-required="true"/);
    assert.ok(!html.includes(TOKEN), "the page never carries the bearer token");
    const csrf = await csrfOf(s);
    const browser = { origin: s.url, "x-csrf-token": csrf };
    assert.equal((await halt(s, browser)).status, 401);
    assert.equal((await s.call("GET", "/orders")).status, 401);
    assert.equal((await halt(s, { ...browser, authorization: `Bearer ${TOKEN}` })).status, 200);
  } finally {
    await s.close();
  }
});

const H = (cumulative: number[], sum = 0): RttHistogram => ({
  bounds: [0.001, 0.002, 0.005],
  cumulative,
  sum,
  count: cumulative.at(-1)!,
});

test("histogram: parsed from /metrics text; interval deltas; quantiles as histogram_quantile", () => {
  const text = [
    "# TYPE lightning_rtt_seconds histogram",
    'lightning_rtt_seconds_bucket{le="0.002"} 6',
    'lightning_rtt_seconds_bucket{le="0.001"} 2',
    'lightning_rtt_seconds_bucket{le="0.005"} 9',
    'lightning_rtt_seconds_bucket{le="+Inf"} 10',
    "lightning_rtt_seconds_sum 0.03",
    "lightning_rtt_seconds_count 10",
    "lightning_rtt_seconds_other 1",
  ].join("\n");
  assert.deepEqual(parseRttHistogram(text), H([2, 6, 9, 10], 0.03));
  assert.equal(parseRttHistogram("lightning_uptime_seconds 3\n"), undefined);

  assert.deepEqual(histogramDelta(H([1, 1, 2, 2]), H([2, 6, 9, 10])), H([1, 5, 7, 8]));
  assert.deepEqual(
    histogramDelta(H([5, 5, 5, 5]), H([1, 1, 1, 1])),
    H([1, 1, 1, 1]),
    "restarted: later only",
  );
  assert.deepEqual(bucketCounts(H([2, 6, 9, 10])), [2, 4, 3, 1]);

  // 4 round trips between 1 and 2 ms: the median is halfway, interpolated linearly.
  assert.equal(histogramQuantile(H([0, 4, 4, 4]), 0.5), 0.0015);
  assert.equal(histogramQuantile(H([2, 2, 2, 2]), 0.5), 0.0005, "the first bucket starts at 0");
  assert.equal(histogramQuantile(H([0, 0, 0, 3]), 0.99), 0.005, "+Inf bucket: the largest finite bound");
  assert.equal(histogramQuantile(H([0, 0, 0, 0]), 0.5), undefined);
  assert.ok(histogramQuantile(H([90, 99, 100, 100]), 0.99)! <= 0.002);
});
