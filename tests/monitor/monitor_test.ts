/**
 * The monitor port (`--monitor-port`, lib/monitor/): a gateway on the embedded simulator with its monitor,
 * over real sockets. Orders placed on the control plane show at once on the monitor's `GET /orders` lists,
 * exactly as on the control plane's, and on its `/events`, resumable from the control plane's newest id; `/metrics` and `/health` are the control plane's own; anything
 * but a read is refused; Host and token rules are the control plane's.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Config, ConfigError, parseConfig } from "../../lib/cli/config.ts";
import { type Service, StartError, startService } from "../../lib/cli/service.ts";
import { createLogger } from "../../lib/cli/log.ts";
import { LIMIT_ORDER, rawRequest } from "../control/_stack.ts";
import { type AccountEvent, EventLog } from "../../lib/account/event_log.ts";
import { OrderTracker } from "../../lib/orders/order_tracker.ts";
import { startMonitor } from "../../lib/monitor/monitor.ts";

const TOKEN = "monitor-test-token-0123";

function config(args: string[], env: Record<string, string> = {}): Config {
  const dir = mkdtempSync(join(tmpdir(), "lr-monitor-"));
  const parsed = parseConfig({ args: [...args, "--data-dir", dir], env });
  if (parsed.kind !== "run") throw new Error("expected a run config");
  return parsed.config;
}

/** A thread's `nice` from its stat file (field 19, after the parenthesised name). */
function niceOf(statPath: string): number {
  const stat = readFileSync(statPath, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
}

/** This test's thread's `nice` before any monitor started. */
const ownNice = niceOf("/proc/thread-self/stat");

function start(c: Config, lines: string[] = []): Promise<Service> {
  const log = createLogger({ format: "text", write: (l) => lines.push(l) });
  return startService({ config: c, log, readTextFile: () => Promise.reject(new Error("no such file")) });
}

async function text(url: string, init: RequestInit = {}): Promise<{ status: number; body: string }> {
  const response = await fetch(url, init);
  return { status: response.status, body: await response.text() };
}

/**
 * Opens `url` (an event stream); resolves once the server has answered, i.e. the reader is subscribed, with
 * the function that reads on until `until` holds for what came so far (5 s at most in all).
 */
async function openEvents(
  url: string,
  headers: Record<string, string> = {},
): Promise<(until: (text: string) => boolean) => Promise<string>> {
  const aborter = new AbortController();
  const timer = setTimeout(() => aborter.abort(), 5_000);
  const response = await fetch(url, { signal: aborter.signal, headers });
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /^text\/event-stream/);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  return async (until) => {
    let got = "";
    try {
      while (!until(got)) {
        const { done, value } = await reader.read();
        if (done) break;
        got += decoder.decode(value, { stream: true });
      }
    } finally {
      clearTimeout(timer);
      aborter.abort();
    }
    return got;
  };
}

