/**
 * The README's curl examples, run verbatim (parsed, then sent with fetch) against `main.ts` with no
 * configuration, in order. Each must succeed, except the one the README shows as bad input, which must be
 * refused with 400 naming the field.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO, spawnScript } from "../cli/_child.ts";

interface Curl {
  line: string;
  method: string;
  url: string;
  body: string | undefined;
  headers: Record<string, string>;
}

/** Splits a shell line into words, honouring single quotes (all the README uses). */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] ?? m[2]!);
  return out;
}

function parseCurls(markdown: string): Curl[] {
  const blocks = [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const curls: Curl[] = [];
  for (const block of blocks) {
    const joined = block.replace(/\\\n\s*/g, " ");
    for (const raw of joined.split("\n")) {
      const line = raw.trim();
      if (!line.startsWith("curl ")) continue;
      const w = words(line);
      const c: Curl = { line, method: "GET", url: "", body: undefined, headers: {} };
      for (let i = 1; i < w.length; i++) {
        const a = w[i]!;
        if (a === "-s") continue;
        if (a.startsWith("-X")) c.method = a.slice(2) || w[++i]!;
        else if (a === "-H") {
          const [k, ...v] = w[++i]!.split(":");
          c.headers[k!.trim()] = v.join(":").trim();
        } else if (a === "-d") c.body = w[++i]!;
        else c.url = a.startsWith("http") ? a : "http://" + a;
      }
      if (c.body !== undefined && c.method === "GET") c.method = "POST";
      curls.push(c);
    }
  }
  return curls;
}

test("README: every curl example works verbatim against the default start", { timeout: 60_000 }, async () => {
  const curls = parseCurls(readFileSync(join(REPO, "README.md"), "utf8"));
  assert.ok(curls.length >= 15, `found ${curls.length} curl examples`);
  const dataDir = mkdtempSync(join(tmpdir(), "lr-readme-"));
  // Port 0 (a free port) instead of 7777, so a router already running on this machine does not interfere.
  const child = spawnScript("main.ts", ["--port", "0", "--data-dir", dataDir]);
  try {
    const [, port] = await child.waitForStderr(/control\s+http:\/\/127\.0\.0\.1:(\d+)/);
    for (const c of curls) {
      const res = await fetch(c.url.replace("localhost:7777", `localhost:${port}`), {
        method: c.method,
        headers: c.headers,
        ...(c.body === undefined ? {} : { body: c.body }),
      });
      const text = await res.text();
      if (c.body?.includes('"quantity":"abc"')) {
        assert.equal(res.status, 400, c.line);
        assert.match(JSON.parse(text).msg, /quantity/);
      } else {
        assert.equal(res.status, 200, `${c.line}\n→ ${res.status} ${text}`);
      }
    }
  } finally {
    child.kill("SIGTERM");
    await child.exited();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
