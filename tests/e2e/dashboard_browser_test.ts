/**
 * The dashboard in a real browser: headless Chromium (the system's, driven by puppeteer-core) against the
 * router on its embedded simulator — the compiled binary when CI passes it in LIGHTNING_BINARY, else main.ts
 * on the runtime running the tests. Orders go in through the control plane and fill through the simulator;
 * the page must show them. Halt from the page must halt the router; a page from another origin must not.
 * Leaves a screenshot in dist/dashboard.png (a CI artefact).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { REPO, routerCommand, spawnProcess } from "../cli/_child.ts";
import { LIMIT_ORDER } from "../control/_stack.ts";

/** The system's Chromium (Debian's `chromium` package; `.ci/run` installs it). */
function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  const found = candidates.find((p): p is string => p !== undefined && p !== "" && existsSync(p));
  if (found === undefined) {
    throw new Error("no Chromium found: install Debian's `chromium` package or set CHROMIUM_PATH");
  }
  return found;
}

/** The router (the binary or main.ts) on its simulator with a fresh data directory, and a headless Chromium. */
interface Setup {
  /** The control plane's base URL. */
  url: string;
  browser: Browser;
  /** Closes the browser, stops the router (SIGTERM, bounded) and deletes the data directory. */
  close(): Promise<void>;
}

async function startRouterAndBrowser(env: Record<string, string> = {}): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), "lr-dashboard-"));
  const line = routerCommand(["--port", "0", "--data-dir", join(dir, "data")]);
  const child = spawnProcess(line.command, line.args, REPO, env);
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    child.kill("SIGTERM");
    await child.exited(30_000).catch(() => child.kill("SIGKILL"));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [, url] = await child.waitForStderr(/control\s+(http:\/\/127\.0\.0\.1:\d+)/, 60_000);
    browser = await puppeteer.launch({
      executablePath: chromiumPath(),
      headless: true,
      args: ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage"],
    });
    return { url: url!, browser, close };
  } catch (e) {
    await close();
    throw e;
  }
}

async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function health(url: string): Promise<{ halted: boolean; haltReason: string | null }> {
  return await (await fetch(`${url}/health`)).json();
}

/** Text of the element `selector` once it contains `needle` (fails after 20 s with what it had). */
async function waitForText(page: Page, selector: string, needle: string): Promise<string> {
  try {
    await page.waitForFunction(
      (sel: string, text: string) => document.querySelector(sel)?.textContent?.includes(text) === true,
      { timeout: 20_000, polling: 100 },
      selector,
      needle,
    );
  } catch (e) {
    const had = await page.$eval(selector, (el) => el.textContent ?? "").catch(() => "(missing)");
    throw new Error(`${selector} never showed ${JSON.stringify(needle)}; it shows: ${had}`, { cause: e });
  }
  return await page.$eval(selector, (el) => el.textContent ?? "");
}

/** Waits (20 s at most) until the button `#id` is enabled. */
async function waitForEnabled(page: Page, id: string): Promise<void> {
  await page.waitForFunction(
    (buttonId: string) => (document.getElementById(buttonId) as HTMLButtonElement).disabled === false,
    { timeout: 20_000 },
    id,
  );
}

/** A page on another origin (another port of 127.0.0.1) that tries to halt the router from the browser. */
function evilSite(target: string): Promise<{ server: Server; url: string }> {
  const script = `
    const results = {};
    async function attempt(name, init) {
      try {
        const r = await fetch(${JSON.stringify(target)} + "/halt", init);
        results[name] = "answered " + r.status;
      } catch (e) {
        results[name] = "blocked: " + e.name;
      }
    }
    (async () => {
      // A "simple" request: no preflight, so it reaches the router with this page's Origin.
      await attempt("simple", { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" });
      await attempt("no-cors", { method: "POST", mode: "no-cors", body: "{}" });
      // JSON with a guessed CSRF token: the browser preflights it first.
      await attempt("json", {
        method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": "guess" },
        body: JSON.stringify({ reason: "evil" }),
      });
      // Reading the dashboard page (to steal its CSRF token).
      try {
        const page = await fetch(${JSON.stringify(target)} + "/");
        results.read = "read " + page.status + " " + (await page.text()).length;
      } catch (e) {
        results.read = "blocked: " + e.name;
      }
      document.title = "done";
      window.results = results;
    })();`;
  const server = createServer((req, res) => {
    if (req.url === "/evil.js") {
      res.writeHead(200, { "content-type": "text/javascript" });
      res.end(script);
      return;
    }
    res.writeHead(200, { "content-type": "text/html" });
    res.end(`<!doctype html><title>evil</title><script src="/evil.js"></script>`);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      resolve({ server, url: `http://127.0.0.1:${port}/` });
    });
  });
}

