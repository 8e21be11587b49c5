/**
 * Journal-fault soak: the router as a child process (main.ts on this runtime, or the compiled binary named by
 * `LIGHTNING_BINARY`) against the simulator in a process of its own, driven over HTTP at `SOAK_RATE` (1,000)
 * orders/s for `SOAK_SECONDS` (300), while its journal is broken on a schedule. At the end every client order
 * id this load generator sent is compared with the simulator's order list: **0 lost, 0 duplicated**, or the
 * run exits 1.
 *
 * Load: one order in ten rests (GTC, far below the mark) and is cancelled about a second later; the others
 * are IOCs below the mark that expire at once (no margin held). Client ids are this generator's own, drawn in
 * the router's pattern (`ClientOrderIds`), so a restart that finds them open but not in its journal would
 * adopt them as its own (and hold), as it would its generated ids.
 *
 * Faults, every `SOAK_FAULT_EVERY_S` (30) s from `SOAK_FIRST_FAULT_S` (20) s on, in turn (only faults a running
 * router must survive):
 * - `file-deleted`: every journal file deleted while it runs (it rewrites the journal from memory);
 * - `disk-full`: a file-size limit on the running router (`prlimit --fsize`, SIGXFSZ ignored) below its
 *   journal's size, so every journal write fails (EFBIG) for `SOAK_FULL_S` (3) s, then lifted;
 * - `dir-deleted`: the journal's directory deleted (`rm -rf`), recreated 2 s later;
 * - `kill-9`: SIGKILL under load, restarted on the same data directory.
 * After each one the router must hold new orders with a reason naming the journal (`/health`); the generator
 * goes on sending (refused while held, 503 -10) and posts `POST /resume` once `/health` says the journal is ok
 * again (after a kill -9: once restarted and its restored orders reconciled, when the hold lifts by itself).
 *
 * Verdict, per client id: an order answered 200 must be on the exchange; one refused (any other answer but a
 * 504 -15) must not be; one whose outcome is unknown (504 -15, or no answer because the router was killed) is
 * checked against what the router then resolved it to (`GET /orders?state=all`: a status, `NOT_FOUND`, or not
 * known at all = its intent never reached the journal, so never sent): the exchange must agree. Every order on
 * the exchange must be one the generator sent (nothing placed of itself), and no client id may be on the
 * exchange twice (nothing resent). Anything else is a loss.
 *
 * Run: `deno task soak:journal`, or `bun bench/journal_soak.ts`; `LIGHTNING_BINARY=$PWD/dist/lightning-router`
 * runs the binary; `BENCH_SIM_RUNTIME=deno|bun` the simulator's runtime (default: this one). Needs Linux
 * (`prlimit` from util-linux, /proc for RSS). Not a test: it takes minutes (see tests/journal/ for the short
 * version).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { ClientOrderIds } from "../lib/router/client_order_ids.ts";
import { API_KEY, SECRET_KEY } from "./_fixtures.ts";
import { type Child, REPO, spawnChild } from "./_support/children.ts";
import { Progress } from "./_support/progress.ts";
import { runtimeLabel, runtimeName } from "./_support/runtime.ts";
import { defaultSimRuntime, type SimProcess, startSimProcess } from "./_support/sim_process.ts";

/** The faults, in the order they are applied (cycling). */
export const FAULT_KINDS = ["file-deleted", "disk-full", "dir-deleted", "kill-9"] as const;
export type FaultKind = typeof FAULT_KINDS[number];

