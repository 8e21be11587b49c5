/**
 * The README's systemd unit, read as systemd reads it: comments only on lines of their own (a `#` after a
 * value is part of the value: `EnvironmentFile=/x  # note` names a file called "/x  # note"), a private
 * umask, and one data directory that systemd creates for the service user and that stays writable under
 * `ProtectSystem=strict`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "../cli/_child.ts";

/** The README's ```ini block that holds a [Service] section. */
function unitText(): string {
  const readme = readFileSync(join(REPO, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/^```ini\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  const unit = blocks.find((b) => b.includes("[Service]"));
  assert.ok(unit !== undefined, "the README has a ```ini systemd unit");
  return unit;
}

/** `section.Key` → values (a key may repeat), the way systemd splits lines. */
function parseUnit(text: string): Map<string, string[]> {
  const entries = new Map<string, string[]>();
  let section = "";
  for (const [i, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[([A-Za-z]+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      continue;
    }
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    assert.ok(m, `line ${i + 1} is neither a comment, a section nor Key=value: ${raw}`);
    assert.ok(section !== "", `line ${i + 1} comes before any section`);
    const key = `${section}.${m[1]}`;
    entries.set(key, [...entries.get(key) ?? [], m[2]!]);
  }
  return entries;
}

function one(unit: Map<string, string[]>, key: string): string {
  const values = unit.get(key) ?? [];
  assert.equal(values.length, 1, `${key}: expected exactly one, found ${values.length}`);
  return values[0]!;
}

test("README unit: no value carries an inline comment (systemd would keep it as part of the value)", () => {
  const unit = parseUnit(unitText());
  assert.ok(unit.size >= 10, `parsed ${unit.size} keys`);
  for (const [key, values] of unit) {
    for (const v of values) assert.doesNotMatch(v, /\s[#;]/, `${key}=${v}`);
    for (const v of values) assert.equal(v, v.trimEnd(), `${key}: trailing whitespace`);
  }
  assert.match(one(unit, "Service.EnvironmentFile"), /^-?\/\S+$/, "one absolute path");
});

test("README unit: UMask=0077, so the journal and anything else the router writes is private", () => {
  assert.equal(one(parseUnit(unitText()), "Service.UMask"), "0077");
});

test("README unit: the data directory is systemd's StateDirectory, and the only writable path", () => {
  const unit = parseUnit(unitText());
  const exec = one(unit, "Service.ExecStart");
  const dataDir = /\s--data-dir[= ](\S+)/.exec(exec)?.[1];
  assert.ok(dataDir !== undefined, `ExecStart passes --data-dir: ${exec}`);
  assert.ok(dataDir.startsWith("/"), `--data-dir is absolute (got ${dataDir})`);
  // ProtectSystem=strict makes everything else read-only; StateDirectory= creates the directory, owned by
  // User=, before the start (a directory made by hand as root would not be writable by the service).
  assert.equal(one(unit, "Service.ProtectSystem"), "strict");
  const state = one(unit, "Service.StateDirectory");
  assert.equal(dataDir, `/var/lib/${state}`, "--data-dir is the StateDirectory");
  assert.ok(one(unit, "Service.User") !== "root");
  const writable = (unit.get("Service.ReadWritePaths") ?? []).flatMap((v) => v.split(/\s+/));
  for (const path of writable) {
    const p = path.replace(/^-/, "");
    assert.ok(dataDir === p || dataDir.startsWith(p + "/"), `ReadWritePaths=${p} is not the data directory`);
  }
  const mode = unit.get("Service.StateDirectoryMode")?.[0];
  if (mode !== undefined) assert.match(mode, /^0?7[0-7]0$/, "the owner can write, others cannot");
});