test("dashboard in Chromium: live order, fill, position and latency; Halt works; other origins cannot POST", {
  timeout: 180_000,
}, async () => {
  const { url, browser, close } = await startRouterAndBrowser();
  let evil: Server | undefined;
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1440, height: 1200 });
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(`page error: ${e}`));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console: ${m.text()}`);
    });
    await page.evaluateOnNewDocument(() => {
      document.addEventListener("securitypolicyviolation", (e) => {
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
      });
    });

    const opened = await page.goto(`${url}/`, { waitUntil: "load" });
    assert.equal(opened?.status(), 200);
    assert.match(opened?.headers()["content-security-policy"] ?? "", /script-src 'self'/);
    await waitForText(page, "#status-pill", "ok");
    await waitForText(page, "#connection", "connected");
    await waitForText(page, "#events-state", "live");
    await waitForText(page, "#mode", "SIMULATOR");
    await waitForText(page, "#stream", "up");

    // Orders in through the control plane (as curl would: no Origin, no CSRF token needed).
    const placed = await post(`${url}/orders`, { ...LIMIT_ORDER, newClientOrderId: "dash-buy-1" });
    assert.equal(placed.status, 200, JSON.stringify(placed.body));
    const resting = await post(`${url}/orders`, {
      ...LIMIT_ORDER,
      side: "SELL",
      price: "52000",
      newClientOrderId: "dash-sell-2",
    });
    assert.equal(resting.status, 200, JSON.stringify(resting.body));
    await waitForText(page, "#orders", "dash-buy-1");
    assert.match(await waitForText(page, "#orders", "dash-sell-2"), /NEW/);

    // The simulator's mark crosses the buy: it fills, a position opens.
    const mark = await post(`${url}/sim/mark`, { symbol: "BTCUSDT", price: "49990" });
    assert.equal(mark.status, 200, JSON.stringify(mark.body));
    const fills = await waitForText(page, "#fills", "dash-buy-1");
    assert.match(fills, /BUY/);
    assert.match(fills, /50000/);
    const positions = await waitForText(page, "#positions", "BTCUSDT");
    assert.match(positions, /0\.002/);
    assert.match(positions, /-0\.02/, "unrealized PnL at mark 49990");
    await waitForText(page, "#events", "dash-buy-1");
    // The filled buy leaves the open orders; the resting sell stays.
    await page.waitForFunction(
      () => !document.querySelector("#orders")?.textContent?.includes("dash-buy-1"),
      {
        timeout: 20_000,
      },
    );
    await page.click("[data-orders-view=all]");
    await waitForText(page, "#orders", "FILLED");

    // A latency point for the interval with those round trips.
    await page.waitForFunction(() => Number(document.getElementById("latency-chart")?.dataset.points) >= 1, {
      timeout: 20_000,
    });
    assert.match(await waitForText(page, "#latency-last", "p50"), /p99/);
    // A few more intervals with round trips (each order waits for its own point), for a chart worth a look.
    for (let i = 1; i <= 3; i++) {
      const before = await page.$eval("#latency-chart", (el) => Number((el as HTMLElement).dataset.points));
      const more = await post(`${url}/orders`, {
        ...LIMIT_ORDER,
        side: "SELL",
        price: String(52000 + i * 100),
      });
      assert.equal(more.status, 200, JSON.stringify(more.body));
      await page.waitForFunction(
        (n: number) => Number(document.getElementById("latency-chart")?.dataset.points) > n,
        { timeout: 20_000 },
        before,
      );
    }
    assert.match(await waitForText(page, "#histogram-summary", "round trips"), /p50/);
    assert.match(await waitForText(page, "#rate-limits", "ORDERS"), /\d+ \/ \d+/);

    mkdirSync(join(REPO, "dist"), { recursive: true });
    await page.screenshot({ path: join(REPO, "dist", "dashboard.png") as `${string}.png`, fullPage: true });

    // Another origin (another port of 127.0.0.1: "same-site", but not the same origin) cannot halt.
    const site = await evilSite(url);
    evil = site.server;
    const attacker = await browser.newPage();
    await attacker.goto(site.url, { waitUntil: "load" });
    await attacker.waitForFunction(() => document.title === "done", { timeout: 20_000 });
    const results = await attacker.evaluate(() =>
      (window as unknown as { results: Record<string, string> }).results
    );
    assert.match(results.simple ?? "", /^blocked/, "the router's 403 carries no CORS header");
    assert.match(results.json ?? "", /^blocked/, "the preflight fails");
    assert.match(results.read ?? "", /^blocked/, "the page (and its CSRF token) cannot be read");
    assert.equal(
      (await health(url)).halted,
      false,
      `a cross-origin page halted the router: ${JSON.stringify(results)}`,
    );
    // The simple request did reach the router, which refused it for its Origin.
    const refused = await fetch(`${url}/halt`, {
      method: "POST",
      headers: { origin: site.url.slice(0, -1), "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(refused.status, 403);
    assert.equal((await refused.json()).code, -6);

    await attacker.close();

    // Halt from the page: the router halts (and the page says so); Resume undoes it.
    await page.bringToFront();
    await page.click("#halt");
    await waitForText(page, "#halted", "HALTED");
    const halted = await health(url);
    assert.equal(halted.halted, true);
    assert.equal(halted.haltReason, "halted from the dashboard");
    await waitForText(page, "#events", "halted from the dashboard");
    await waitForEnabled(page, "resume");
    await page.click("#resume");
    await waitForText(page, "#halted", "no");
    assert.equal((await health(url)).halted, false);

    // Halt + flatten: a position (a MARKET buy) is closed by the halt, and the page says so.
    const bought = await post(`${url}/orders`, {
      symbol: "BTCUSDT",
      side: "BUY",
      type: "MARKET",
      quantity: "0.003",
      newOrderRespType: "RESULT",
    });
    assert.equal(bought.status, 200, JSON.stringify(bought.body));
    await waitForEnabled(page, "halt-flatten");
    await page.click("#halt-flatten");
    await waitForText(page, "#notice", "positions flattened");
    assert.equal((await health(url)).haltReason, "halted and flattened from the dashboard");
    const left = await (await fetch(`${url}/account/positions`)).json() as { positionAmt: string }[];
    assert.deepEqual(left.filter((p) => Number(p.positionAmt) !== 0), []);
    await waitForEnabled(page, "resume");
    await page.click("#resume");
    await waitForText(page, "#halted", "no");

    assert.deepEqual(problems, [], "no script error, failed request or CSP violation on the page");
  } finally {
    evil?.close();
    await close();
  }
});

test("dashboard in Chromium with ROUTER_TOKEN: the page asks for the token, then reads and halts with it", {
  timeout: 180_000,
}, async () => {
  const token = "dashboard-e2e-token-0123456789";
  const { url, browser, close } = await startRouterAndBrowser({ ROUTER_TOKEN: token });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(`page error: ${e}`));
    await page.goto(`${url}/`, { waitUntil: "load" });
    await page.waitForSelector("#token-bar:not([hidden])", { timeout: 20_000 });

    // A wrong token: the router answers 401 and the page asks again.
    await page.type("#token-input", "not-the-token-0123456789");
    await page.click("#token-form button[type=submit]");
    await page.waitForSelector("#token-bar:not([hidden])", { timeout: 20_000 });

    await page.$eval("#token-input", (el) => (el as HTMLInputElement).value = "");
    await page.type("#token-input", token);
    await page.click("#token-form button[type=submit]");
    await waitForText(page, "#events-state", "live");
    assert.equal(await page.$eval("#token-bar", (el) => (el as HTMLElement).hidden), true);

    const placed = await post(`${url}/orders`, { ...LIMIT_ORDER, newClientOrderId: "dash-token-1" }, {
      authorization: `Bearer ${token}`,
    });
    assert.equal(placed.status, 200, JSON.stringify(placed.body));
    await waitForText(page, "#orders", "dash-token-1");
    await waitForText(page, "#events", "dash-token-1");

    await waitForEnabled(page, "halt");
    await page.click("#halt");
    await waitForText(page, "#halted", "HALTED");
    assert.equal((await health(url)).halted, true);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});
