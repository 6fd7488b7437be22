import { All, Controller, Inject, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { ExecutionRequests, ExecutionView, uuidFrom } from '@runlet/executor';
import { Public } from '../auth/public.decorator';
import { RUNLET_CONFIG, RunletConfig } from '../platform/config';
import { toHttpEvent, toHttpResponse, verifyHmac, verifyToken } from './http';
import { RateLimiter } from './rate-limiter';
import { WebhookTarget, WebhookTriggerCache } from './webhook-trigger-cache';

/** `ANY /hooks/:triggerId[/*]`: the webhook hot path. No API key; the trigger's own auth applies. */
@ApiExcludeController()
@Public()
@Controller('hooks')
export class WebhooksController {
  private readonly limiter: RateLimiter;

  constructor(
    private readonly cache: WebhookTriggerCache,
    private readonly requests: ExecutionRequests,
    @Inject(RUNLET_CONFIG) private readonly config: RunletConfig,
  ) {
    this.limiter = new RateLimiter(config.webhooks.ratePerSecond);
  }

  @All(':triggerId')
  root(@Param('triggerId') triggerId: string, @Req() req: any, @Res() res: any) {
    return this.handle(triggerId, '/', req, res);
  }

  @All(':triggerId/*path')
  sub(@Param('triggerId') triggerId: string, @Req() req: any, @Res() res: any) {
    const path = req.path.slice(`/hooks/${triggerId}`.length) || '/';
    return this.handle(triggerId, path, req, res);
  }

  private async handle(triggerId: string, path: string, req: any, res: any): Promise<void> {
    const target = await this.cache.get(triggerId);
    if (!target || target.type !== 'http') return fail(res, 404, `no webhook trigger ${triggerId}`);
    const rawBody: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const denied = this.authenticate(target, req, rawBody);
    if (denied) return fail(res, 401, denied);
    if (target.paused) return fail(res, 409, 'this trigger is paused');
    const wait = this.limiter.take(triggerId);
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      return fail(
        res,
        429,
        `rate limit of ${this.config.webhooks.ratePerSecond} requests/s for this trigger exceeded`,
      );
    }
    if (!target.deployedVersion) {
      return fail(
        res,
        503,
        'the script has no successfully built version yet; save it and wait for its build',
      );
    }
    let http;
    try {
      http = toHttpEvent({
        method: req.method,
        path,
        headers: req.headers,
        query: req.query,
        rawBody,
        contentType: req.headers['content-type'],
      });
    } catch (err) {
      return fail(res, 400, (err as Error).message);
    }
    const idempotencyKey = req.headers['idempotency-key'];
    const repeatable = typeof idempotencyKey === 'string' && idempotencyKey !== '';
    const executionId = repeatable ? uuidFrom(`${triggerId}:idempotency:${idempotencyKey}`) : randomUUID();
    const params = {
      executionId,
      scriptId: target.scriptId,
      version: target.deployedVersion,
      trigger: { type: 'http' as const, id: triggerId },
      input: target.input ?? null,
      http: http as unknown as Record<string, unknown>,
      fired: { triggerId, source: 'http' as const, firedAt: new Date().toISOString() },
    };
    const metadata = { actor: `webhook:${triggerId}`, correlationId: executionId, causationId: null };
    if (target.mode === 'async') {
      await this.requests.queueExecution(params, metadata);
      res.setHeader('x-runlet-execution-id', executionId);
      return void res.status(202).json({ executionId });
    }
    const { finished } = await this.requests.queueAndWait(params, metadata, {
      newId: !repeatable,
      waitMs: this.config.webhooks.syncWaitMs,
    });
    res.setHeader('x-runlet-execution-id', executionId);
    if (!finished) return void res.status(202).json({ executionId, status: 'running' });
    respond(res, finished);
  }

  /** Returns why the request is refused, or null. */
  private authenticate(target: WebhookTarget, req: any, rawBody: Buffer): string | null {
    if (target.auth === 'token') {
      return verifyToken(req.headers.authorization, target.tokenHashes) ? null : 'missing or wrong token';
    }
    if (target.auth === 'hmac') {
      const check = verifyHmac(
        req.headers['x-runlet-signature'],
        rawBody,
        target.hmacSecrets,
        Date.now() / 1000,
      );
      return check.ok ? null : `bad signature: ${check.reason}`;
    }
    return null;
  }
}

function respond(res: any, execution: ExecutionView): void {
  if (execution.status === 'succeeded') {
    const out = toHttpResponse(execution.result);
    res.status(out.status);
    for (const [name, value] of Object.entries(out.headers)) res.setHeader(name, value);
    res.send(out.body);
    return;
  }
  const status = execution.status === 'timed_out' ? 504 : 500;
  res.status(status).json({
    statusCode: status,
    error: execution.status === 'timed_out' ? 'Script Timed Out' : 'Script Failed',
    message: execution.error?.message ?? execution.status,
    executionId: execution.id,
  });
}

function fail(res: any, status: number, message: string): void {
  const error: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    404: 'Not Found',
    409: 'Conflict',
    429: 'Too Many Requests',
    503: 'Service Unavailable',
  };
  res.status(status).json({ statusCode: status, error: error[status], message });
}
