/**
 * `deno task start` resolves only the runtime packages: its import map pins exactly package.json's
 * `dependencies` (no devDependency, same versions), its lockfile carries the same integrity as deno.lock,
 * and the task's command runs main.ts with package.json ignored.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "./_child.ts";

const read = (file: string) => JSON.parse(readFileSync(join(REPO, file), "utf8"));
const pkg = read("package.json");
const imports: Record<string, string> = read("start.imports.json").imports;
const startLock = read("start.lock");
const denoLock = read("deno.lock");
const startTask: string = read("deno.json").tasks.start;

test("start.imports.json maps exactly the runtime dependencies, at package.json's versions", () => {
  const runtime = Object.entries(pkg.dependencies as Record<string, string>);
  assert.ok(runtime.length >= 2);
  const expected: Record<string, string> = {};
  for (const [name, version] of runtime) {
    expected[name] = `npm:${name}@${version}`;
    expected[`${name}/`] = `npm:/${name}@${version}/`;
  }
  assert.deepEqual(imports, expected);
  for (const dev of Object.keys(pkg.devDependencies)) assert.ok(!(dev in imports), `${dev} is dev-only`);
});

test("start.lock pins the same packages with the same integrity as deno.lock", () => {
  const names = Object.entries(pkg.dependencies as Record<string, string>).map(([n, v]) => `${n}@${v}`);
  assert.deepEqual(Object.keys(startLock.npm).sort(), names.sort());
  for (const name of names) assert.equal(startLock.npm[name].integrity, denoLock.npm[name]?.integrity, name);
});

test("the start task ignores package.json, uses the import map and lock, and makes no node_modules", () => {
  for (const part of ["DENO_NO_PACKAGE_JSON=1", "--no-config", "--import-map=start.imports.json"]) {
    assert.ok(startTask.includes(part), part);
  }
  for (const part of ["--lock=start.lock", "--frozen", "--node-modules-dir=none", " main.ts"]) {
    assert.ok(startTask.includes(part), part);
  }
  assert.equal(read("deno.json").nodeModulesDir, "manual", "`deno task` must not install package.json first");
});

test("the start command runs main.ts (--version) with only the runtime packages", () => {
  const args = startTask.replace(/^DENO_NO_PACKAGE_JSON=1 deno /, "").split(" ").filter((a) => a !== "");
  const run = spawnSync("deno", [...args, "--version"], {
    cwd: REPO,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, DENO_NO_PACKAGE_JSON: "1", NO_COLOR: "1" },
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^lightning-router \d+\.\d+\.\d+/);
  assert.doesNotMatch(run.stderr, /Ignored build scripts|Download .*(ccxt|binance|puppeteer|mitata)/);
});
