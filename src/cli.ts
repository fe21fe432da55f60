import { ConfigError, loadConfig } from './config/config.ts';
import { installCrashPolicy } from './processes/crash-policy.ts';
import { migrate } from './processes/migrate.ts';
import { serve } from './processes/serve.ts';
import { worker } from './processes/worker.ts';
import { createLogger } from './shared/logger.ts';

const usage = `Usage: scene <command>

Commands:
  serve     start the web UI, the REST API and the embedded worker (port: SCENE_PORT, default 8080)
  migrate   apply database migrations and exit
  worker    run captures only, for scale-out (needs SCENE_QUEUE_URL=redis:// and Postgres)

Configuration comes from SCENE_* environment variables; see the README.`;

const commands = { serve, migrate, worker } as const;
/** Commands that keep running: they get the crash policy (src/processes/crash-policy.ts). */
const longRunning: ReadonlySet<string> = new Set(['serve', 'worker']);

async function main(argv: string[]): Promise<number> {
  const name = argv[0];
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    console.log(usage);
    return name === undefined ? 1 : 0;
  }
  if (!(name in commands)) {
    console.error(`scene: unknown command '${name}'\n\n${usage}`);
    return 2;
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`scene: ${error.message}`);
      return 2;
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  if (longRunning.has(name)) installCrashPolicy(logger);
  try {
    await commands[name as keyof typeof commands](config, logger);
    return longRunning.has(name) ? -1 : 0;
  } catch (error) {
    logger.fatal(
      { err: error },
      `scene ${name} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // -1: a long-running command; it exits through its shutdown handler.
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
