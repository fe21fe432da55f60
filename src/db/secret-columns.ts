import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { SecretBox } from '../secrets/secret-box.ts';
import { invariant } from '../shared/errors.ts';
import type { Conn } from './connect.ts';

/**
 * Carries the SecretBox with the database handle, so that repositories seal and open secret
 * columns with any `Conn` they are given — the database or a transaction (transactions
 * inherit the plugins of the database they come from). It changes no query and no result.
 */
class SecretBoxCarrier implements KyselyPlugin {
  constructor(readonly box: SecretBox) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

export function secretBoxPlugin(box: SecretBox): KyselyPlugin {
  return new SecretBoxCarrier(box);
}

/**
 * The columns that hold secrets, and what their sealed values are bound to (with the row id)
 * so that a ciphertext moved to another row or column does not decrypt there.
 */
export type SecretColumn = 'page.basicAuth.password' | 'webhook.secret';

export function sealSecret(
  conn: Conn,
  column: SecretColumn,
  rowId: string,
  plaintext: string,
): string {
  return boxOf(conn).seal(plaintext, `${column}:${rowId}`);
}

export function openSecret(
  conn: Conn,
  column: SecretColumn,
  rowId: string,
  stored: string,
): string {
  return boxOf(conn).open(stored, `${column}:${rowId}`);
}

export function isSealed(stored: string): boolean {
  return SecretBox.isSealed(stored);
}

function boxOf(conn: Conn): SecretBox {
  // getExecutor() is public in Kysely's typings (documented as internal): the only way to
  // reach a handle's plugins, which is what a transaction shares with its database.
  const carrier = conn.getExecutor().plugins.find((plugin) => plugin instanceof SecretBoxCarrier);
  invariant(
    carrier,
    'this database handle has no secret key: connectDatabase() must be given the SecretBox',
  );
  return carrier.box;
}
