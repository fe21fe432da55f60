import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../app-context.ts';
import type { ApiApp } from '../../api/api-types.ts';

/** The Fastify instance UI screens register on (encapsulated: form bodies and HTML errors). */
export type UiApp = ApiApp;

/** What a screen's route handler gets besides Fastify's request and reply. */
export interface UiDeps {
  ctx: AppContext;
}

export type UiRequest = FastifyRequest;
export type UiReply = FastifyReply;
