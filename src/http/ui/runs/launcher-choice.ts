import type { FastifyReply, FastifyRequest } from 'fastify';
import { optionalText, textField, type FormBody } from '../shared/form-data.ts';
import { defaultLauncherChoice, type LauncherChoice } from './launcher.tsx';

const cookieName = 'scene_launcher';

function clean(value: unknown, max = 64): string | undefined {
  return typeof value === 'string' && value !== '' ? value.slice(0, max) : undefined;
}

/** A run mode the launcher offers; anything else is the default, compare. */
function modeOf(value: unknown): LauncherChoice['mode'] {
  return value === 'baseline' || value === 'reference' ? value : 'compare';
}

/** The launcher's last choice, remembered in a cookie (a year) by the server after a launch. */
export function rememberedChoice(request: FastifyRequest): LauncherChoice {
  const match = new RegExp(`(?:^|;\\s*)${cookieName}=([A-Za-z0-9_-]+)`).exec(
    request.headers.cookie ?? '',
  );
  if (!match?.[1]) return { ...defaultLauncherChoice };
  try {
    const stored = JSON.parse(Buffer.from(match[1], 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    return {
      projectId: clean(stored['projectId']),
      batchId: clean(stored['batchId']),
      mode: modeOf(stored['mode']),
      baselineChoice: clean(stored['baselineChoice']) ?? 'latest',
      baselinePrefix: clean(stored['baselinePrefix']) ?? '',
      jiraIssue: '',
      branch: '',
    };
  } catch {
    return { ...defaultLauncherChoice };
  }
}

export function rememberChoice(reply: FastifyReply, choice: LauncherChoice): void {
  // The JIRA key and the branch belong to one launch: not remembered.
  const { jiraIssue: _once, branch: _branch, ...kept } = choice;
  const value = Buffer.from(JSON.stringify(kept)).toString('base64url');
  reply.header('set-cookie', `${cookieName}=${value}; Path=/; SameSite=Lax; Max-Age=31536000`);
}

/** The launcher form's fields. */
export function launcherChoiceOf(body: FormBody | Record<string, unknown>): LauncherChoice {
  const form = body as FormBody;
  return {
    projectId: optionalText(form, 'projectId'),
    batchId: optionalText(form, 'batchId'),
    mode: modeOf(textField(form, 'mode')),
    baselineChoice: optionalText(form, 'baselineChoice') ?? 'latest',
    baselinePrefix: textField(form, 'baselinePrefix').trim(),
    jiraIssue: textField(form, 'jiraIssue').trim(),
    branch: textField(form, 'branch').trim(),
  };
}

/** The launcher's choice as input for launchRunSchema. */
export function launchInputOf(choice: LauncherChoice) {
  const baselineId =
    choice.mode !== 'compare' || choice.baselineChoice === 'latest'
      ? undefined
      : choice.baselineChoice === 'prefix'
        ? choice.baselinePrefix
        : choice.baselineChoice;
  return {
    mode: choice.mode,
    ...(baselineId !== undefined && { baselineId }),
    ...(choice.jiraIssue !== '' && { jiraIssue: choice.jiraIssue }),
    ...(choice.branch !== '' && { branch: choice.branch }),
  };
}
