import { withCommonResponses } from './api/common-responses.ts';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { AppContext } from '../app-context.ts';
import { AppError } from '../shared/errors.ts';
import { forgetListeningPorts, recordListeningPorts } from '../webhooks/own-address.ts';
import { registerHealthRoute } from './health.routes.ts';
import { measureHttpRequests, registerMetricsRoute } from './metrics.routes.ts';
import { registerApiRoutes } from './api/index.ts';
import { registerAuth } from './auth/auth-hook.ts';
import { sendError } from './http-errors.ts';
import { unsafeTextError } from './text-guard.ts';
import { uiErrorHandler } from './ui/layout/error-page.tsx';
import { registerUi } from './ui/register-ui.ts';

export const apiPrefix = '/api/v1';

export type SceneServer = Awaited<ReturnType<typeof buildServer>>;

export async function buildServer(ctx: AppContext) {
  // Typed as Fastify's logger so that route plugins see the same instance type as ApiApp.
  const logger: FastifyBaseLogger = ctx.logger;
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: 1024 * 1024,
    // Scene generates its own ids; request ids only tie log lines together.
    genReqId: () => Math.random().toString(36).slice(2, 10),
    // Parsed as plain JSON (own properties, no prototype change) so that unsafeTextError can
    // refuse these keys by name instead of the parser calling the body "not valid JSON".
    onProtoPoisoning: 'ignore',
    onConstructorPoisoning: 'ignore',
    // URLs the router refuses before any route runs (a parameter over its length limit, bad
    // percent-encoding) get the documented error body too, not Fastify's own.
    frameworkErrors: (error, request, reply) => {
      void sendError(error, request, reply);
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  // Before any route is registered, so that every route (API and UI) inherits it.
  app.addHook('preValidation', (request, _reply, done) => done(unsafeTextError(request)));
  measureHttpRequests(app);
  // Before any route: every route gets its permission, every request is checked (auth/).
  await registerAuth(app, ctx);
  // Webhooks may not point at the ports this server listens on (known only now with port 0).
  app.addHook('onListen', (done) => {
    const ports = app.addresses().flatMap((a) => (typeof a === 'string' ? [] : [a.port]));
    recordListeningPorts(ctx, ports);
    done();
  });
  app.addHook('onClose', (_instance, done) => {
    forgetListeningPorts(ctx);
    done();
  });
  const uiNotFound = uiErrorHandler(ctx);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    // a browser navigating to an unknown address gets a page, API clients the JSON error
    if (!path.startsWith('/api/') && (request.headers.accept ?? '').includes('text/html')) {
      return uiNotFound(new AppError('not_found', `there is no page at ${path}`), request, reply);
    }
    return sendError(
      new AppError('not_found', `no route ${request.method} ${path}`),
      request,
      reply,
    );
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Scene API',
        version: '1',
        description:
          'Visual regression testing: projects, pages, tasks, batches, runs, baselines. Errors are `{ "error": { "code", "message", "details"? } }`; lists are `{ "items", "nextCursor" }`.',
      },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API token (`scene_…`), created with POST /api/v1/tokens',
          },
          sessionCookie: {
            type: 'apiKey',
            in: 'cookie',
            name: 'scene_session',
            description:
              'The UI session (POST /api/v1/auth/login); state-changing requests also send X-CSRF-Token',
          },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: withCommonResponses(apiPrefix),
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  registerHealthRoute(app, ctx);
  registerMetricsRoute(app, ctx);

  await app.register(
    (api, _options, done) => {
      registerApiRoutes(api.withTypeProvider<ZodTypeProvider>(), ctx);
      api.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
      done();
    },
    { prefix: apiPrefix },
  );

  await registerUi(app, ctx);

  return app;
}
