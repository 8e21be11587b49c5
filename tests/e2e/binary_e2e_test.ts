/**
 * End-to-end test of the shipped artefact: the standalone binary (`bun build --compile`), copied alone into an
 * empty directory, started with no configuration (embedded simulator), driven over HTTP, stopped with SIGTERM.
 * CI passes the binary it built in LIGHTNING_BINARY; without it the test builds one into a temp directory.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { Buffer } from "node:buffer";
import { execFileSync } from "node:child_process";
import { REPO, spawnProcess } from "../cli/_child.ts";
import { LIMIT_ORDER, rawRequest } from "../control/_stack.ts";

function bunPath(): string {
  const local = join(REPO, "node_modules", ".bin", "bun");
  try {
    execFileSync(local, ["--version"], { stdio: "ignore" });
    return local;
  } catch {
    return "bun";
  }
}

/** The binary alone in a fresh directory: it must need no other file. */
function binaryInEmptyDir(): { dir: string; binary: string } {
  const dir = mkdtempSync(join(tmpdir(), "lr-binary-"));
  const binary = join(dir, "lightning-router");
  const built = process.env.LIGHTNING_BINARY;
  if (built) copyFileSync(built, binary);
  else {
    // Built as `deno task compile` builds it (its entry points: main.ts and the monitor's thread).
    const task: string = JSON.parse(readFileSync(join(REPO, "deno.json"), "utf8")).tasks.compile;
    const args = task.slice(task.indexOf("bun build ") + "bun ".length).split(" ");
    args[args.indexOf("--outfile") + 1] = binary;
    execFileSync(bunPath(), args, { cwd: REPO, stdio: "ignore" });
  }
  return { dir, binary };
}

const json = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

test("binary: simulator by default; place/query/modify/cancel over HTTP; bad input refused; SIGTERM → 0", {
  timeout: 120_000,
}, async () => {
  const { dir, binary } = binaryInEmptyDir();
  const args = ["--port", "0", "--data-dir", join(dir, "data"), "--audit-interval-ms", "1000"];
  const child = spawnProcess(binary, args, dir);
  try {
    const [, url] = await child.waitForStderr(/control\s+(http:\/\/127\.0\.0\.1:(\d+))/, 60_000);
    const port = Number(new URL(url!).port);
    assert.match(child.stderr(), /SIMULATOR — no real orders/);

    const health = await fetch(`${url}/health`);
    assert.equal(health.status, 200);
    assert.equal((await health.json()).connected, true);

    const placed = await fetch(
      `${url}/orders`,
      json({ ...LIMIT_ORDER, newClientOrderId: "e2e:order/1" }),
    );
    assert.equal(placed.status, 200);
    const order = await placed.json();
    assert.equal(order.status, "NEW");
    assert.equal(order.clientOrderId, "e2e:order/1");

    const queried = await fetch(`${url}/orders?symbol=BTCUSDT&origClientOrderId=e2e:order/1`);
    assert.equal(queried.status, 200);
    assert.equal((await queried.json()).orderId, order.orderId);

    const modified = await fetch(`${url}/orders`, {
      ...json({ symbol: "BTCUSDT", orderId: order.orderId, side: "BUY", quantity: "0.003", price: "49990" }),
      method: "PATCH",
    });
    assert.equal(modified.status, 200);
    assert.equal(Number((await modified.json()).price), 49990);

    const bad = await fetch(
      `${url}/orders`,
      json({ symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: "abc" }),
    );
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).msg, /quantity/);

    const rebinding = await rawRequest(port, `GET /health HTTP/1.1\r\nHost: evil.example:${port}`);
    assert.equal(rebinding.status, 403);

    const canceled = await fetch(`${url}/orders?symbol=BTCUSDT&orderId=${order.orderId}`, {
      method: "DELETE",
    });
    assert.equal(canceled.status, 200);
    assert.equal((await canceled.json()).status, "CANCELED");

    // The live view is audited against the simulator every second, and agrees with it.
    let audit = { state: "", audits: 0, drift: -1 };
    for (let i = 0; i < 100 && audit.audits === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      audit = (await (await fetch(`${url}/health`)).json()).audit;
    }
    assert.deepEqual([audit.state, audit.audits > 0, audit.drift], ["on", true, 0]);

    child.kill("SIGTERM");
    assert.equal(await child.exited(30_000), 0);
  } finally {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});

