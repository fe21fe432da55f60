import { createUserSchema } from '../auth/user.schema.ts';
import { createUser } from '../auth/users.service.ts';
import type { Config } from '../config/config.ts';
import { connectDatabase } from '../db/connect.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { AppError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';

export interface UsersCreateOptions {
  email: string;
  role: string;
  name?: string;
  passwordStdin?: boolean;
}

export interface Terminal {
  stdin: NodeJS.ReadStream;
  stdout: { write(text: string): void };
  stderr: { write(text: string): void };
}

/** Reads all of stdin; one trailing newline is not part of the password. */
async function readStdin(stdin: NodeJS.ReadStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin) text += String(chunk);
  return text.replace(/\r?\n$/, '');
}

/** Asks for a password on the terminal without echoing it. */
function promptHidden(term: Terminal, question: string): Promise<string> {
  return new Promise((resolve) => {
    term.stdout.write(question);
    const stdin = term.stdin;
    stdin.setRawMode(true);
    stdin.resume();
    let value = '';
    const onData = (chunk: Buffer): void => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          term.stdout.write('\n');
          resolve(value);
          return;
        }
        if (char === '\u0003') process.exit(130);
        if (char === '\u007f') value = value.slice(0, -1);
        else value += char;
      }
    };
    stdin.on('data', onData);
  });
}

/** `scene users create`: the first admin (or any user) straight into the database. */
export async function usersCreate(
  config: Config,
  logger: Logger,
  options: UsersCreateOptions,
  term: Terminal,
): Promise<number> {
  let password: string;
  if (options.passwordStdin) {
    password = await readStdin(term.stdin);
  } else if (term.stdin.isTTY) {
    password = await promptHidden(term, 'Password (at least 12 characters): ');
    const again = await promptHidden(term, 'Password again: ');
    if (again !== password) {
      term.stderr.write('scene: the passwords differ; nothing was created\n');
      return 2;
    }
  } else {
    term.stderr.write(
      'scene: no terminal to ask for the password: pipe it in with --password-stdin\n',
    );
    return 2;
  }
  const parsed = createUserSchema.safeParse({
    email: options.email,
    role: options.role,
    password,
    ...(options.name !== undefined && { displayName: options.name }),
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    term.stderr.write(`scene: ${problems.join('; ')}; nothing was created\n`);
    return 2;
  }
  const db = connectDatabase(config.database, logger);
  try {
    await migrateToLatest(db);
    const user = await createUser({ db }, parsed.data, 'cli');
    term.stdout.write(`created ${user.role} ${user.email} (id ${user.id})\n`);
    return 0;
  } catch (error) {
    if (error instanceof AppError && error.code === 'conflict') {
      term.stderr.write(`scene: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await db.destroy();
  }
}
