import type { Logger } from '../shared/logger.ts';

export const crashPolicyMessages = {
  unhandledRejection: 'unhandled promise rejection: logged; the process keeps serving',
  uncaughtException: 'uncaught exception: exiting (code 1) so that a supervisor restarts Scene',
} as const;

/**
 * The last-resort policy of a long-running process (`scene serve`, `scene worker`), decided
 * once here. Faults are meant to be handled where they arise; these handlers only decide
 * what a fault that escaped does to the process.
 *
 * - `unhandledRejection`: logged at error with its stack; the process keeps serving. Safe,
 *   because a rejected promise has no effect beyond itself: the work behind it has already
 *   stopped, and the only thing missing is a handler that would have read the rejection.
 *   Exiting for it would turn a forgotten `.catch` into an outage for every user and run.
 * - `uncaughtException`: logged at fatal with its stack, then exit code 1 at once. A throw
 *   unwinds a stack mid-operation (a callback taken off a table and never settled, a lock
 *   held), so the state is unknown; carrying on risks hangs and wrong results. No graceful
 *   stop is tried (it could hang on that very state): a supervisor restarts the process, and
 *   the run engine re-queues at start whatever executions it left running.
 */
export function installCrashPolicy(logger: Logger): void {
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, crashPolicyMessages.unhandledRejection);
  });
  process.on('uncaughtException', (error, origin) => {
    try {
      logger.fatal({ err: error, origin }, crashPolicyMessages.uncaughtException);
    } finally {
      process.exit(1);
    }
  });
}
