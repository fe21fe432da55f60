import type { Principal } from '../../auth/principal.ts';
import { principalOfToken } from '../../auth/tokens.service.ts';
import type { Db } from '../../db/connect.ts';

/** The principal of an `Authorization: Bearer scene_…` header; undefined when not valid. */
export async function principalOfBearer(
  db: Db,
  authorization: string | undefined,
): Promise<Principal | undefined> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return match?.[1] ? principalOfToken(db, match[1]) : undefined;
}
