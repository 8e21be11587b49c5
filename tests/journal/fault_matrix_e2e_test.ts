/**
 * The journal fault matrix, end to end: {torn last line, flipped bytes in an intent, in an ack, zero-fill,
 * random bytes, the file deleted while running, the directory deleted while running, the lock file deleted
 * while running, disk full during an intent, an ack, a rotation} × {kill -9, restart}.
 *
 * Each cell runs the simulator in its own process (it outlives the router, as an exchange does), starts the
 * router against it (ws-fapi, REST, user stream), places three resting orders over HTTP, applies the fault,
 * kills the router with SIGKILL and starts it again on the same data directory. The router is main.ts on the
 * runtime running the tests, or the compiled binary when `LIGHTNING_BINARY` names one (CI exports the binary
 * it built, so the matrix covers the shipped artefact), with the same flags. Then every order open on the
 * exchange must be tracked (`GET /orders`), and the router must either have resumed because the journal lost
 * nothing (every order tracked is one the journal knew, none recovered or external) or hold new orders with a
 * reason naming the journal. Never silently resumed.
 *
 * Disk full without root: the running router gets a file-size limit (`prlimit --fsize`, with SIGXFSZ
 * ignored), so its journal writes past that size fail in the kernel with EFBIG: the failed-write path of
 * ENOSPC, short writes included. (/dev/full is no way in here: Deno refuses a router run with --allow-write
 * but not --allow-all to open a device, NotCapable.) The rotation is the rewrite of a deleted file; a
 * rotation for size (64 MiB) on a full disk is covered by tests/journal/runtime_faults_test.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Child, REPO, routerCommand, spawnProcess, spawnScript } from "../cli/_child.ts";
import { OpenOrdersClient } from "../../lib/account/open_orders.ts";
import { restQuerySigner } from "../../lib/router/_credentials.ts";
import { readLock } from "../../lib/gateway/_lock_owner.ts";

const KEY = "fault-matrix-api-key";
const SECRET = "fault-matrix-secret-key-0123456789";
const FIRST = "journal-000001.log";

/** The simulator process and its URLs. */
interface Exchange {
  sim: Child;
  args: string[];
  /** The client ids of the orders open on the exchange (listed over REST, signed). */
  open(): Promise<string[]>;
}

/** A router process (main.ts or the binary) and its control plane's URL. */
interface Running {
  child: Child;
  url: string;
}

/** What a fault gets: the running router, its journal directory, the client ids of its open orders. */
interface Ctx {
  router: Running;
  dir: string;
  cids: string[];
  /** The router's command-line arguments (a second router on the same directory takes the same). */
  args: string[];
}

/** A tracked order as `GET /orders` shows it (the fields used here). */
interface Tracked {
  clientOrderId: string;
  state: string;
  status: string;
  recovered: boolean;
  external: boolean;
}

async function startExchange(): Promise<Exchange> {
  const sim = spawnScript("tests/journal/_sim_server.ts", [KEY, SECRET]);
  let urls: RegExpMatchArray;
  try {
    urls = await sim.waitForStderr(/simulator (ws:\/\/\S+) (http:\/\/\S+) (ws:\/\/\S+)/);
  } catch (e) {
    sim.kill("SIGKILL");
    await sim.exited();
    throw e;
  }
  const [, wsUrl, httpUrl, streamUrl] = urls;
  const client = new OpenOrdersClient({
    restUrl: httpUrl!,
    apiKey: KEY,
    sign: restQuerySigner({ apiKey: KEY, secretKey: SECRET }),
    now: () => Date.now(),
  });
  return {
    sim,
    args: ["--ws-url", wsUrl!, "--rest-url", httpUrl!, "--stream-url", streamUrl!],
    open: async () =>
      (await client.openOrders()).filter((o) => o.status === "NEW").map((o) => String(o.clientOrderId))
        .sort(),
  };
}

/**
 * Starts the router (main.ts, or the binary in LIGHTNING_BINARY) with SIGXFSZ ignored (a file-size limit set
 * later then fails writes with EFBIG instead of killing the process); `exec` keeps the pid that of the router.
 */
