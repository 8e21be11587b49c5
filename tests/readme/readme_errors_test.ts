/**
 * The error tables (README.md and lib/control/README.md) against `LOCAL_CODES`: every local code the gateway
 * can answer is documented with its status, and no row names a code that does not exist.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LOCAL_CODES } from "../../lib/control/errors.ts";
import { REPO } from "../cli/_child.ts";

/** Local code → statuses, from the rows of the first table after `heading` ("-10 / -11" pairs with "503"). */
function documented(file: string, heading: string): Map<number, string[]> {
  const text = readFileSync(join(REPO, file), "utf8");
  const from = text.indexOf(heading);
  assert.ok(from >= 0, `${file}: no "${heading}"`);
  const lines = text.slice(from).split("\n");
  const first = lines.findIndex((l) => l.startsWith("|"));
  const rows = lines.slice(first).filter((_, i, all) => all.slice(0, i + 1).every((l) => l.startsWith("|")));
  const codes = new Map<number, string[]>();
  for (const row of rows.slice(2)) {
    const [status = "", code = ""] = row.split("|").slice(1, 3).map((c) => c.trim());
    if (!/^-\d/.test(code)) continue; // exchange codes
    const cs = code.split("/").map((c) => Number(c.trim()));
    const ss = status.split("/").map((s) => s.trim());
    cs.forEach((c, i) => codes.set(c, ss.length === cs.length ? [ss[i]!] : ss));
  }
  return codes;
}

const TABLES: [string, string][] = [["README.md", "**Errors**"], ["lib/control/README.md", "## Errors"]];

for (const [file, heading] of TABLES) {
  test(`${file}: the error table lists every local code, and only those`, () => {
    const table = documented(file, heading);
    const known = Object.values(LOCAL_CODES) as number[];
    for (const code of known) assert.ok(table.has(code), `${file}: code ${code} is not in the error table`);
    for (const code of table.keys()) assert.ok(known.includes(code), `${file}: ${code} is no local code`);
    assert.deepEqual(table.get(LOCAL_CODES.JOURNAL_UNAVAILABLE), ["507"]);
    assert.deepEqual(table.get(LOCAL_CODES.REQUEST_TIMEOUT), ["408"]);
    assert.deepEqual(table.get(LOCAL_CODES.INCOMPLETE_BODY), ["400"]);
    assert.deepEqual(table.get(LOCAL_CODES.NOT_FOUND), ["404"]);
    assert.deepEqual(table.get(LOCAL_CODES.METHOD_NOT_ALLOWED), ["405"]);
  });
}
