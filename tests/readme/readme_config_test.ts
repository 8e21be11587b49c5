/**
 * The README's configuration table against the settings table the CLI parses: every setting a user can pass
 * has a row naming its flag and variable, and every row names a real setting.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SETTINGS } from "../../lib/cli/settings.ts";
import { REPO } from "../cli/_child.ts";

function configRows(markdown: string): { flag: string | undefined; env: string | undefined }[] {
  const section = markdown.slice(markdown.indexOf("## Configuration"), markdown.indexOf("## Building"));
  const rows = section.split("\n").filter((l) =>
    l.startsWith("|") && !l.startsWith("| flag") && !l.startsWith("| ---")
  );
  return rows.map((row) => {
    const [flagCell, envCell] = row.split(/(?<!\\)\|/).slice(1, 3).map((c) => c.trim());
    return {
      flag: /`(--[a-z-]+)/.exec(flagCell ?? "")?.[1],
      env: /`([A-Z_]+)`/.exec(envCell ?? "")?.[1],
    };
  });
}

test("README: the configuration table lists exactly the settings the CLI reads", () => {
  const rows = configRows(readFileSync(join(REPO, "README.md"), "utf8"));
  assert.ok(rows.length >= 10, `found ${rows.length} rows`);
  const documented = (s: { flag?: string; env?: string }) =>
    rows.some((r) => (s.flag === undefined || r.flag === s.flag) && (s.env === undefined || r.env === s.env));
  // --help and --version are described by the help text itself, not the table.
  for (const s of SETTINGS.filter((s) => s.flag !== "--help" && s.flag !== "--version")) {
    assert.ok(documented(s), `no README row for ${s.flag ?? ""} ${s.env ?? ""}`);
  }
  for (const r of rows) {
    const known = SETTINGS.some((s) =>
      (r.flag === undefined || s.flag === r.flag) && (r.env === undefined || s.env === r.env)
    );
    assert.ok(known, `README row ${r.flag ?? ""} ${r.env ?? ""} names no setting`);
  }
});
