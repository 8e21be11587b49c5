/**
 * A loopback port that was free a moment ago, for a test that must know a server's port before the server
 * binds it (a service that is still starting, a peer that is down).
 */
import { type AddressInfo, createServer } from "node:net";

/** Binds port 0 on 127.0.0.1, reads the port, releases it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
