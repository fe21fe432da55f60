import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUniqueViolation } from '../../src/db/errors.ts';
import { insertProject } from '../../src/projects/projects.repository.ts';
import { createTestApp, dialects, type TestApp } from '../support/test-app.ts';

describe.each(dialects)('unique violations on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t.close());

  it('are recognised, so a race past the duplicate check answers 409, not 500', async () => {
    const project = { id: 'p1', name: 'dup', createdAt: 'x', updatedAt: 'x' };
    await insertProject(t.app.db, project);
    const error: unknown = await insertProject(t.app.db, { ...project, id: 'p2' }).catch(
      (e: unknown) => e,
    );
    expect(isUniqueViolation(error)).toBe(true);
    expect(isUniqueViolation(new Error('other'))).toBe(false);
  });
});
