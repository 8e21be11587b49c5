/**
 * The readers of the SSE delivery benchmark (started by bench/sse_delivery.ts, in a process of their own):
 * opens `BENCH_SSE_SUBSCRIBERS` streams of `GET {BENCH_SSE_URL}/events` (fetch, body read chunk by chunk,
 * parsed by `_support/sse_parser.ts`), prints `READY` once the server has registered every one (each got
 * the `: connected` comment), then takes in `BENCH_SSE_EVENTS` events per stream. Each message's latency is
 * the wall clock (`performance.timeOrigin + performance.now()`) right after its data is `JSON.parse`d, minus
 * the `sentAt` the server stamped before `append`; the first `BENCH_SSE_WARMUP` ids are checked but not timed.
 *
 * Every reader must get every id from 1 to BENCH_SSE_EVENTS exactly once, in order, each an `order` event
 * whose data `seq` is its id; anything else (a gap message, a missing, repeated or reordered id, a stream
 * that ends or errors, `BENCH_SSE_TIMEOUT_S` passing) fails the run. Prints `RESULT {…}` (latency summary
 * in µs over all readers, and per reader) and exits 0 only when all of it held.
 *
 * Run: by bench/sse_delivery.ts; by hand: `BENCH_SSE_URL=http://127.0.0.1:PORT BENCH_SSE_EVENTS=2000
 * deno run -A bench/sse_subscribers.ts` next to `bench/servers/sse_server.ts`.
 */
import process from "node:process";
import { type SseMessage, SseParser } from "./_support/sse_parser.ts";
import { summarize } from "./_support/stats.ts";
import { wallClockOffsetMs } from "./_support/wall_clock.ts";

const URL_BASE = process.env.BENCH_SSE_URL ?? "";
const SUBSCRIBERS = Number(process.env.BENCH_SSE_SUBSCRIBERS ?? 10);
const EVENTS = Number(process.env.BENCH_SSE_EVENTS ?? 0);
const WARMUP = Number(process.env.BENCH_SSE_WARMUP ?? 0);
const TIMEOUT_S = Number(process.env.BENCH_SSE_TIMEOUT_S ?? 120);
const MAX_ERRORS = 10;

/** One `/events` reader and what it saw. */
class Reader {
  readonly index: number;
  /** Latency (µs) of each timed id, at [id - WARMUP - 1]. */
  readonly latencyUs: Float64Array<ArrayBuffer> = new Float64Array(Math.max(0, EVENTS - WARMUP));
  readonly errors: string[] = [];
  /** The id expected next. */
  next = 1;
  received = 0;
  readonly #connected: PromiseWithResolvers<void> = Promise.withResolvers<void>();
  readonly #abort = new AbortController();

  constructor(index: number) {
    this.index = index;
    this.#connected.promise.catch(() => {}); // a failed connect is reported through Promise.all or errors
  }

  /** Resolves once the server has opened this reader's stream. */
  get connected(): Promise<void> {
    return this.#connected.promise;
  }

  error(text: string): void {
    if (this.errors.length < MAX_ERRORS) this.errors.push(`reader ${this.index}: ${text}`);
  }

  /** Reads until every expected id has arrived, the stream ends, or `stop()`. */
  async run(): Promise<void> {
    try {
      const response = await fetch(`${URL_BASE}/events`, {
        headers: { accept: "text/event-stream" },
        signal: this.#abort.signal,
      });
      if (response.status !== 200 || response.body === null) {
        throw new Error(`GET /events: HTTP ${response.status} ${await response.text()}`);
      }
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      const parser = new SseParser((m) => this.#message(m), (comment) => {
        if (comment === "connected") this.#connected.resolve();
      });
      while (this.next <= EVENTS) {
        const { value, done } = await reader.read();
        if (done) {
          this.error(`stream ended after ${this.received} events (next id expected: ${this.next})`);
          break;
        }
        parser.push(decoder.decode(value, { stream: true }));
      }
      await reader.cancel().catch(() => {});
    } catch (e) {
      if (!this.#abort.signal.aborted) this.error(`stream failed: ${e instanceof Error ? e.message : e}`);
      this.#connected.reject(e);
    }
  }

  stop(): void {
    this.#abort.abort();
  }

  #message(m: SseMessage): void {
    const data = JSON.parse(m.data) as { seq?: unknown; sentAt?: unknown };
    const at = performance.timeOrigin + performance.now();
    this.received++;
    if (m.event !== "order") {
      this.error(`unexpected ${m.event} message: ${m.data.slice(0, 200)}`);
      return;
    }
    const id = Number(m.id);
    if (id !== this.next) {
      this.error(`id ${m.id} where ${this.next} was expected`);
      if (!(id > this.next)) return; // repeated or out of order: keep waiting for the expected one
    }
    if (data.seq !== id || typeof data.sentAt !== "number") {
      this.error(`id ${id} carries seq ${String(data.seq)} / sentAt ${String(data.sentAt)}`);
    } else if (id > WARMUP) {
      this.latencyUs[id - WARMUP - 1] = (at - data.sentAt) * 1000;
    }
    this.next = id + 1;
  }
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

async function main(): Promise<number> {
  if (URL_BASE === "" || !(EVENTS > WARMUP) || !(SUBSCRIBERS >= 1)) {
    console.error("set BENCH_SSE_URL, BENCH_SSE_EVENTS (> BENCH_SSE_WARMUP) and BENCH_SSE_SUBSCRIBERS ≥ 1");
    return 2;
  }
  const clockStart = wallClockOffsetMs() * 1000;
  const readers = Array.from({ length: SUBSCRIBERS }, (_, i) => new Reader(i));
  const runs = readers.map((r) => r.run());
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), TIMEOUT_S * 1000);
  });
  const errors: string[] = [];
  try {
    const ready = await Promise.race([Promise.all(readers.map((r) => r.connected)), timeout]);
    if (ready === "timeout") throw new Error(`not every stream connected within ${TIMEOUT_S} s`);
    console.log("READY");
    if (await Promise.race([Promise.all(runs), timeout]) === "timeout") {
      errors.push(`timed out after ${TIMEOUT_S} s`);
    }
  } catch (e) {
    errors.push(e instanceof Error ? e.message : String(e));
  } finally {
    clearTimeout(timer);
    for (const r of readers) r.stop();
  }
  for (const r of readers) {
    errors.push(...r.errors);
    if (r.next <= EVENTS) errors.push(`reader ${r.index}: got ids up to ${r.next - 1} of ${EVENTS}`);
  }
  const clockEnd = wallClockOffsetMs() * 1000;
  const timed = EVENTS - WARMUP;
  const all = new Float64Array(timed * SUBSCRIBERS);
  readers.forEach((r, i) => all.set(r.latencyUs, i * timed));
  const sum = summarize(all);
  const result = {
    ok: errors.length === 0,
    subscribers: SUBSCRIBERS,
    events: EVENTS,
    warmup: WARMUP,
    count: sum.n,
    median: sum.median,
    p99: sum.p99,
    p999: sum.p999,
    max: sum.max,
    mean: sum.mean,
    perSubscriber: readers.map((r) => {
      const s = summarize(r.latencyUs);
      return { median: round(s.median), p99: round(s.p99) };
    }),
    clockOffsetUs: [clockStart, clockEnd],
    errors,
  };
  console.log(`RESULT ${JSON.stringify(result)}`);
  return result.ok ? 0 : 1;
}

process.exit(await main());
