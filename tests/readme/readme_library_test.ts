/**
 * The README's library example, run: the `ts` block under "Library usage" with only its connection settings
 * pointed at the simulator (URL, REST URL, key, a temporary data directory). Everything else runs as printed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { REPO } from "../cli/_child.ts";
import { HMAC_KEY, HMAC_SECRET, simulator } from "../router/_harness.ts";

function libraryExample(markdown: string): string {
  const section = markdown.slice(markdown.indexOf("## Library usage"));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  assert.ok(block, "the Library usage section has a ts block");
  return block[1]!;
}

/** Replaces exactly one line matching `pattern`, so the test fails when the README changes shape. */
function replaceLine(code: string, pattern: RegExp, line: string): string {
  const hits = code.split("\n").filter((l) => pattern.test(l)).length;
  assert.equal(hits, 1, `one line matches ${pattern}`);
  return code.split("\n").map((l) => (pattern.test(l) ? line : l)).join("\n");
}

test("README: the library example runs against the simulator", { timeout: 30_000 }, async () => {
  const sim = await simulator();
  const dataDir = mkdtempSync(join(tmpdir(), "lr-readme-lib-"));
  // Inside the repository, so the example's `./lib/mod.ts` import resolves as printed.
  const file = join(REPO, `.readme_example_${process.pid}.ts`);
  try {
    let code = libraryExample(readFileSync(join(REPO, "README.md"), "utf8"));
    code = replaceLine(code, /^\s*url: "wss:/, `  url: ${JSON.stringify(sim.url)},`);
    code = replaceLine(code, /^\s*apiKey: /, `  apiKey: ${JSON.stringify(HMAC_KEY)},`);
    code = replaceLine(code, /^\s*privateKeyPem: /, `  secretKey: ${JSON.stringify(HMAC_SECRET)},`);
    code = replaceLine(code, /^\s*dataDir: /, `  dataDir: ${JSON.stringify(dataDir)},`);
    code = replaceLine(code, /^\s*restUrl: /, `  restUrl: ${JSON.stringify(sim.httpUrl)},`);
    code = replaceLine(code, /^\s*onEvent: /, "  onEvent: () => {},");
    code = replaceLine(code, /^console\.log\(/, "");
    code += "\nexport { gateway, report };\n";
    writeFileSync(file, code);
    const { gateway, report } = await import(file);
    assert.equal(report.reason, "end of session");
    assert.deepEqual(report.failed, []);
    assert.equal(gateway.router.connected, false, "closed at the end of the example");
    assert.equal(sim.orders().length, 1);
    assert.equal(sim.orders()[0]!.status, "CANCELED", "the example's order ends cancelled");
  } finally {
    rmSync(file, { force: true });
    rmSync(dataDir, { recursive: true, force: true });
    await sim.close();
  }
});

test("README: a strategy in a project of its own imports lib/mod.ts (Deno with the router's import map)", {
  timeout: 60_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "lr-strategy-"));
  const file = join(dir, "strategy.ts");
  writeFileSync(
    file,
    `import { Router } from ${JSON.stringify(join(REPO, "lib/mod.ts"))};
import { startSimulator } from ${JSON.stringify(join(REPO, "lib/sim/mod.ts"))};
const sim = await startSimulator({ hmacKeys: [{ apiKey: "k", secretKey: "s" }] });
const router = await Router.connect({ url: sim.url, apiKey: "k", secretKey: "s" });
const ack = await router.placeOrder({ symbol: "BTCUSDT", side: "BUY", type: "LIMIT", timeInForce: "GTC",
  quantity: "0.002", price: "50000" });
console.log(ack.status);
await router.close();
await sim.close();
`,
  );
  try {
    const isDeno = "Deno" in globalThis;
    const args = isDeno ? ["run", "-A", `--import-map=${join(REPO, "start.imports.json")}`, file] : [file];
    const { execFileSync } = await import("node:child_process");
    const out = execFileSync(process.execPath, args, { cwd: dir, encoding: "utf8", timeout: 50_000 });
    assert.equal(out.trim(), "NEW");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
