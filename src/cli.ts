import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import type { Config } from './config/config.ts';
import type { RunCommandOptions } from './client/run/run-command.ts';
import type { ClientCommandIo } from './client/client-command.ts';
import type {
  BackstopImportOptions,
  StorybookImportOptions,
} from './client/imports/import-commands.ts';
import type {
  ApplyCommandOptions,
  ExportCommandOptions,
} from './client/project-file/project-file-commands.ts';
import type { UsersCreateOptions } from './processes/users-command.ts';
import type { Logger } from './shared/logger.ts';

// Scene's command line. Server commands (serve, migrate, worker) read the SCENE_* configuration;
// client commands (run) only talk to a server over its API. Every module behind a command is
// imported by its action, so `--help` and `--version` load nothing, start nothing and touch no
// files, and `scene run` needs none of the server's dependencies.

const packageJson = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as { version: string };

type ServerCommand = 'serve' | 'migrate' | 'worker' | 'users create' | 'doctor';

/** Loads the configuration and runs a server command; returns the exit code (-1: keeps running). */
async function runServerCommand(
  name: ServerCommand,
  usersCreateOptions?: UsersCreateOptions,
): Promise<number> {
  const { ConfigError, loadConfig } = await import('./config/config.ts');
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`scene: ${error.message}`);
      return 2;
    }
    throw error;
  }
  const { createLogger } = await import('./shared/logger.ts');
  const logger = createLogger(config.logLevel);
  if (name === 'serve' || name === 'worker') {
    // Long-running commands get the crash policy (src/processes/crash-policy.ts).
    const { installCrashPolicy } = await import('./processes/crash-policy.ts');
    installCrashPolicy(logger);
    await logDiffKernel(logger);
  }
  try {
    switch (name) {
      case 'serve':
        await (await import('./processes/serve.ts')).serve(config, logger);
        return -1; // exits through its shutdown handler
      case 'migrate':
        await (await import('./processes/migrate.ts')).migrate(config, logger);
        return 0;
      case 'worker':
        await (await import('./processes/worker.ts')).worker(config, logger);
        return -1; // exits through its shutdown handler
      case 'users create': {
        const { usersCreate } = await import('./processes/users-command.ts');
        return await usersCreate(config, logger, usersCreateOptions ?? { email: '', role: '' }, {
          stdin: process.stdin,
          stdout: process.stdout,
          stderr: process.stderr,
        });
      }
      case 'doctor':
        return await (await import('./processes/doctor.ts')).doctor(config, logger);
    }
  } catch (error) {
    logger.fatal(
      { err: error },
      `scene ${name} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 1;
  }
}

/** Once per process: the diff kernel is the JavaScript fallback (same results, slower). */
async function logDiffKernel(logger: Logger): Promise<void> {
  const { kernelChoice } = await import('./diff/native-kernel.ts');
  if (kernelChoice.kind === 'js') {
    logger.warn(
      { diffKernel: 'js', reason: kernelChoice.reason },
      'diff kernel: using the JavaScript fallback (identical results, slower comparisons) because the native kernel is not available; build it with npm run build:native (needs a C compiler)',
    );
  }
}

async function runClientRun(batch: string, options: RunCommandOptions): Promise<number> {
  const { runCommand } = await import('./client/run/run-command.ts');
  const { readClientEnv } = await import('./config/client-env.ts');
  return runCommand(batch, options, {
    stdout: {
      write: (text) => process.stdout.write(text),
      isTTY: process.stdout.isTTY,
      columns: process.stdout.columns,
    },
    stderr: { write: (text) => process.stderr.write(text) },
    env: readClientEnv(),
    cwd: process.cwd(),
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
  });
}

function clientIo(): ClientCommandIo {
  return {
    stdout: { write: (text) => process.stdout.write(text) },
    stderr: { write: (text) => process.stderr.write(text) },
    cwd: process.cwd(),
  };
}

/** --server/SCENE_SERVER and --token/SCENE_TOKEN, as every client command takes them. */
function withServerOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--server <url>', 'the Scene server')
        .env('SCENE_SERVER')
        .default('http://localhost:8080'),
    )
    .addOption(
      new Option('--token <token>', 'API token, sent as Authorization: Bearer').env('SCENE_TOKEN'),
    );
}

function addProjectFileCommands(program: Command, setExitCode: (code: number) => void): void {
  withServerOptions(
    program
      .command('export')
      .description('write a project of a Scene server as a project file (YAML or JSON)')
      .argument('<project>', 'a project name or id')
      .option('-o, --output <file>', 'write to this file (default: standard output)')
      .addOption(
        new Option('--format <format>', 'yaml or json (default: from the file name, else yaml)'),
      ),
  ).action(async (project: string, options: ExportCommandOptions) => {
    const { exportCommand } = await import('./client/project-file/project-file-commands.ts');
    setExitCode(await exportCommand(project, options, clientIo()));
  });
  withServerOptions(
    program
      .command('apply')
      .description(
        'make a project on a Scene server what a project file says (create or update by name), all or nothing',
      )
      .argument('<file>', 'the project file (YAML or JSON), e.g. scene.yaml')
      .option(
        '--dry-run',
        'print the plan (create/update/delete, with changed fields) and change nothing',
      )
      .option('--prune', 'also delete what the file does not have (refused while runs use it)'),
  ).action(async (file: string, options: ApplyCommandOptions) => {
    const { applyCommand } = await import('./client/project-file/project-file-commands.ts');
    const { readReferencedVariables } = await import('./config/client-env.ts');
    setExitCode(
      await applyCommand(file, options, {
        ...clientIo(),
        variables: (names) => readReferencedVariables(names),
      }),
    );
  });
}

const exitCodesHelp = `
Exit codes:
  0  the run finished and no cell reached the --fail-on level (new cells are not failures)
  1  the run finished with changes at or above the --fail-on level
  2  anything else: the run failed, was cancelled or timed out, bad arguments, server
     unreachable, token refused (one line on stderr says what and how to fix it)

Examples:
  scene run shop/nightly --wait --junit scene-junit.xml
  scene run 9f2k3l --mode baseline --wait
  scene run shop/staging-vs-prod --mode reference --wait --fail-on major
  SCENE_SERVER=https://scene.example.com scene run shop/nightly --wait --fail-on minor`;

function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('scene')
    .usage('<command> [options]')
    .description(
      'Scene: self-hosted visual regression testing. Server commands read the SCENE_* configuration (see the README); `scene run` talks to a running Scene.',
    )
    .version(packageJson.version, '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('serve')
    .description(
      'start the web UI, the REST API and the embedded worker (port: SCENE_PORT, default 8080)',
    )
    .action(async () => setExitCode(await runServerCommand('serve')));
  program
    .command('migrate')
    .description('apply database migrations and exit')
    .action(async () => setExitCode(await runServerCommand('migrate')));
  program
    .command('worker')
    .description('run captures only, for scale-out (needs SCENE_QUEUE_URL=redis:// and Postgres)')
    .action(async () => setExitCode(await runServerCommand('worker')));
  program
    .command('doctor')
    .description(
      "print this machine's rendering fingerprint and check Chromium, Firefox, fonts, the database, the queue and the artifact store, with what to fix (exit 1 when something required is broken)",
    )
    .action(async () => setExitCode(await runServerCommand('doctor')));

  program
    .command('users')
    .description('manage users in the database (SCENE_DATABASE_URL)')
    .command('create')
    .description('create a user, e.g. the first admin; asks for the password (or --password-stdin)')
    .requiredOption('--email <email>', 'the user’s email, used to log in')
    .addOption(
      new Option('--role <role>', 'global role')
        .choices(['admin', 'editor', 'reviewer', 'viewer'])
        .makeOptionMandatory(),
    )
    .option('--name <name>', 'display name (default: the email’s local part)')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (options: UsersCreateOptions) =>
      setExitCode(await runServerCommand('users create', options)),
    );

  program
    .command('run')
    .description('launch a run of a batch on a Scene server; with --wait, gate CI on its result')
    .argument('<batch>', 'a batch id, or project-name/batch-name')
    .addOption(
      new Option('--server <url>', 'the Scene server')
        .env('SCENE_SERVER')
        .default('http://localhost:8080'),
    )
    .addOption(
      new Option('--token <token>', 'API token, sent as Authorization: Bearer').env('SCENE_TOKEN'),
    )
    .addOption(
      new Option(
        '--mode <mode>',
        'compare against a baseline, record a new baseline, or compare each page with its referenceUrl (reference)',
      )
        .choices(['compare', 'baseline', 'reference'])
        .default('compare'),
    )
    .option('--baseline <id>', 'compare against this baseline (id or unique prefix)')
    .option('--jira <key>', 'JIRA issue key of the run (default: the batch’s)')
    .option(
      '--branch <name>',
      'git branch of the run (default: GITHUB_HEAD_REF, GITHUB_REF_NAME, CI_COMMIT_REF_NAME, then git)',
    )
    .option('--base-branch <name>', 'branch whose baseline a new branch starts from', 'main')
    .option(
      '--commit <sha>',
      'git commit of the run (default: GITHUB_SHA, CI_COMMIT_SHA, then git)',
    )
    .option('--wait', 'wait for the run to end and exit with its result')
    .option('--timeout <seconds>', 'with --wait: give up waiting after this long (exit 2)')
    .addOption(
      new Option('--fail-on <level>', 'the change level that fails the command (exit 1)')
        .choices(['major', 'minor', 'never'])
        .default('major'),
    )
    .option('--junit <file>', 'with --wait: write a JUnit XML report')
    .option('--json <file>', 'with --wait: write the run and its executions as JSON')
    .option(
      '--markdown <file>',
      'with --wait: write a Markdown summary (also appended to GITHUB_STEP_SUMMARY when set)',
    )
    .option(
      '--cancel-on-interrupt',
      'on Ctrl-C while waiting, cancel the run on the server (by default it keeps running)',
    )
    .addHelpText('after', exitCodesHelp)
    .action(async (batch: string, options: RunCommandOptions) =>
      setExitCode(await runClientRun(batch, options)),
    );

  addProjectFileCommands(program, setExitCode);
  const imports = program
    .command('import')
    .description('import pages from another tool into a Scene server');
  withServerOptions(
    imports
      .command('backstop')
      .description(
        'import a backstop.json: a page per scenario, a batch of them, its viewports; reports what did not map',
      )
      .argument('<file>', 'the backstop.json')
      .option('--project <name>', "the project (created if missing; default the config's id)"),
  ).action(async (file: string, options: BackstopImportOptions) => {
    const { importBackstopCommand } = await import('./client/imports/import-commands.ts');
    setExitCode(await importBackstopCommand(file, options, clientIo()));
  });
  const collect = (value: string, previous: string[] = []) => [...previous, value];
  withServerOptions(
    imports
      .command('storybook')
      .description(
        'import a Storybook: a page per story (docs entries skipped), the batch storybook; re-importing adds new stories and removes vanished ones',
      )
      .argument('<storybook-url>', 'the Storybook (its root, index.html or iframe.html)')
      .option('--project <name>', 'the project (created if missing; default storybook)')
      .option('--include-tag <tag>', 'import only stories with this tag (repeatable)', collect)
      .option(
        '--exclude-tag <tag>',
        'skip stories with this tag, e.g. no-visual (repeatable)',
        collect,
      ),
  ).action(async (url: string, options: StorybookImportOptions) => {
    const { importStorybookCommand } = await import('./client/imports/import-commands.ts');
    setExitCode(await importStorybookCommand(url, options, clientIo()));
  });
  return program;
}

async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = buildProgram((result) => (code = result));
  if (argv.length === 0) {
    program.outputHelp();
    return 1;
  }
  // Usage errors (unknown command or option, missing argument, bad choice) exit 2.
  for (const command of [program, ...program.commands]) command.exitOverride();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  return code;
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