test("binary: a risk file that is not JSON is a configuration error: exit 2, naming the flag", {
  timeout: 60_000,
}, async () => {
  const { dir, binary } = binaryInEmptyDir();
  try {
    writeFileSync(join(dir, "risk.json"), "{ maxOrderQty: 1 }");
    const child = spawnProcess(binary, ["--port", "0", "--risk", "risk.json"], dir);
    assert.equal(await child.exited(30_000), 2);
    assert.match(child.stderr(), /--risk \/ ROUTER_RISK_FILE: "risk\.json" is not JSON/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The journal files of a simulator-mode data directory, with their bytes. */
function journalOf(dataDir: string): { name: string; bytes: Buffer }[] {
  const dir = join(dataDir, "simulator");
  return readdirSync(dir).filter((f) => /^journal-\d+\.log$/.test(f)).sort()
    .map((name) => ({ name, bytes: readFileSync(join(dir, name)) }));
}

test("binary: --journal-mapped: the journal written through a mapping survives kill -9 and is read back", {
  timeout: 120_000,
}, async () => {
  const { dir, binary } = binaryInEmptyDir();
  const dataDir = join(dir, "data");
  const args = ["--port", "0", "--data-dir", dataDir, "--journal-mapped"];
  const first = spawnProcess(binary, args, dir);
  let second: ReturnType<typeof spawnProcess> | undefined;
  try {
    const [, url] = await first.waitForStderr(/control\s+(http:\/\/127\.0\.0\.1:(\d+))/, 60_000);
    const placed = await fetch(`${url}/orders`, json({ ...LIMIT_ORDER, newClientOrderId: "e2e-mapped-1" }));
    assert.equal(placed.status, 200);
    assert.equal((await placed.json()).status, "NEW");
    // Running: the file holds the marker, then the intent, then NUL bytes (room for more records).
    const [running] = journalOf(dataDir);
    const text = running!.bytes.toString("latin1");
    assert.match(text.slice(0, text.indexOf("\n")), /^[0-9a-f]{8} \{"t":"mapped","ts":\d+\}$/);
    assert.match(text, /"t":"intent"[^\n]*"e2e-mapped-1"/);
    assert.equal(running!.bytes[running!.bytes.length - 1], 0);

    first.kill("SIGKILL");
    await first.exited(30_000);
    second = spawnProcess(binary, args, dir);
    const [, url2] = await second.waitForStderr(/control\s+(http:\/\/127\.0\.0\.1:(\d+))/, 60_000);
    // The NUL tail was read as room, not damage: the journal is healthy and nothing halted.
    const health = await (await fetch(`${url2}/health`)).json();
    assert.deepEqual([health.journal, health.halted], [{ ok: true }, false]);
    second.kill("SIGHUP"); // as a closed terminal sends it: a clean stop like SIGTERM's
    assert.equal(await second.exited(30_000), 0);
    // Stopped cleanly: the file is cut to its last line.
    const files = journalOf(dataDir);
    assert.equal(files.length, 1, files.map((f) => f.name).join());
    const bytes = files[0]!.bytes;
    assert.equal(bytes[bytes.length - 1], 0x0a);
    assert.equal(bytes.indexOf(0), -1);
  } finally {
    first.kill("SIGKILL");
    second?.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Reads SSE messages from `res` until `done` says stop (bounded by `max` messages). */
async function readEvents(
  res: Response,
  done: (events: { id: string; event: string; data: Record<string, unknown> }[]) => boolean,
  max = 200,
) {
  const events: { id: string; event: string; data: Record<string, unknown> }[] = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    while (events.length < max && !done(events)) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      buffer += value;
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const field = (name: string) =>
          block.split("\n").find((l) => l.startsWith(`${name}:`))?.slice(name.length + 1).trim();
        const data = field("data");
        if (data !== undefined) {
          events.push({ id: field("id") ?? "", event: field("event") ?? "", data: JSON.parse(data) });
        }
      }
    }
  } finally {
    await reader.cancel();
  }
  return events;
}

test(
  "binary: live state — a resting order filled by /sim/mark shows as FILLED, in /fills, /positions and /events",
  {
    timeout: 120_000,
  },
  async () => {
    const { dir, binary } = binaryInEmptyDir();
    // With the monitor port on: its thread (a second entry point of the binary) serves the same reads.
    const args = ["--port", "0", "--monitor-port", "0", "--data-dir", join(dir, "data")];
    const child = spawnProcess(binary, args, dir);
    try {
      const [, url] = await child.waitForStderr(/control\s+(http:\/\/127\.0\.0\.1:(\d+))/, 60_000);
      const [, monitor] = await child.waitForStderr(/monitor\s+(http:\/\/127\.0\.0\.1:(\d+))/, 10_000);
      assert.match(child.stderr(), /stream\s+ws:\/\/127\.0\.0\.1:\d+\/private/);
      // The user stream connects in the background, right after the banner.
      let streamState = "";
      for (let i = 0; i < 200 && streamState !== "up"; i++) {
        streamState = (await (await fetch(`${url}/health`)).json()).userStream.state;
        if (streamState !== "up") await new Promise((r) => setTimeout(r, 25));
      }
      assert.equal(streamState, "up");
      // The monitor's thread runs at nice 10 by the kernel's account; the binary's main thread is not lowered.
      assert.deepEqual((await (await fetch(`${url}/health`)).json()).monitor, {
        state: "up",
        url: monitor,
        nice: 10,
        events: { subscribers: 0, subscribersDropped: 0 }, // none has connected to the monitor's /events yet
      });
      const niceOf = (stat: string) => Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
      const nices = readdirSync(`/proc/${child.pid}/task`).map((tid) =>
        [tid, niceOf(readFileSync(`/proc/${child.pid}/task/${tid}/stat`, "utf8"))] as const
      );
      assert.ok(nices.some(([, nice]) => nice === 10), JSON.stringify(nices));
      assert.equal(
        new Map(nices).get(String(child.pid)),
        niceOf(readFileSync("/proc/thread-self/stat", "utf8")),
        "the main thread keeps the priority it started with",
      );

      const stream = await fetch(`${url}/events?types=order,fill,position`);
      assert.equal(stream.headers.get("content-type")?.split(";")[0], "text/event-stream");
      const order = await (await fetch(
        `${url}/orders`,
        json({
          symbol: "BTCUSDT",
          side: "BUY",
          type: "LIMIT",
          quantity: "0.002",
          price: "50000",
          timeInForce: "GTC",
        }),
      )).json();
      const mark = await fetch(`${url}/sim/mark`, json({ symbol: "BTCUSDT", price: "49000" }));
      assert.equal(mark.status, 200);

      const events = await readEvents(
        stream,
        (es) => es.some((e) => e.event === "order" && e.data.status === "FILLED"),
      );
      const trail = events.map((e) => e.event === "order" ? `order ${e.data.status}` : e.event);
      assert.ok(
        trail.indexOf("fill") >= 0 && trail.indexOf("fill") < trail.indexOf("order FILLED"),
        trail.join(", "),
      );
      assert.ok(events.every((e, i) => i === 0 || Number(e.id) > Number(events[i - 1]!.id)), "ids increase");

      const all = await (await fetch(`${url}/orders?state=all`)).json();
      const mine = all.find((o: { clientOrderId: string }) => o.clientOrderId === order.clientOrderId);
      assert.deepEqual([mine.status, mine.executedQty], ["FILLED", "0.002"]);
      const fills = await (await fetch(`${url}/fills`)).json();
      assert.deepEqual(fills.map((f: { clientOrderId: string; qty: string }) => [f.clientOrderId, f.qty]), [
        [order.clientOrderId, "0.002"],
      ]);
      // The monitor's copy follows within a feed interval; /positions there is the control plane's answer.
      let mirrored: unknown;
      for (let i = 0; i < 200 && JSON.stringify(mirrored) !== JSON.stringify(all); i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 25));
        mirrored = await (await fetch(`${monitor}/orders?state=all`)).json();
      }
      assert.deepEqual(mirrored, all);
      assert.deepEqual(
        await (await fetch(`${monitor}/positions`)).json(),
        await (await fetch(`${url}/positions`)).json(),
      );
      const positions = await (await fetch(`${url}/positions`)).json();
      assert.deepEqual(
        positions.map((p: { symbol: string; positionAmt: string }) => [p.symbol, p.positionAmt]),
        [
          ["BTCUSDT", "0.002"],
        ],
      );

      // A reader that reconnects with Last-Event-ID gets what it missed, from the first missed id on.
      const resumed = await fetch(`${url}/events?types=order,fill,position`, {
        headers: { "last-event-id": events[0]!.id },
      });
      const replay = await readEvents(resumed, (es) => es.length >= events.length - 1);
      // Later events (the position after the fill) may follow; what was missed comes first, in order.
      assert.deepEqual(
        replay.slice(0, events.length - 1).map((e) => e.id),
        events.slice(1).map((e) => e.id),
      );
      // The monitor's copy of the event log resumes the same way, with the same ids and data.
      const fromMonitor = await readEvents(
        await fetch(`${monitor}/events?types=order,fill,position`, {
          headers: { "last-event-id": events[0]!.id },
        }),
        (es) => es.length >= events.length - 1,
      );
      assert.deepEqual(fromMonitor.slice(0, events.length - 1), replay.slice(0, events.length - 1));

      // Hedge mode under a position limit: an order adding to the LONG side meets that side's worst case.
      const limits = { symbols: { "*": { maxPositionQty: 0.002 } } };
      const put = await fetch(`${url}/risk`, { ...json(limits), method: "PUT" });
      assert.equal(put.status, 200, await put.text());
      const hedged = await fetch(
        `${url}/orders`,
        json({
          symbol: "BTCUSDT",
          side: "BUY",
          type: "LIMIT",
          quantity: "0.003",
          price: "48000",
          timeInForce: "GTC",
          positionSide: "LONG",
        }),
      );
      const refusal = await hedged.json();
      assert.deepEqual([hedged.status, refusal.limit, refusal.value, refusal.local], [
        422,
        "maxPositionQty",
        0.003,
        true,
      ]);

      // The panic button: halt and flatten; the position is closed by a reduce-only MARKET order.
      const halt = await (await fetch(`${url}/halt`, json({ reason: "e2e", flatten: true }))).json();
      assert.deepEqual(
        halt.flattened.map((f: { symbol: string; position: string; remaining: string }) => [
          f.symbol,
          f.position,
          f.remaining,
        ]),
        [["BTCUSDT", "0.002", "0"]],
      );
      let flat: unknown[] = [{}];
      for (let i = 0; i < 200 && flat.length > 0; i++) {
        flat = await (await fetch(`${url}/positions`)).json() as unknown[];
        if (flat.length > 0) await new Promise((r) => setTimeout(r, 25));
      }
      assert.deepEqual(flat, [], "the live view shows the position closed");

      child.kill("SIGTERM");
      assert.equal(await child.exited(30_000), 0);
    } finally {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
