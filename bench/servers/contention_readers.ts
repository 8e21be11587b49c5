/**
 * The readers of the contention benchmark, in their own process: `/metrics` and `GET /orders?state=all`
 * polled at BENCH_POLL_HZ (50) each, and BENCH_SSE_READERS (10) `GET /events` subscribers reading every
 * byte. Prints `READERS_READY` once every subscriber is connected; on SIGTERM (or stdin's end) prints
 * `READERS {"polls":…,"skipped":…,"sseBytes":…,"pollMs":…}` and exits. A poll still running when the next is
 * due is skipped and counted (the readers never pile up).
 *
 * Run: `deno run -A bench/servers/contention_readers.ts http://127.0.0.1:PORT [EVENTS_URL]` (or `bun …`);
 * the subscribers read `EVENTS_URL` when given, else the same gateway.
 */
import process from "node:process";

const base = process.argv[2];
if (base === undefined) throw new Error("usage: contention_readers.ts CONTROL_URL [EVENTS_URL]");
const eventsBase = process.argv[3] ?? base;
const hz = Number(process.env.BENCH_POLL_HZ ?? 50);
const subscribers = Number(process.env.BENCH_SSE_READERS ?? 10);
let polls = 0;
let skipped = 0;
let sseBytes = 0;
let pollMs = 0;
const aborter = new AbortController();

function poller(path: string): ReturnType<typeof setInterval> {
  let busy = false;
  return setInterval(async () => {
    if (busy) {
      skipped++;
      return;
    }
    busy = true;
    const t0 = performance.now();
    try {
      const res = await fetch(base + path, { signal: aborter.signal });
      await res.arrayBuffer();
      polls++;
      pollMs += performance.now() - t0;
    } catch { /* stopping */ }
    busy = false;
  }, 1000 / hz);
}

const streams = await Promise.all(Array.from({ length: subscribers }, async () => {
  const res = await fetch(`${eventsBase}/events`, { signal: aborter.signal });
  if (res.status !== 200 || res.body === null) throw new Error(`/events: HTTP ${res.status}`);
  return res.body.getReader();
}));
for (const reader of streams) {
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        sseBytes += value.byteLength;
      }
    } catch { /* stopping */ }
  })();
}
const timers = [poller("/metrics"), poller("/orders?state=all")];
process.stdout.write("READERS_READY\n");

function stop(): void {
  for (const t of timers) clearInterval(t);
  aborter.abort();
  process.stdout.write(
    `READERS ${JSON.stringify({ polls, skipped, sseBytes, pollMs: pollMs / Math.max(1, polls) })}\n`,
  );
  process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.on("data", () => {});
process.stdin.on("end", stop);
setTimeout(stop, 3600_000);
