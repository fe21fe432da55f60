// A long-running process with Scene's crash policy installed exactly as `scene serve` has it
// (src/cli.ts), for crash-policy.test.ts: it serves HTTP, and on request lets a promise
// rejection or an exception escape, the way a stray playwright-core handler would.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { installCrashPolicy } from '../../src/processes/crash-policy.ts';
import { createLogger } from '../../src/shared/logger.ts';

const logger = createLogger('info');
installCrashPolicy(logger);

const server = createServer((req, res) => {
  if (req.url === '/reject') {
    void Promise.reject(new Error('a rejection nobody handles'));
  } else if (req.url === '/throw') {
    // Thrown from a callback of the event loop, as Connection.dispatch was from setImmediate.
    setImmediate(() => {
      throw new Error('an exception nobody catches');
    });
  }
  res.end('alive');
});
server.listen(0, '127.0.0.1', () => {
  logger.info({ port: (server.address() as AddressInfo).port }, 'crash-policy child listening');
});
