import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { MAX_STORED_DEPTH, nestedTooDeep } from '@runlet/contracts';
import { bodyErrorReply, contractError, ErrorFilter } from './error.filter';
import { httpDuration } from './metrics';
import { StorableTextPipe } from './path-params';
import { createValidationPipe } from './validation';

/** JSON API bodies up to 10 MiB (scripts' own 1 MiB code limit answers a precise 413). */
const JSON_LIMIT = '10mb';

/** Body-parser failures, answered in the contract's error shape before Nest rewrites them. */
function bodyErrorHandler(err: any, _req: any, res: any, next: (err?: unknown) => void): void {
  const reply = bodyErrorReply(err);
  if (!reply) return next(err);
  res.status(reply.status).set(reply.headers).send(reply.body);
}

/**
 * A body nested far deeper than any value may be stored is refused before the (recursive)
 * validator overflows on it. The slack leaves the request's own wrapping to the precise check of
 * each field where it is stored ("input is nested deeper than …").
 */
const MAX_BODY_DEPTH = MAX_STORED_DEPTH + 10;
function rejectDeepBodies(req: any, res: any, next: () => void): void {
  if (!nestedTooDeep(req.body, MAX_BODY_DEPTH)) return next();
  const reply = contractError(400, `the request body is nested deeper than ${MAX_BODY_DEPTH} levels`);
  res.status(reply.status).set(reply.headers).send(reply.body);
}

export function configureHttp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  express.disable('x-powered-by');
  express.disable('etag'); // answers are dynamic; hashing every body costs more than it saves
  express.useBodyParser('json', { limit: JSON_LIMIT });
  express.use(bodyErrorHandler);
  express.use(rejectDeepBodies);
  express.use((req: any, res: any, next: () => void) => {
    const end = httpDuration.startTimer();
    res.on('finish', () =>
      end({ method: req.method, route: req.route?.path ?? 'unmatched', status: String(res.statusCode) }),
    );
    next();
  });
  app.useGlobalFilters(new ErrorFilter());
  app.useGlobalPipes(new StorableTextPipe(), createValidationPipe());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Runlet API')
      .setDescription('Run small Node.js programs on cron, webhooks, by hand or as a try-out.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
