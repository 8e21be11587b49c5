/**
 * The README's `simulate` section, run: `simulate` as a child process, the section's SDK example (the `ts`
 * block, with only the path of sim.json changed) and every curl command of its control-route block, with the
 * README's port 7778 replaced by the child's.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { REPO } from "../cli/_child.ts";
import { startSimulateChild } from "../cli/_simulate.ts";

function section(): string {
  const markdown = readFileSync(join(REPO, "README.md"), "utf8");
  const start = markdown.indexOf("## Rehearsing against the simulator (`simulate`)");
  assert.ok(start >= 0, "the README has the simulate section");
  const end = markdown.indexOf("\n## ", start + 3);
  return markdown.slice(start, end);
}

/** Replaces exactly one line matching `pattern`, so the test fails when the README changes shape. */
function replaceLine(code: string, pattern: RegExp, line: string): string {
  const hits = code.split("\n").filter((l) => pattern.test(l)).length;
  assert.equal(hits, 1, `one line matches ${pattern}`);
  return code.split("\n").map((l) => (pattern.test(l) ? line : l)).join("\n");
}

test("README simulate: the JSON line, the SDK example and every /sim curl command work as printed", {
  timeout: 90_000,
}, async () => {
  const text = section();
  const bash = [...text.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const example = /```ts\n([\s\S]*?)```/.exec(text)?.[1];
  assert.ok(example, "the section has a ts block");
  assert.equal(bash.length, 2, "a start block and a control-route block");
  const sim = await startSimulateChild();
  const port = new URL(sim.access.restUrl).port;
  const dir = mkdtempSync(join(tmpdir(), "lr-readme-simulate-"));
  // Inside the repository, so the example's package import resolves from its node_modules.
  const file = join(REPO, `.readme_simulate_${process.pid}.ts`);
  try {
    // The start block's sample line shows the same keys the child printed.
    const sample = /^# (\{.*\})$/m.exec(bash[0]!)?.[1];
    assert.ok(sample);
    assert.deepEqual(Object.keys(JSON.parse(sample.replace(/…/g, ""))), Object.keys(sim.access));
    const simJson = join(dir, "sim.json");
    writeFileSync(simJson, sim.line + "\n");
    let code = replaceLine(
      example,
      /readFileSync\("sim\.json"/,
      `const sim = JSON.parse(readFileSync(${JSON.stringify(simJson)}, "utf8"));`,
    );
    code = replaceLine(code, /^console\.log\(/, "");
    code += "\nexport { canceled, placed };\n";
    writeFileSync(file, code);
    const { placed, canceled } = await import(file);
    assert.equal(placed.data.status, "NEW");
    assert.equal(canceled.data.status, "CANCELED");

    const curls = bash[1]!.split("\n").filter((l) => l.startsWith("curl "));
    assert.ok(curls.length >= 10, "the control routes are all shown");
    for (const line of curls) {
      const url = /(localhost:7778\S+)/.exec(line)?.[1];
      assert.ok(url, line);
      const body = /-d '([^']*)'/.exec(line)?.[1];
      const response = await fetch(`http://${url.replace("7778", port)}`, {
        method: line.includes("-X POST") ? "POST" : "GET",
        body: body ?? null,
        signal: AbortSignal.timeout(5_000),
      });
      assert.equal(response.status, 200, `${line}: ${await response.clone().text()}`);
      assert.equal(typeof await response.json(), "object");
    }
  } finally {
    rmSync(file, { force: true });
    rmSync(dir, { recursive: true, force: true });
    assert.equal(await sim.stop(), 0);
  }
});