async function startRouter(args: string[]): Promise<Running> {
  const line = routerCommand(args);
  const child = spawnProcess(
    "/bin/sh",
    ["-c", 'trap "" XFSZ; exec "$0" "$@"', line.command, ...line.args],
    REPO,
    { BINANCE_API_KEY: KEY, BINANCE_SECRET_KEY: SECRET },
  );
  try {
    const [, url] = await child.waitForStderr(/control\s+(http:\/\/127\.0\.0\.1:\d+)/);
    return { child, url: url! };
  } catch (e) {
    child.kill("SIGKILL");
    await child.exited();
    throw e;
  }
}

async function kill9(router: Running): Promise<void> {
  router.child.kill("SIGKILL");
  assert.equal(await router.child.exited(), "SIGKILL");
}

/** The file-size limit of process `pid` (soft; "unlimited" lifts it): a disk that is full past `bytes`. */
function fileSizeLimit(pid: number, bytes: number | "unlimited"): void {
  try {
    execFileSync("prlimit", ["--pid", String(pid), `--fsize=${bytes}:`], { stdio: "pipe" });
  } catch (e) {
    throw new Error(`prlimit (util-linux) is needed to fill the disk of a running router: ${e}`);
  }
}

async function call(
  url: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: await res.json() };
}

/** A resting LIMIT BUY; the router generates its client id. */
const place = (url: string, price: string) =>
  call(url, "POST", "/orders", {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    quantity: "0.003",
    price,
    timeInForce: "GTC",
  });

async function placeResting(url: string, price: string): Promise<string> {
  const { status, json } = await place(url, price);
  assert.equal(status, 200, JSON.stringify(json));
  assert.equal(json.status, "NEW");
  return String(json.clientOrderId);
}

/** Polls `check` every 20 ms until it returns a value; fails after `ms`, with what `seen` shows then. */
async function until<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  seen: () => unknown = () => "",
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; ${JSON.stringify(await seen())}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const health = async (url: string) => (await call(url, "GET", "/health")).json;

/** Waits until `/health` shows a halt reason matching `re`; returns the health. */
const heldFor = (url: string, re: RegExp) =>
  until(`a hold matching ${re}`, async () => {
    const h = await health(url);
    return typeof h.haltReason === "string" && re.test(h.haltReason) ? h : undefined;
  }, () => health(url));

const journalFiles = (dir: string) => fs.readdirSync(dir).filter((f) => /^journal-\d+\.log$/.test(f)).sort();

/** The journal's lines (every file, without newlines). */
const journalLines = (dir: string) =>
  journalFiles(dir).flatMap((f) => fs.readFileSync(join(dir, f), "utf8").split("\n").filter((l) => l));

/** Waits until the journal holds an ack of each of `cids` (outcomes are written on the next tick). */
const acked = (dir: string, cids: string[]) =>
  until("the acks in the journal", () => {
    const acks = journalLines(dir).filter((l) => l.includes('"t":"ack"'));
    return cids.every((cid) => acks.some((l) => l.includes(`"${cid}"`))) || undefined;
  });

/** The byte range of the first line of `path` holding every one of `texts`. */
function lineRange(path: string, ...texts: string[]): { start: number; length: number } {
  const lines = fs.readFileSync(path, "utf8").split("\n");
  const i = lines.findIndex((l) => texts.every((t) => l.includes(t)));
  assert.ok(i >= 0, `a line with ${texts.join(" and ")}`);
  const start = lines.slice(0, i).reduce((at, l) => at + Buffer.byteLength(l) + 1, 0);
  return { start, length: Buffer.byteLength(lines[i]!) };
}

/** Flips two bytes inside the JSON of the line at `start`: its checksum no longer matches. */
function flipTwoBytes(path: string, start: number): void {
  const bytes = fs.readFileSync(path);
  bytes[start + 20] = bytes[start + 20]! ^ 0x01;
  bytes[start + 30] = bytes[start + 30]! ^ 0x40;
  fs.writeFileSync(path, bytes);
}

