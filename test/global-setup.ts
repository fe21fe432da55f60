import { assertPostgresReachable } from './support/postgres.ts';

/** Fails the whole run at once, with instructions, when a required service is down. */
export default async function setup(): Promise<void> {
  await assertPostgresReachable();
}