/** Options of {@linkcode journalSoak}. */
export interface JournalSoakOptions {
  /** Seconds of load. */
  seconds: number;
  /** Orders placed per second (cancels of the resting ones come on top). */
  rate: number;
  /** Seconds between faults, and of the first one. */
  faultEveryS: number;
  firstFaultS: number;
  /** No fault starts later than this many seconds before the end of the load. */
  quietTailS?: number;
  /** The faults in the order applied (cycling); default {@linkcode FAULT_KINDS}. */
  faults?: readonly FaultKind[];
  /** Seconds the disk stays full. */
  fullS?: number;
  /** The router's command (default: LIGHTNING_BINARY, else main.ts on this runtime). */
  router?: { command: string; args: string[]; label: string };
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** What {@linkcode journalSoak} found. */
export interface JournalSoakSummary {
  router: string;
  seconds: number;
  rate: number;
  /** Place requests sent, by kind. */
  sent: number;
  sentIoc: number;
  sentResting: number;
  /** Orders due while the router was down (killed, not yet restarted): not sent. */
  skippedWhileDown: number;
  accepted: number;
  /** 503 -10: new orders held. */
  refusedHeld: number;
  /** 507 -17: the journal could not record the intent; not sent. */
  refusedJournal: number;
  /** Any other refusal (e.g. 503 -11 not connected, an exchange rejection). */
  refusedOther: number;
  refusedOtherCodes: Record<string, number>;
  /** 504 -15 or no answer (router killed): reconciled by the router, by what it resolved them to. */
  unknown: number;
  unknownResolved: Record<string, number>;
  cancelsSent: number;
  canceled: number;
  faults: number;
  faultCounts: Record<string, number>;
  /** Seconds from each fault to its `POST /resume` (or to the end of the restart's own hold). */
  heldSeconds: number[];
  restarts: number;
  /** Orders each restart restored from the journal (unfinished as far as it knew) and reconciled. */
  restoredAtRestart: number[];
  exchangeOrders: number;
  lost: number;
  duplicated: number;
  /** Up to 20 examples of what was lost or duplicated. */
  examples: string[];
  /** What went wrong with the run itself (a fault not noticed, a hold that never lifted…). */
  anomalies: string[];
  rssMaxMb: number;
  rssLastMb: number;
}

const SYMBOL = "BTCUSDT";
/** Below the simulator's mark (51,000): a BUY IOC there expires at once. */
const IOC = {
  symbol: SYMBOL,
  side: "BUY",
  type: "LIMIT",
  quantity: "0.002",
  price: "50000.10",
  timeInForce: "IOC",
};
/** Far below the mark: rests; 0.003 for the minimum notional (100 USDT). */
const RESTING = { ...IOC, quantity: "0.003", price: "45000.00", timeInForce: "GTC" };
const RESTING_EVERY = 10;
const CANCEL_AFTER_MS = 1000;
const MAX_IN_FLIGHT = 200;
const REQUEST_TIMEOUT_MS = 30_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The router's command line: the binary in LIGHTNING_BINARY, else main.ts on this runtime. */
export function defaultRouterCommand(): { command: string; args: string[]; label: string } {
  const binary = process.env.LIGHTNING_BINARY;
  if (binary) return { command: binary, args: [], label: `binary ${binary}` };
  const main = join(REPO, "main.ts");
  if (runtimeName() === "deno") {
    const deno = (globalThis as unknown as { Deno: { execPath(): string } }).Deno.execPath();
    // The permissions of `deno task start`, not -A.
    const flags = ["--allow-net", "--allow-env", "--allow-read", "--allow-write", "--allow-sys"];
    return { command: deno, args: ["run", ...flags, main], label: `main.ts on ${runtimeLabel()}` };
  }
  return { command: process.execPath, args: [main], label: `main.ts on ${runtimeLabel()}` };
}

type Answer = { status: number; json: Record<string, unknown> } | { error: string };

async function http(url: string, method: string, body?: unknown): Promise<Answer> {
  try {
    const res = await fetch(url, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text);
    } catch { /* not JSON */ }
    return { status: res.status, json };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/** The router as a child process; SIGXFSZ ignored (a file-size limit then fails writes with EFBIG). */
class RouterProcess {
  child: Child | undefined;
  url = "";
  instance = 0;
  rssMax = 0;
  rssLast = 0;
  readonly #command: { command: string; args: string[] };
  readonly #args: string[];
  readonly #sampler: ReturnType<typeof setInterval>;

  constructor(command: { command: string; args: string[] }, args: string[]) {
    this.#command = command;
    this.#args = args;
    this.#sampler = setInterval(() => this.#sample(), 1000);
  }

  get pid(): number {
    return this.child?.pid ?? -1;
  }

  async start(): Promise<void> {
    this.instance++;
    this.child = spawnChild(
      `router #${this.instance}`,
      "/bin/sh",
      ["-c", 'trap "" XFSZ; exec "$0" "$@"', this.#command.command, ...this.#command.args, ...this.#args],
      { env: { BINANCE_API_KEY: API_KEY, BINANCE_SECRET_KEY: SECRET_KEY, NO_COLOR: "1" } },
    );
    const m = await this.child.waitForLine(/control\s+(http:\/\/127\.0\.0\.1:\d+)/, 60_000);
    this.url = m[1]!;
  }

  async kill9(): Promise<void> {
    try {
      process.kill(this.pid, "SIGKILL");
    } catch { /* gone */ }
    await this.child?.exited;
  }

  async stop(): Promise<number | string | undefined> {
    clearInterval(this.#sampler);
    if (this.child === undefined) return undefined;
    await this.child.stop(30_000);
    return this.child.exited;
  }

  #sample(): void {
    try {
      const status = fs.readFileSync(`/proc/${this.pid}/status`, "utf8");
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      if (kb > 0) {
        this.rssLast = kb * 1024;
        this.rssMax = Math.max(this.rssMax, this.rssLast);
      }
    } catch { /* between instances */ }
  }
}

/** What the generator knows of one client id. */
interface Sent {
  resting: boolean;
  /** The router instance it was sent to. */
  instance: number;
  outcome?: "accepted" | "held" | "journal" | "refused" | "unknown";
}

/** The file-size limit of process `pid` (soft; "unlimited" lifts it). */
function fileSizeLimit(pid: number, bytes: number | "unlimited"): void {
  execFileSync("prlimit", ["--pid", String(pid), `--fsize=${bytes}:`], { stdio: "pipe" });
}

const journalFiles = (dir: string) =>
  fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /^journal-\d+\.log$/.test(f)).sort() : [];

/** Runs the soak; never throws for a loss (see the summary), only when the harness itself cannot go on. */
export async function journalSoak(options: JournalSoakOptions): Promise<JournalSoakSummary> {
  const log = options.log ?? (() => {});
  const faults = options.faults ?? FAULT_KINDS;
  const fullMs = (options.fullS ?? 3) * 1000;
  const quietTailMs = (options.quietTailS ?? 20) * 1000;
  const routerCommand = options.router ?? defaultRouterCommand();
  const anomalies: string[] = [];

  const simRuntime = process.env.BENCH_SIM_RUNTIME
    ? defaultSimRuntime()
    : runtimeName() === "bun"
    ? "bun"
    : "deno";
  const sim: SimProcess = await startSimProcess({ runtime: simRuntime, maxSeconds: options.seconds + 600 });
  const dataDir = fs.mkdtempSync(join(tmpdir(), "lr-journal-soak-"));
  const journalDir = join(dataDir, "custom");
  const router = new RouterProcess(routerCommand, [
    "--ws-url",
    sim.url,
    "--rest-url",
    sim.httpUrl,
    "--stream-url",
    sim.streamUrl,
    "--port",
    "0",
    "--data-dir",
    dataDir,
    "--recv-window",
    "1000",
  ]);

  const ids = new ClientOrderIds();
  const sent = new Map<string, Sent>();
  /** Client ids whose outcome is unknown, waiting for the router's resolution. */
  const toResolve = new Map<string, number>();
  /** What the router resolved each unknown one to: a status, NOT_FOUND, or ABSENT (never journaled). */
  const resolved = new Map<string, string>();
  const refusedOtherCodes: Record<string, number> = {};
  const cancels: { cid: string; at: number; attempts: number }[] = [];
  const inFlight = new Set<Promise<void>>();
  const counts = { sent: 0, ioc: 0, resting: 0, skipped: 0, cancelsSent: 0, canceled: 0 };
  const faultCounts: Record<string, number> = {};
  const heldSeconds: number[] = [];
  const restoredAtRestart: number[] = [];
  let routerDown = true;
  let loadDone = false;

  const track = (p: Promise<void>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  const place = (cid: string, resting: boolean) => {
    const entry: Sent = { resting, instance: router.instance };
    sent.set(cid, entry);
    track((async () => {
      const a = await http(`${router.url}/orders`, "POST", {
        ...(resting ? RESTING : IOC),
        newClientOrderId: cid,
      });
      if ("error" in a) {
        entry.outcome = "unknown";
      } else if (a.status === 200) {
        entry.outcome = "accepted";
        if (resting && a.json.status === "NEW") {
          cancels.push({ cid, at: performance.now() + CANCEL_AFTER_MS, attempts: 0 });
        }
      } else if (a.status === 504 || a.status === 500) {
        entry.outcome = "unknown";
      } else if (a.json.code === -10) {
        entry.outcome = "held";
      } else if (a.json.code === -17) {
        entry.outcome = "journal";
      } else {
        entry.outcome = "refused";
        const key = `${a.status} ${a.json.code}`;
        refusedOtherCodes[key] = (refusedOtherCodes[key] ?? 0) + 1;
      }
      if (entry.outcome === "unknown") toResolve.set(cid, entry.instance);
    })());
  };

  const cancel = (c: { cid: string; at: number; attempts: number }) => {
    counts.cancelsSent++;
    track((async () => {
      const a = await http(`${router.url}/orders?symbol=${SYMBOL}&origClientOrderId=${c.cid}`, "DELETE");
      if (!("error" in a) && a.status === 200) counts.canceled++;
      else if (!("error" in a) && a.json.code === -2011) { /* gone already (canceled before a kill) */ }
      else if (c.attempts < 60) {
        cancels.push({ ...c, at: performance.now() + 1000, attempts: c.attempts + 1 });
      }
    })());
  };

  /** Orders the router tracks, finished ones included, by client id. */
  const trackedNow = async (): Promise<Map<string, { state: string; status: string }> | undefined> => {
    const a = await http(`${router.url}/orders?state=all`, "GET");
    if ("error" in a || a.status !== 200) return undefined;
    const list = a.json as unknown as { clientOrderId: string; state: string; status: string }[];
    return new Map(list.map((o) => [o.clientOrderId, o]));
  };

  /** Resolves the unknown outcomes the router now knows the truth of; `absentBefore`: older ones it lacks. */
  const resolveUnknown = async (absentBefore: number) => {
    if (toResolve.size === 0) return;
    const tracked = await trackedNow();
    if (tracked === undefined) return;
    for (const [cid, instance] of toResolve) {
      const o = tracked.get(cid);
      if (o !== undefined && (o.state === "open" || o.state === "finished")) {
        resolved.set(cid, o.status);
        toResolve.delete(cid);
        // A resting order placed after all: cancelled like the others.
        if (o.state === "open") cancels.push({ cid, at: performance.now(), attempts: 0 });
      } else if (o === undefined && instance < absentBefore) {
        resolved.set(cid, "ABSENT");
        toResolve.delete(cid);
      }
    }
  };

  const health = async () => {
    const a = await http(`${router.url}/health`, "GET");
    return "error" in a ? undefined : a.json;
  };

  const until = async <T>(what: string, check: () => Promise<T | undefined>, ms: number) => {
    const deadline = performance.now() + ms;
    for (;;) {
      const v = await check();
      if (v !== undefined) return v;
      if (performance.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      await sleep(50);
    }
  };

  const heldForJournal = () =>
    until("a hold naming the journal", async () => {
      const h = await health();
      return h && typeof h.haltReason === "string" && /journal/.test(h.haltReason) ? h : undefined;
    }, 15_000);

  /** Waits for /health to say the journal is ok again, then resumes. */
  const resumeWhenJournalOk = async () => {
    await until("the journal to be ok again", async () => {
      const h = await health();
      const journal = h?.journal as { ok?: boolean } | undefined;
      return journal?.ok === true && h?.status !== "degraded" ? true : undefined;
    }, 30_000);
    const r = await http(`${router.url}/resume`, "POST", {});
    if ("error" in r || r.status !== 200) anomalies.push(`POST /resume failed: ${JSON.stringify(r)}`);
  };

  /** After a start: connected, every restored order reconciled, the reconciliation's hold lifted. */
  const settled = () =>
    until("the restart to settle", async () => {
      const h = await health();
      if (h === undefined || h.connected !== true) return undefined;
      const orders = h.orders as { unknown: number };
      const reason = typeof h.haltReason === "string" ? h.haltReason : "";
      return orders.unknown === 0 && !/reconciling \d+ orders/.test(reason) ? h : undefined;
    }, 60_000);

  const inject = async (kind: FaultKind) => {
    const t0 = performance.now();
    faultCounts[kind] = (faultCounts[kind] ?? 0) + 1;
    if (kind === "kill-9") {
      routerDown = true;
      await router.kill9();
      await Promise.allSettled([...inFlight]); // the requests it took down with it: unknown
      const down = performance.now();
      await router.start();
      routerDown = false;
      const up = performance.now();
      const h = await settled();
      const restored = Number(/(\d+) orders from the last run/.exec(router.child!.output())?.[1] ?? 0);
      restoredAtRestart.push(restored);
      log(
        `  restarted in ${
          ((up - down) / 1000).toFixed(1)
        } s; ${restored} orders restored from the journal, ` +
          `reconciled ${((performance.now() - up) / 1000).toFixed(1)} s later`,
      );
      await resolveUnknown(router.instance);
      const tracked = await trackedNow();
      const adopted = [...(tracked?.values() ?? [])].filter((o) =>
        (o as { recovered?: boolean; external?: boolean }).recovered ||
        (o as { recovered?: boolean; external?: boolean }).external
      );
      if (adopted.length > 0) {
        anomalies.push(`restart adopted ${adopted.length} orders the journal did not know`);
      }
      if (h.halted === true) {
        anomalies.push(`held after the restart settled: ${h.haltReason}`);
        await http(`${router.url}/resume`, "POST", {});
      }
      heldSeconds.push((performance.now() - t0) / 1000);
      return;
    }
    const pid = router.pid;
    if (kind === "file-deleted") {
      for (const f of journalFiles(journalDir)) fs.rmSync(join(journalDir, f), { force: true });
      await heldForJournal();
    } else if (kind === "dir-deleted") {
      fs.rmSync(journalDir, { recursive: true, force: true });
      await heldForJournal();
      await sleep(2000);
      fs.mkdirSync(journalDir, { mode: 0o700 });
    } else {
      const files = journalFiles(journalDir);
      const size = files.length === 0 ? 0 : fs.statSync(join(journalDir, files[files.length - 1]!)).size;
      fileSizeLimit(pid, Math.max(1, size));
      try {
        await heldForJournal();
        await sleep(fullMs);
      } finally {
        fileSizeLimit(pid, "unlimited");
      }
    }
    await resumeWhenJournalOk();
    heldSeconds.push((performance.now() - t0) / 1000);
  };

  const faultLoop = async (start: number) => {
    let n = 0;
    for (;;) {
      const at = start + (options.firstFaultS + n * options.faultEveryS) * 1000;
      if (at > start + options.seconds * 1000 - quietTailMs) return;
      while (performance.now() < at) await sleep(50);
      const kind = faults[n % faults.length]!;
      n++;
      log(`fault ${n} at ${((performance.now() - start) / 1000).toFixed(0)} s: ${kind}`);
      try {
        await inject(kind);
      } catch (e) {
        anomalies.push(`fault ${n} (${kind}): ${e instanceof Error ? e.message : e}`);
        // Bring the router back to a known state for the rest of the run.
        if (
          router.child !== undefined && (await Promise.race([router.child.exited, sleep(0)])) !== undefined
        ) {
          await router.start();
          routerDown = false;
        }
        try {
          fileSizeLimit(router.pid, "unlimited");
          if (!fs.existsSync(journalDir)) fs.mkdirSync(journalDir, { mode: 0o700 });
          await resumeWhenJournalOk();
        } catch (e2) {
          anomalies.push(`fault ${n}: could not recover the run: ${e2}`);
        }
      }
    }
  };

  const resolverLoop = async () => {
    while (!loadDone) {
      await sleep(1000);
      if (!routerDown) await resolveUnknown(0);
    }
  };

  let summary: JournalSoakSummary | undefined;
  try {
    await router.start();
    routerDown = false;
    log(`router ${routerCommand.label}, control ${router.url}; simulator on ${simRuntime}; data ${dataDir}`);
    const start = performance.now();
    const faultsDone = faultLoop(start);
    const resolverDone = resolverLoop();
    let placed = 0;
    let nextProgress = start + 10_000;
    const progress = new Progress({ minIntervalMs: 5000 });
    while (performance.now() - start < options.seconds * 1000) {
      const now = performance.now();
      const due = Math.floor(((now - start) * options.rate) / 1000);
      while (placed < due) {
        if (routerDown) {
          counts.skipped += due - placed;
          placed = due;
          break;
        }
        if (inFlight.size >= MAX_IN_FLIGHT) break;
        const resting = placed % RESTING_EVERY === RESTING_EVERY - 1;
        place(ids.next(), resting);
        counts.sent++;
        if (resting) counts.resting++;
        else counts.ioc++;
        placed++;
      }
      if (!routerDown) {
        while (cancels.length > 0 && cancels[0]!.at <= now && inFlight.size < MAX_IN_FLIGHT) {
          cancel(cancels.shift()!);
        }
        cancels.sort((a, b) => a.at - b.at);
      }
      progress.update("load (faults on a schedule)", (now - start) / 1000, options.seconds);
      if (now >= nextProgress) {
        nextProgress += 10_000;
        log(
          `${((now - start) / 1000).toFixed(0)} s: sent ${counts.sent}, in flight ${inFlight.size}, ` +
            `router RSS ${(router.rssLast / 2 ** 20).toFixed(0)} MB`,
        );
      }
      await sleep(2);
    }
    await faultsDone;
    progress.update("drain: cancel what rests, settle what is in flight", 0, 0);
    // Cancel what still rests, then let everything in flight settle.
    while (cancels.length > 0 || inFlight.size > 0) {
      for (const c of cancels.splice(0)) cancel(c);
      await Promise.allSettled([...inFlight]);
      if (cancels.length > 0) await sleep(1000);
    }
    loadDone = true;
    await resolverDone;
    const deadline = performance.now() + 60_000;
    progress.update(`resolve ${toResolve.size} unknown outcomes`, 0, 0);
    while (toResolve.size > 0 && performance.now() < deadline) {
      await resolveUnknown(router.instance);
      if (toResolve.size > 0) await sleep(500);
    }
    for (const c of cancels.splice(0)) cancel(c); // resting orders the last resolutions found placed
    await Promise.allSettled([...inFlight]);
    const h = await health();
    if (h?.halted === true) anomalies.push(`held at the end: ${h.haltReason}`);

    // The verdict, against the exchange.
    const exchange = new Map<string, string[]>();
    const simOrders = await sim.orders();
    for (const o of simOrders) {
      const list = exchange.get(o.clientOrderId);
      if (list === undefined) exchange.set(o.clientOrderId, [o.status]);
      else list.push(o.status);
    }
    const examples: string[] = [];
    let lost = 0;
    let duplicated = 0;
    const loss = (cid: string, what: string) => {
      lost++;
      if (examples.length < 20) examples.push(`lost ${cid}: ${what}`);
    };
    for (const [cid, statuses] of exchange) {
      if (statuses.length > 1) {
        duplicated++;
        if (examples.length < 20) examples.push(`duplicated ${cid}: ${statuses.join(", ")}`);
      }
      if (!sent.has(cid)) loss(cid, `on the exchange (${statuses.join(", ")}) but never sent`);
    }
    const outcomes = { accepted: 0, held: 0, journal: 0, refused: 0, unknown: 0 };
    const unknownResolved: Record<string, number> = {};
    for (const [cid, s] of sent) {
      const on = exchange.get(cid);
      if (s.outcome === undefined) {
        loss(cid, "never answered");
        continue;
      }
      outcomes[s.outcome]++;
      if (s.outcome === "accepted") {
        if (on === undefined) loss(cid, "accepted, not on the exchange");
      } else if (s.outcome === "unknown") {
        const r = resolved.get(cid);
        const key = r === undefined ? "unresolved" : r;
        unknownResolved[key] = (unknownResolved[key] ?? 0) + 1;
        if (r === undefined) loss(cid, "outcome unknown, never reconciled");
        else if (r === "ABSENT" || r === "NOT_FOUND") {
          if (on !== undefined) loss(cid, `the router says never placed (${r}), the exchange has it`);
        } else if (on === undefined) loss(cid, `the router says ${r}, not on the exchange`);
      } else if (on !== undefined) {
        loss(cid, `refused (${s.outcome}), yet on the exchange (${on.join(", ")})`);
      }
    }

    summary = {
      router: routerCommand.label,
      seconds: options.seconds,
      rate: options.rate,
      sent: counts.sent,
      sentIoc: counts.ioc,
      sentResting: counts.resting,
      skippedWhileDown: counts.skipped,
      accepted: outcomes.accepted,
      refusedHeld: outcomes.held,
      refusedJournal: outcomes.journal,
      refusedOther: outcomes.refused,
      refusedOtherCodes,
      unknown: outcomes.unknown,
      unknownResolved,
      cancelsSent: counts.cancelsSent,
      canceled: counts.canceled,
      faults: Object.values(faultCounts).reduce((a, b) => a + b, 0),
      faultCounts,
      heldSeconds,
      restarts: router.instance - 1,
      restoredAtRestart,
      exchangeOrders: simOrders.length,
      lost,
      duplicated,
      examples,
      anomalies,
      rssMaxMb: router.rssMax / 2 ** 20,
      rssLastMb: router.rssLast / 2 ** 20,
    };
  } finally {
    const code = await router.stop();
    if (summary !== undefined && code !== 0 && code !== "SIGTERM") {
      summary.anomalies.push(`the router exited ${code} on SIGTERM`);
    }
    await sim.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return summary;
}

const n = (x: number) => x.toLocaleString("en-US");

/** The summary as a few lines of text. */
export function formatSummary(s: JournalSoakSummary): string {
  const faults = Object.entries(s.faultCounts).map(([k, v]) => `${k} ×${v}`).join(", ");
  const held = s.heldSeconds.length === 0
    ? "-"
    : `${Math.min(...s.heldSeconds).toFixed(1)}–${Math.max(...s.heldSeconds).toFixed(1)} s`;
  const other = Object.entries(s.refusedOtherCodes).map(([k, v]) => `${k}: ${v}`).join(", ");
  const unknown = Object.entries(s.unknownResolved).map(([k, v]) => `${k} ${v}`).join(", ");
  return [
    `journal soak: ${s.router}, ${s.seconds} s at ${n(s.rate)} orders/s`,
    `  orders sent ${n(s.sent)} (${n(s.sentIoc)} IOC, ${n(s.sentResting)} resting), ` +
    `not sent while the router was down ${n(s.skippedWhileDown)}`,
    `  accepted ${n(s.accepted)}, refused while held ${n(s.refusedHeld)}, ` +
    `refused as the journal could not record them (507) ${n(s.refusedJournal)}, ` +
    `refused otherwise ${n(s.refusedOther)}${other ? ` (${other})` : ""}`,
    `  outcome unknown ${n(s.unknown)}${unknown ? ` (reconciled by the router: ${unknown})` : ""}`,
    `  cancels sent ${n(s.cancelsSent)}, canceled ${n(s.canceled)}`,
    `  faults injected ${s.faults}${faults ? ` (${faults})` : ""}, fault → resumed ${held}`,
    `  restarts ${s.restarts}${
      s.restarts > 0
        ? `, orders restored from the journal and reconciled: ${s.restoredAtRestart.join(", ")}`
        : ""
    }`,
    `  orders on the exchange ${n(s.exchangeOrders)}; router RSS max ${s.rssMaxMb.toFixed(0)} MB, ` +
    `last ${s.rssLastMb.toFixed(0)} MB`,
    `  lost ${s.lost}, duplicated ${s.duplicated}`,
    ...s.examples.map((e) => `  ${e}`),
    ...s.anomalies.map((a) => `  anomaly: ${a}`),
  ].join("\n");
}

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name}: expected a positive number, got ${raw}`);
  return v;
}

/** `SOAK_FAULTS=kill-9,disk-full`: the faults to cycle through. */
function faultList(raw: string): FaultKind[] {
  return raw.split(",").map((k) => {
    if (!(FAULT_KINDS as readonly string[]).includes(k)) {
      throw new Error(`SOAK_FAULTS: unknown fault ${k} (known: ${FAULT_KINDS.join(", ")})`);
    }
    return k as FaultKind;
  });
}

if (import.meta.main) {
  const options: JournalSoakOptions = {
    seconds: envNumber("SOAK_SECONDS", 300),
    rate: envNumber("SOAK_RATE", 1000),
    faultEveryS: envNumber("SOAK_FAULT_EVERY_S", 30),
    firstFaultS: envNumber("SOAK_FIRST_FAULT_S", 20),
    fullS: envNumber("SOAK_FULL_S", 3),
    ...(process.env.SOAK_FAULTS ? { faults: faultList(process.env.SOAK_FAULTS) } : {}),
    log: (line) => console.log(line),
  };
  const summary = await journalSoak(options);
  console.log(formatSummary(summary));
  console.log(`JOURNAL_SOAK ${JSON.stringify({ date: new Date().toISOString(), ...summary })}`);
  process.exit(summary.lost === 0 && summary.duplicated === 0 && summary.anomalies.length === 0 ? 0 : 1);
}