/** A deterministic byte stream (xorshift32) standing in for random garbage. */
function noise(length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = 0x9e3779b9;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** One cell: the fault (it ends with the router killed), and the halt reasons expected after the restart. */
interface Cell {
  fault(ctx: Ctx): Promise<void>;
  /** Undefined: the restart resumes (nothing was lost). Else every pattern must match the halt reason. */
  halted?: RegExp[];
  /** More checks after the restart. */
  after?(url: string, ctx: Ctx): Promise<void>;
}

async function runCell(cell: Cell): Promise<void> {
  const exchange = await startExchange();
  const dataDir = fs.mkdtempSync(join(tmpdir(), "lr-fault-matrix-"));
  const dir = join(dataDir, "custom");
  const args = [...exchange.args, "--port", "0", "--data-dir", dataDir, "--recv-window", "1000"];
  let first: Running | undefined;
  let second: Running | undefined;
  try {
    first = await startRouter(args);
    const cids: string[] = [];
    for (const price of ["49000", "49100", "49200"]) cids.push(await placeResting(first.url, price));
    await acked(dir, cids);
    assert.deepEqual(journalFiles(dir), [FIRST]);
    const ctx: Ctx = { router: first, dir, cids, args };
    await cell.fault(ctx);
    assert.notEqual(await first.child.exited(), 0, "the fault ends with the router killed");

    second = await startRouter(args);
    const url = second.url;
    // Settled: every restored order known, the reconciliation hold over (a damage hold stays).
    const h = await until("the restart to settle", async () => {
      const h = await health(url);
      const counts = h.orders as Record<string, number>;
      const reason = typeof h.haltReason === "string" ? h.haltReason : "";
      return counts.unknown === 0 && !/reconciling \d+ orders from the journal/.test(reason) ? h : undefined;
    }, () => health(url));
    const live = await exchange.open();
    const tracked = (await call(url, "GET", "/orders")).json as unknown as Tracked[];
    // Every order open on the exchange is tracked, and nothing else is.
    assert.deepEqual(tracked.map((o) => o.clientOrderId).sort(), live, "tracked = open on the exchange");
    assert.ok(tracked.every((o) => o.state === "open" && o.status === "NEW" && !o.external));
    if (cell.halted === undefined) {
      assert.equal(h.halted, false, `resumed: ${h.haltReason}`);
      assert.equal(h.status, "ok");
      // It resumed because the journal lost nothing: it knew every open order itself.
      assert.deepEqual(tracked.filter((o) => o.recovered).map((o) => o.clientOrderId), []);
    } else {
      assert.equal(h.halted, true);
      for (const re of cell.halted) assert.match(String(h.haltReason), re);
      // Held for real: a new order is refused, nothing goes out.
      const refused = await place(url, "48000");
      assert.deepEqual([refused.status, refused.json.code], [503, -10]);
      assert.deepEqual(await exchange.open(), live);
    }
    await cell.after?.(url, ctx);
  } finally {
    for (const r of [first, second]) {
      r?.child.kill("SIGKILL");
      await r?.child.exited();
    }
    exchange.sim.kill("SIGKILL");
    await exchange.sim.exited();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const OPTIONS = { timeout: 60_000 };
const DAMAGED = /^journal damaged: journal-000001\.log /;
const LOST_ALL = /journal lost orders: 3 open orders of this router were not in the journal \(lr-/;

test(
  "fault matrix: truncated mid-line (a torn tail) → restart resumes: nothing was lost",
  OPTIONS,
  async () => {
    await runCell({
      fault: async ({ router, dir, cids }) => {
        await kill9(router);
        const path = join(dir, FIRST);
        const last = lineRange(path, '"t":"ack"', cids[2]!);
        assert.equal(last.start + last.length + 1, fs.statSync(path).size, "the last ack is the last line");
        fs.truncateSync(path, last.start + Math.floor(last.length / 2));
      },
    });
  },
);

test(
  "fault matrix: two bytes flipped in an intent → damage: halted, every order still tracked",
  OPTIONS,
  async () => {
    await runCell({
      fault: async ({ router, dir, cids }) => {
        await kill9(router);
        const path = join(dir, FIRST);
        flipTwoBytes(path, lineRange(path, '"t":"intent"', cids[0]!).start);
      },
      // The intact ack still yields the order whose intent is unreadable.
      halted: [DAMAGED, /3 unfinished orders recovered, 1 of them only from outcome records/],
    });
  },
);

test(
  "fault matrix: two bytes flipped in an ack → damage: halted, every order still tracked",
  OPTIONS,
  async () => {
    await runCell({
      fault: async ({ router, dir, cids }) => {
        await kill9(router);
        const path = join(dir, FIRST);
        flipTwoBytes(path, lineRange(path, '"t":"ack"', cids[0]!).start);
      },
      halted: [DAMAGED, /3 unfinished orders recovered/],
    });
  },
);

test(
  "fault matrix: the file zero-filled → damage, every order adopted from the exchange: halted",
  OPTIONS,
  async () => {
    await runCell({
      fault: async ({ router, dir }) => {
        await kill9(router);
        const path = join(dir, FIRST);
        fs.writeFileSync(path, new Uint8Array(fs.statSync(path).size));
      },
      halted: [DAMAGED, /0 unfinished orders recovered/, LOST_ALL],
    });
  },
);

test(
  "fault matrix: the file overwritten with random bytes → damage, orders adopted: halted",
  OPTIONS,
  async () => {
    await runCell({
      fault: async ({ router, dir }) => {
        await kill9(router);
        fs.writeFileSync(join(dir, FIRST), noise(8192));
      },
      halted: [DAMAGED, /0 unfinished orders recovered/, LOST_ALL],
    });
  },
);

test(
  "fault matrix: the file deleted while running → held, rewritten from memory; restart resumes",
  OPTIONS,
  async () => {
    await runCell({
      fault: async ({ router, dir, cids }) => {
        fs.rmSync(join(dir, FIRST));
        await heldFor(
          router.url,
          /^order journal: journal file journal-000001\.log was deleted while running; rewritten from memory to journal-000002\.log$/,
        );
        const refused = await place(router.url, "48000");
        assert.deepEqual([refused.status, refused.json.code], [503, -10], "new orders held");
        const rewritten = fs.readFileSync(join(dir, "journal-000002.log"), "utf8");
        for (const cid of cids) assert.ok(rewritten.includes(cid), `${cid} in the rewritten journal`);
        await kill9(router);
      },
    });
  },
);

test(
  "fault matrix: the lock file deleted while running → written again at once; a second router is still refused",
  OPTIONS,
  async () => {
    await runCell({
      fault: async ({ router, dir, args }) => {
        const lock = join(dir, "router.lock");
        const pid = readLock(lock).pid;
        assert.equal(pid, router.child.pid);
        fs.rmSync(lock);
        await until("the lock written again", () => fs.existsSync(lock) ? true : undefined);
        assert.equal(readLock(lock).pid, pid);
        assert.equal(fs.statSync(lock).mode & 0o777, 0o600);
        const h = await health(router.url);
        assert.equal(h.halted, false, "nothing was lost: no hold");
        // A second router on the same directory stops at once (configuration error), naming the owner.
        const line = routerCommand(args);
        const env = { BINANCE_API_KEY: KEY, BINANCE_SECRET_KEY: SECRET };
        const second = spawnProcess(line.command, line.args, REPO, env);
        assert.notEqual(await second.exited(30_000), 0);
        assert.match(second.stderr(), new RegExp(`in use by another router \\(pid ${pid}\\)`));
        await kill9(router);
      },
    });
  },
);

test(
  "fault matrix: the directory deleted while running → held; restart adopts every order: halted",
  OPTIONS,
  async () => {
    await runCell({
      fault: async ({ router, dir }) => {
        fs.rmSync(dir, { recursive: true, force: true });
        const h = await heldFor(
          router.url,
          /^order journal: journal file journal-000001\.log was deleted with its directory while running; cannot be rewritten \(ENOENT\)$/,
        );
        assert.equal(h.status, "degraded");
        const refused = await place(router.url, "48000");
        assert.deepEqual([refused.status, refused.json.code], [503, -10], "new orders held");
        await kill9(router);
      },
      halted: [LOST_ALL],
    });
  },
);

test(
  "fault matrix: disk full during an intent → 507, nothing sent; space freed and resumed; restart resumes",
  OPTIONS,
  async () => {
    let placed = "";
    await runCell({
      fault: async ({ router, dir, cids }) => {
        const path = join(dir, FIRST);
        const size = fs.statSync(path).size;
        fileSizeLimit(router.child.pid, size + 40); // room for part of the next line only
        const refused = await place(router.url, "49300");
        assert.deepEqual([refused.status, refused.json.code], [507, -17], JSON.stringify(refused.json));
        const h = await heldFor(
          router.url,
          /^order journal: journal write failed \(EFBIG\) on journal-000001\.log$/,
        );
        assert.equal(h.status, "degraded");
        // The writer retries its buffered outcomes while the disk is full (each try lands what fits and cuts it
        // back off), so one look can fall inside a try: the file must come back to its size between them.
        await until(
          "the part of the intent that fit to be cut back off",
          () => fs.statSync(path).size === size || undefined,
        );
        // Space freed; the operator resumes: trading goes on in the same file, the next line whole.
        fileSizeLimit(router.child.pid, "unlimited");
        assert.equal((await call(router.url, "POST", "/resume")).status, 200);
        placed = await placeResting(router.url, "49400");
        cids.push(placed);
        await acked(dir, [placed]);
        assert.equal((await health(router.url)).status, "ok");
        await kill9(router);
      },
      after: async (url, { cids }) => {
        const tracked = (await call(url, "GET", "/orders")).json as unknown as Tracked[];
        assert.deepEqual(
          tracked.map((o) => o.clientOrderId).sort(),
          [...cids].sort(),
          "the refused order never went out",
        );
        assert.ok(cids.includes(placed));
      },
    });
  },
);

test(
  "fault matrix: disk full during an ack → the cancel goes out, its answer is lost; restart reconciles it and resumes",
  OPTIONS,
  async () => {
    await runCell({
      fault: async ({ router, dir, cids }) => {
        const path = join(dir, FIRST);
        const size = fs.statSync(path).size;
        fileSizeLimit(router.child.pid, size);
        const canceled = await call(
          router.url,
          "DELETE",
          `/orders?symbol=BTCUSDT&origClientOrderId=${cids[0]}`,
        );
        assert.deepEqual([canceled.status, canceled.json.status], [200, "CANCELED"]);
        const h = await heldFor(
          router.url,
          /^order journal: journal write failed \(EFBIG\) on journal-000001\.log$/,
        );
        assert.equal(h.status, "degraded");
        assert.equal(fs.statSync(path).size, size, "neither the cancel nor its answer is in the journal");
        await kill9(router);
      },
      after: async (url, { cids }) => {
        // The journal still showed it open: reconciled once more, found canceled.
        const all = (await call(url, "GET", "/orders?state=all")).json as unknown as Tracked[];
        const first = all.find((o) => o.clientOrderId === cids[0]);
        assert.deepEqual([first?.state, first?.status], ["finished", "CANCELED"]);
      },
    });
  },
);

test(
  "fault matrix: disk full during a rotation (the rewrite of a deleted file) → held; restart adopts every order: halted",
  OPTIONS,
  async () => {
    await runCell({
      fault: async ({ router, dir }) => {
        // Smaller than the checkpoint of three orders: the file the rewrite starts cannot take it.
        fileSizeLimit(router.child.pid, 100);
        fs.rmSync(join(dir, FIRST));
        const h = await heldFor(
          router.url,
          /^order journal: journal file journal-000001\.log was deleted while running; cannot be rewritten \(EFBIG\)$/,
        );
        assert.equal(h.status, "degraded");
        assert.deepEqual(journalFiles(dir), [], "the part-written new file is not left behind");
        await kill9(router);
      },
      halted: [LOST_ALL],
    });
  },
);
