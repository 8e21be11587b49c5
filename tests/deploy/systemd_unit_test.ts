/**
 * deploy/lightning-router.service: accepted by `systemd-analyze verify` without a warning, free of inline
 * comments (systemd reads a comment only on a line of its own), with a private umask, secrets from an
 * EnvironmentFile, and one data directory that systemd creates for the service user and that stays writable
 * under `ProtectSystem=strict`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO } from "../cli/_child.ts";
import { one, parseUnit } from "./_unit_file.ts";

const UNIT_NAME = "lightning-router.service";
const text = readFileSync(join(REPO, "deploy", UNIT_NAME), "utf8");

/** Runs `systemd-analyze verify` on `unit`, with ExecStart's binary replaced by an executable that exists. */
function verify(unit: string): { status: number | null; complaints: string[] } {
  const dir = mkdtempSync(join(tmpdir(), "lr-unit-"));
  try {
    const binary = join(dir, "lightning-router");
    writeFileSync(binary, "#!/bin/sh\nexit 0\n");
    chmodSync(binary, 0o755);
    const file = join(dir, UNIT_NAME);
    writeFileSync(file, unit.replace(/^ExecStart=\S+/m, `ExecStart=${binary}`));
    const run = spawnSync("/usr/bin/systemd-analyze", ["verify", file], {
      encoding: "utf8",
      timeout: 30_000,
    });
    assert.equal(run.error, undefined, `systemd-analyze: ${run.error?.message}`);
    // Warnings ("Unknown key", "Failed to parse … ignoring") keep the exit code 0: they count as failures.
    const complaints = `${run.stdout}\n${run.stderr}`.split("\n").filter((l) => l.includes(UNIT_NAME));
    return { status: run.status, complaints };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("systemd-analyze verify accepts the unit without a warning", () => {
  const { status, complaints } = verify(text);
  assert.deepEqual(complaints, []);
  assert.equal(status, 0);
});

test("systemd-analyze verify does complain about a broken unit (the check above can fail)", () => {
  const { complaints } = verify(text.replace("Restart=on-failure", "Restart=sometimes"));
  assert.ok(complaints.some((l) => /Restart|restart/.test(l)), complaints.join("\n"));
});

test("no value carries an inline comment; the parser check refuses one", () => {
  const unit = parseUnit(text);
  assert.ok(unit.size >= 10, `parsed ${unit.size} keys`);
  assert.match(one(unit, "Service.EnvironmentFile"), /^-?\/\S+$/, "one absolute path");
  const broken = text.replace(/^EnvironmentFile=(\S+)$/m, "EnvironmentFile=$1  # secrets, chmod 600");
  assert.notEqual(broken, text);
  assert.throws(() => parseUnit(broken), /inline comment in EnvironmentFile=/);
});

test("UMask=0077, so the journal and anything else the router writes is private", () => {
  assert.equal(one(parseUnit(text), "Service.UMask"), "0077");
});

test("the data directory is systemd's StateDirectory, and the only writable path", () => {
  const unit = parseUnit(text);
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
  assert.match(one(unit, "Service.StateDirectoryMode"), /^0?7[0-7]0$/, "the owner can write, others cannot");
});