test("monitor: the order lists and events of the control plane, served from the monitor's thread", async () => {
  const g = await start(config(["--port", "0", "--monitor-port", "0"]));
  try {
    assert.ok(g.monitor !== undefined);
    const monitor = g.monitor.url;
    const control = g.server.url;
    assert.match(monitor, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(monitor, control);
    assert.ok(g.banner("text").includes(`monitor   ${monitor}`));
    // A reader subscribed before the orders gets their events, live.
    const readOrders = await openEvents(`${monitor}/events?types=order`);
    const placed: string[] = [];
    for (let i = 0; i < 3; i++) {
      const answer = await text(`${control}/orders`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...LIMIT_ORDER, quantity: "0.003", price: String(45_000 + i) }),
      });
      assert.equal(answer.status, 200, answer.body);
      const id = JSON.parse(answer.body).clientOrderId as string;
      placed.push(id);
      // At once: the monitor brings its copy up to date before it answers.
      assert.ok((await text(`${monitor}/orders?state=all`)).body.includes(`"clientOrderId":"${id}"`), id);
    }
    const market = await text(`${control}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.002" }),
    });
    assert.equal(market.status, 200, market.body);
    for (
      const query of ["?state=all", "", "?state=finished", "?state=open&symbol=BTCUSDT", "?symbol=ETHUSDT"]
    ) {
      // The same bytes; read again if a stream event changed an order between the two reads (bounded).
      let mine = { status: 0, body: "" };
      let theirs = { status: 0, body: "-" };
      for (let i = 0; i < 50 && mine.body !== theirs.body; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 20));
        [mine, theirs] = await Promise.all([
          text(`${monitor}/orders${query}`),
          text(`${control}/orders${query}`),
        ]);
        assert.equal(mine.status, 200, mine.body);
      }
      assert.equal(mine.body, theirs.body, `GET /orders${query}`);
    }
    const all = JSON.parse((await text(`${monitor}/orders?state=all`)).body) as { clientOrderId: string }[];
    for (const id of placed) assert.ok(all.some((o) => o.clientOrderId === id), id);
    assert.equal(all.length, 4);
    const streamed = await readOrders((t) => placed.every((id) => t.includes(id)));
    for (const id of placed) assert.ok(streamed.includes(id), `the order event of ${id}`);
    assert.match(streamed, /^id: \d+$/m);
    // A reader resuming from the newest id the control plane gave finds it on the monitor: no gap.
    const lastId = JSON.parse((await text(`${control}/health`)).body).events.lastId as number;
    const readResumed = await openEvents(`${monitor}/events`, { "last-event-id": String(lastId - 1) });
    const resumed = await readResumed((t) => t.includes("id: ") && t.indexOf("\n\n", t.indexOf("id: ")) > 0);
    assert.doesNotMatch(resumed, /event: gap/);
    assert.match(resumed, new RegExp(`^id: ${lastId}$`, "m"));

    // Reads the monitor does not hold itself are the control plane's answers.
    const metrics = await fetch(`${monitor}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(metrics.headers.get("content-type") ?? "", /^text\/plain/);
    assert.match(await metrics.text(), /^lightning_requests_total\{method="order\.place",outcome="ok"\} 4$/m);
    // The thread tells its readers' counts once a second when they change: one reader kept open meanwhile.
    const kept = new AbortController();
    const keptReader = await fetch(`${monitor}/events`, { signal: kept.signal });
    assert.equal(keptReader.status, 200);
    let health = JSON.parse((await text(`${monitor}/health`)).body);
    for (let i = 0; i < 300 && !(health.monitor.events?.subscribers >= 1); i++) {
      await new Promise((r) => setTimeout(r, 10));
      health = JSON.parse((await text(`${monitor}/health`)).body);
    }
    assert.equal(health.mode, "simulator");
    const { events: readers, ...up } = health.monitor;
    assert.deepEqual(up, { state: "up", url: monitor, nice: 10 }, "/health reports the monitor");
    assert.ok(readers.subscribers >= 1 && readers.subscribersDropped === 0, JSON.stringify(readers));
    const exposed = await text(`${control}/metrics`);
    assert.match(exposed.body, /^lightning_monitor_event_subscribers [1-9]\d*$/m);
    assert.match(exposed.body, /^lightning_monitor_event_subscribers_dropped_total 0$/m);
    kept.abort();
    await keptReader.body?.cancel().catch(() => {});
    // The kernel's account: a thread of this process at nice 10 (the monitor's), this one's untouched.
    assert.equal(niceOf("/proc/thread-self/stat"), ownNice, "the gateway's thread keeps its priority");
    const threads = readdirSync("/proc/self/task").map((tid) => niceOf(`/proc/self/task/${tid}/stat`));
    assert.ok(threads.includes(10), `a thread at nice 10 among ${threads.join(" ")}`);
    const one = await text(`${monitor}/orders?origClientOrderId=${placed[0]}&symbol=BTCUSDT`);
    assert.equal(one.status, 200, one.body);
    assert.equal(JSON.parse(one.body).clientOrderId, placed[0]);
    const missing = await text(`${monitor}/nothing-here`);
    assert.equal(missing.status, 404);
    assert.equal(JSON.parse(missing.body).code, -7);

    // Nothing but reads: an order sent here is refused, and never placed.
    const refused = await fetch(`${monitor}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(LIMIT_ORDER),
    });
    assert.equal(refused.status, 405);
    assert.equal(refused.headers.get("allow"), "GET, HEAD");
    assert.equal((await refused.json()).code, -8);
    const bad = await text(`${monitor}/orders?state=done`);
    assert.equal(bad.status, 400);
    assert.match(JSON.parse(bad.body).msg, /^state: /);
    const foreign = await rawRequest(g.monitor.port, "GET /metrics HTTP/1.1\r\nHost: evil.example");
    assert.equal(foreign.status, 403);
    assert.match(JSON.parse(foreign.body).msg, /^Host "evil\.example" not allowed/);
    assert.equal(g.tracker.listAll().length, 4);
  } finally {
    await g.shutdown();
  }
  await assert.rejects(fetch(`${g.monitor!.url}/health`), "the monitor's port is closed with the gateway");
});

test("monitor: the control plane's token is needed on the monitor too (but not for /health or the dashboard)", async () => {
  // And ROUTER_MONITOR_NICE=0 runs its thread at the gateway's priority.
  const g = await start(
    config(["--port", "0", "--monitor-port", "0"], { ROUTER_TOKEN: TOKEN, ROUTER_MONITOR_NICE: "0" }),
  );
  try {
    const url = g.monitor!.url;
    const without = await text(`${url}/metrics`);
    assert.equal(without.status, 401);
    assert.equal(JSON.parse(without.body).code, -5);
    assert.equal((await text(`${url}/orders?state=all`)).status, 401);
    const auth = { authorization: `Bearer ${TOKEN}` };
    assert.equal((await text(`${url}/metrics`, { headers: auth })).status, 200);
    assert.equal((await text(`${url}/orders?state=all`, { headers: auth })).body, "[]");
    const health = await text(`${url}/health`);
    assert.equal(health.status, 200);
    const { events: _readers, ...up } = JSON.parse(health.body).monitor;
    assert.deepEqual(up, { state: "up", url, nice: 0 });
    // The dashboard opens here as on the control port: a browser sends no bearer header for a page.
    const page = await text(`${url}/`, {
      headers: { "sec-fetch-site": "none", "sec-fetch-mode": "navigate" },
    });
    assert.equal(page.status, 200);
    assert.match(page.body, /<html/i);
    // The order socket is the control port's: a WebSocket upgrade here is told so.
    const ws = await text(`${url}/ws`, {
      headers: {
        ...auth,
        upgrade: "websocket",
        connection: "Upgrade",
        "sec-websocket-version": "13",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
      },
    });
    assert.equal(ws.status, 405);
    assert.match(JSON.parse(ws.body).msg, /local order socket \(GET \/ws\) is on the control port/);
  } finally {
    await g.shutdown();
  }
});

test("monitor: a monitor port that cannot be bound stops the start, naming the setting", async () => {
  const busy = await start(config(["--port", "0"]));
  try {
    const health = JSON.parse((await text(`${busy.server.url}/health`)).body);
    assert.equal(health.monitor, undefined, "no monitor block without --monitor-port");
    assert.equal(health.status, "ok");
    await assert.rejects(
      start(config(["--port", "0", "--monitor-port", String(busy.server.port)])),
      (e: unknown) => {
        assert.ok(e instanceof StartError);
        assert.match(e.message, /^--monitor-port: cannot listen on 127\.0\.0\.1:\d+/);
        return true;
      },
    );
  } finally {
    await busy.shutdown();
  }
  assert.throws(() => config(["--port", "7790", "--monitor-port", "7790"]), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.match(e.problems.join("\n"), /--monitor-port: 7790 is the control plane's port/);
    return true;
  });
  for (const bad of ["20", "-1", "low"]) {
    assert.throws(() => config(["--monitor-port", "0", "--monitor-nice", bad]), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.problems.join("\n"), /^--monitor-nice: /m, e.problems.join("\n"));
      return true;
    });
  }
});

test("monitor: a failure of its thread is reported and stops the monitor only", async () => {
  // A log whose events skip an id once the monitor is up: the thread's copy refuses it (EventLog.replay) and
  // the thread fails.
  const log = new EventLog();
  log.append("halt", { reason: "a" });
  let tell: (e: AccountEvent) => void = () => {};
  const broken = Object.assign(Object.create(log, { firstId: { value: 1 } }) as EventLog, {
    since: (lastSeen: number) => log.since(lastSeen),
    subscribe: (listener: (e: AccountEvent) => void) => {
      tell = listener;
      return log.subscribe(listener);
    },
  }) as EventLog;
  const notices: string[] = [];
  let failed!: () => void;
  const stopped = new Promise<void>((resolve) => failed = resolve);
  const monitor = await startMonitor({
    hostname: "127.0.0.1",
    port: 0,
    nice: 0,
    tracker: new OrderTracker(),
    events: broken,
    eventCapacity: 100,
    fetch: () => new Response("{}"),
    onNotice: (level, msg, fields) => {
      notices.push(`${level} ${msg} ${fields.error ?? ""}`);
      if (msg.startsWith("monitor stopped")) failed();
    },
  });
  assert.equal(monitor.health().state, "up");
  tell({ id: 3, type: "halt", time: 1, data: {} }); // id 2 never came
  await stopped;
  const health = monitor.health();
  assert.equal(health.state, "failed");
  assert.match(health.state === "failed" ? health.error : "", /event 3 replayed after 1/);
  assert.ok(notices.some((n) => n.startsWith("error monitor stopped; trading goes on")), notices.join("\n"));
  await assert.rejects(fetch(`${monitor.url}/health`), "its port is closed with the thread");
  await monitor.close(); // at once: the thread is gone already
});
