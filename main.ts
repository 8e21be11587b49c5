/**
 * Lightning Router command line: reads the configuration, starts the gateway, prints the banner, and wires
 * process signals and fatal errors. Everything else lives in `lib/`.
 *
 * - SIGINT/SIGTERM/SIGHUP: stop accepting, let requests in flight settle (or fail them), close sockets, exit 0.
 *   A second signal, a second or more after the first, exits 1 at once (Ctrl-C under `deno task` delivers
 *   SIGINT twice: once from the terminal, once forwarded by the task runner).
 * - Uncaught exception / unhandled rejection: one log line, halt (no new order goes out), exit 1 at once.
 * - Configuration errors exit 2 (a bad flag or variable, or a risk or key file it names that cannot be read or
 *   is invalid); start failures (connect, bind, data directory) exit 1.
 *
 * @example
 * ```sh
 * deno task start                  # embedded simulator on http://127.0.0.1:7777
 * deno task start simulate         # only the simulator, for other clients (first stdout line: URLs and keys)
 * bun run main.ts --port 0 --log-format json
 * ```
 *
 * @module
 */

import { ConfigError, parseConfig, requestedLogFormat } from "./lib/cli/config.ts";
import { VERSION } from "./lib/cli/banner.ts";
import { type Service, startService } from "./lib/cli/service.ts";
import { createLogger } from "./lib/cli/log.ts";
import { runtime } from "./lib/cli/process.ts";

let service: Service | undefined;
let exiting = false;
let fatal = false;
let stopSignalAt = 0;

// `simulate` runs only the exchange simulator (lib/cli/simulate.ts); the router below never starts then.
// Imported only then: on Bun the router alone never loads the simulator's code (2–3 MB of RSS; Deno loads
// the whole module graph at start anyway).
if (runtime.args()[0] === "simulate") {
  const { runSimulate } = await import("./lib/cli/simulate.ts");
  await runSimulate(runtime, runtime.args().slice(1));
} else await runRouter();

async function runRouter(): Promise<void> {
  let parsed;
  try {
    parsed = parseConfig({ args: runtime.args(), env: runtime.env() });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    configFault(e, requestedLogFormat(runtime.args(), runtime.env()));
  }
  if (parsed.kind === "help") {
    runtime.writeStdout(parsed.text);
    runtime.exit(0);
  }
  if (parsed.kind === "version") {
    runtime.writeStdout(`lightning-router ${VERSION}`);
    runtime.exit(0);
  }
  const config = parsed.config;
  const creds = config.credentials;
  const log = createLogger({
    format: config.logFormat,
    write: runtime.writeStderr,
    secrets: [
      creds?.apiKey.reveal(),
      creds?.kind === "hmac" ? creds.secretKey.reveal() : undefined,
      config.token?.reveal(),
    ]
      .filter((s): s is string => s !== undefined),
  });

  runtime.onFatal((error, kind) => {
    // Halt first: whatever state the process is in, no further order may leave it.
    service?.router.holdNewOrders(`fatal ${kind}`);
    if (!fatal) log.error(`fatal ${kind}; exiting`, { error: describe(error) }); // one line, even if a second follows
    fatal = exiting = true;
    runtime.exit(1);
  });

  runtime.onStopSignal((signal) => {
    if (exiting) {
      if (Date.now() - stopSignalAt < 1000) return; // the same Ctrl-C, delivered twice
      log.warn("second stop signal; exiting now", { signal });
      runtime.exit(1);
    }
    exiting = true;
    stopSignalAt = Date.now();
    log.info("shutting down", { signal, inFlight: service?.router.inFlight ?? 0 });
    const done = service?.shutdown() ?? Promise.resolve();
    done.then(() => {
      log.info("stopped");
      runtime.exit(0);
    }, (e) => {
      log.error("shutdown failed", { error: describe(e) });
      runtime.exit(1);
    });
  });

  try {
    service = await startService({ config, log, readTextFile: runtime.readTextFile });
  } catch (e) {
    if (e instanceof ConfigError) configFault(e, config.logFormat); // a file it names (risk limits, key)
    log.error("start failed", { error: describe(e) });
    runtime.exit(1);
  }
  runtime.writeStderr(service.banner(config.logFormat));
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * A configuration error: named on stderr, exit 2 (a service manager need not restart into it). In the log
 * format asked for, so that a journal of JSON lines gets one too.
 */
function configFault(e: ConfigError, format: "text" | "json"): never {
  if (format === "json") {
    createLogger({ format, write: runtime.writeStderr }).error("invalid configuration", {
      problems: e.problems.join("; "),
      help: "see --help",
    });
  } else runtime.writeStderr(`lightning-router: ${e.message}\nSee --help.`);
  return runtime.exit(2);
}
