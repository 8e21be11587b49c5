/**
 * Test fixture: the simulator alone in its own process (so it outlives a router killed with SIGKILL), with
 * the HMAC account given as arguments and Binance's rate limits raised. Prints its ws-fapi, REST and stream
 * URLs on stderr.
 */
import process from "node:process";
import { startSimulator } from "../../lib/sim/mod.ts";

const [apiKey, secretKey] = process.argv.slice(2);
const sim = await startSimulator({
  hmacKeys: [{ apiKey: apiKey!, secretKey: secretKey! }],
  limits: { ordersPer10s: 100_000, ordersPerMinute: 100_000, weightPerMinute: 1_000_000 },
});
process.stderr.write(`simulator ${sim.url} ${sim.httpUrl} ${sim.streamUrl}\n`);
setInterval(() => {}, 1000);
