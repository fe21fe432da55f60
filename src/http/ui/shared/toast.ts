import type { FastifyReply, FastifyRequest } from 'fastify';
import { isHtmxRequest, triggerClientEvents } from './html-response.ts';

export type ToastKind = 'success' | 'error' | 'info';

/** A short outcome message shown in the corner of the screen. */
export interface Toast {
  kind: ToastKind;
  message: string;
}

const flashCookie = 'scene_flash';

/** Shows the toast once the htmx response is swapped (event dispatched on body: the source may be gone). */
export function showToast(reply: FastifyReply, toast: Toast): void {
  triggerClientEvents(reply, { 'scene:toast': { ...toast, target: 'body' } });
}

/** Closes the open modal once the htmx response is handled. */
export function closeModal(reply: FastifyReply): void {
  triggerClientEvents(reply, { 'scene:close-modal': { target: 'body' } });
}

/** Keeps a toast for the next page load (after a redirect): a short-lived cookie. */
export function setFlash(reply: FastifyReply, toast: Toast): void {
  const value = Buffer.from(JSON.stringify(toast)).toString('base64url');
  reply.header('set-cookie', `${flashCookie}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=60`);
}

/** Reads and clears the flash toast, if any. */
export function takeFlash(request: FastifyRequest, reply: FastifyReply): Toast | undefined {
  const cookies = request.headers.cookie ?? '';
  const match = new RegExp(`(?:^|;\\s*)${flashCookie}=([A-Za-z0-9_-]+)`).exec(cookies);
  if (!match?.[1]) return undefined;
  reply.header('set-cookie', `${flashCookie}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
  try {
    const parsed = JSON.parse(
      Buffer.from(match[1], 'base64url').toString('utf8'),
    ) as Partial<Toast>;
    if (
      (parsed.kind === 'success' || parsed.kind === 'error' || parsed.kind === 'info') &&
      typeof parsed.message === 'string'
    ) {
      return { kind: parsed.kind, message: parsed.message.slice(0, 500) };
    }
  } catch {
    // a tampered or stale cookie is simply dropped
  }
  return undefined;
}

/**
 * Navigates to `url` after a successful change: htmx follows HX-Redirect, a plain form
 * post follows the 303. The toast survives the navigation as a flash cookie.
 */
export function redirectWithToast(
  request: FastifyRequest,
  reply: FastifyReply,
  url: string,
  toast?: Toast,
): FastifyReply {
  if (toast) setFlash(reply, toast);
  if (isHtmxRequest(request)) return reply.header('hx-redirect', url).status(200).send('');
  return reply.redirect(url, 303);
}
