/**
 * The generated documentation is what `deno task docs` would write: the README's route and error tables (from
 * the control plane's OpenAPI document), its systemd unit (verbatim from deploy/) and the route list of
 * `--help`. A route, field or error code added without re-running the script fails here.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { generated, ROOT } from "../../scripts/docs.ts";
import { helpText } from "../../lib/cli/help.ts";
import { LOCAL_CODES } from "../../lib/control/errors.ts";

const files = await generated();

for (const [path, content] of files) {
  test(`${path} is what \`deno task docs\` writes`, () => {
    const current = readFileSync(`${ROOT}${path}`, "utf8");
    // Line by line first, so a failure names the first stale line.
    const a = current.split("\n");
    const b = content.split("\n");
    const at = a.findIndex((line, i) => line !== b[i]);
    assert.ok(at < 0 && a.length === b.length, `${path} line ${at + 1} is stale: run \`deno task docs\``);
    assert.equal(current, content);
  });
}

test("README: the route table lists GET /orders (the local list) and every method of /orders", () => {
  const readme = files.get("README.md")!;
  const section = readme.slice(readme.indexOf("<!-- generated: routes"), readme.indexOf("<!-- end: routes"));
  for (
    const route of ["GET /orders", "POST /orders", "PATCH /orders", "DELETE /orders", "GET /openapi.json"]
  ) {
    assert.ok(section.includes(`\`${route}\``), route);
  }
  assert.match(section, /`GET \/orders` +\| query: symbol\?, state\?, orderId\?/);
});

test("README: the error table has a row for every local code, -7 and -8 included", () => {
  const readme = files.get("README.md")!;
  const section = readme.slice(readme.indexOf("<!-- generated: errors"), readme.indexOf("<!-- end: errors"));
  for (const [name, code] of Object.entries(LOCAL_CODES)) {
    assert.match(section, new RegExp(`\\| ${code} +\\| .*\\(\`${name}\`\\) +\\|`), `${name} (${code})`);
  }
  assert.match(section, /\| 404 +\| -7 /);
  assert.match(section, /\| 405 +\| -8 /);
});

test("--help lists every route, GET /orders and the OpenAPI document included", () => {
  const help = helpText();
  for (const route of ["GET    /orders", "DELETE /orders", "GET    /openapi.json", "POST   /halt"]) {
    assert.ok(help.includes(route), route);
  }
});

test("README: the systemd unit is deploy/lightning-router.service, verbatim", () => {
  const unit = readFileSync(`${ROOT}deploy/lightning-router.service`, "utf8").trimEnd();
  assert.ok(files.get("README.md")!.includes("```ini\n" + unit + "\n```"));
});

test("README: the V8 flags it asks of a Deno strategy are those of deno task start and the Deno binary", () => {
  const tasks =
    (JSON.parse(readFileSync(`${ROOT}deno.json`, "utf8")) as { tasks: Record<string, string> }).tasks;
  const flagsOf = (task: string) => tasks[task]!.split(" ").find((f) => f.startsWith("--v8-flags="));
  const start = flagsOf("start");
  assert.ok(start !== undefined && start.includes("--max-semi-space-size="), "the start task sets V8 flags");
  assert.equal(flagsOf("compile:deno"), start);
  const library = files.get("README.md")!.slice(files.get("README.md")!.indexOf("## Library usage"));
  assert.ok(library.includes("`deno run " + start + " …`"), `README's library section asks for ${start}`);
});
