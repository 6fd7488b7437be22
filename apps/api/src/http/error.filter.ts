import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { DomainError } from '@runlet/domain';
import { ConcurrencyError, SubscriptionStalledError } from '@runlet/event-store';
import { isBackendUnavailable, UNAVAILABLE_RETRY_AFTER_S } from './unavailable';

const STATUS_OF_DOMAIN: Record<DomainError['kind'], number> = {
  validation: HttpStatus.BAD_REQUEST,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  forbidden: HttpStatus.FORBIDDEN,
};

/** Every error leaves as `{ statusCode, error, message }` with the right status. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse();
    const { status, message, headers } = describe(exception);
    // A stuck subscription logs its own failure (with backoff); each request it fails does not.
    if (status >= 500 && !(exception instanceof SubscriptionStalledError)) this.logger.error(exception);
    if (res.headersSent) return;
    if (headers) res.set(headers);
    res.status(status).json(errorBody(status, message));
  }
}

/** An answer with a JSON body, for routes served outside Nest. */
export interface JsonReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** An error as the answer the API gives for it (for routes served outside Nest). */
export function errorReply(exception: unknown): JsonReply {
  const { status, message, headers } = describe(exception);
  return contractError(status, message, headers);
}

/** A body-parser failure as the contract's error (413 for a body over the limit), or null for others. */
export function bodyErrorReply(err: any): JsonReply | null {
  if (err?.type === 'entity.parse.failed') return contractError(400, `malformed JSON body: ${err.message}`);
  if (err?.type === 'entity.too.large') {
    return contractError(413, `request body is larger than the limit of ${err.limit} bytes`);
  }
  return null;
}

/** The contract's error answer: `{ statusCode, error, message }`. */
export function contractError(
  status: number,
  message: string,
  headers: Record<string, string> = {},
): JsonReply {
  return jsonReply(status, errorBody(status, message), headers);
}

export function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): JsonReply {
  return {
    status,
    headers: { ...headers, 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(value),
  };
}

function errorBody(status: number, message: string) {
  return { statusCode: status, error: reasonPhrase(status), message };
}

function describe(exception: unknown): { status: number; message: string; headers?: Record<string, string> } {
  if (exception instanceof DomainError)
    return { status: STATUS_OF_DOMAIN[exception.kind], message: exception.message };
  if (exception instanceof ConcurrencyError) {
    return {
      status: HttpStatus.CONFLICT,
      message: 'the resource was changed concurrently; reload and retry',
    };
  }
  if (exception instanceof SubscriptionStalledError) {
    return { status: HttpStatus.SERVICE_UNAVAILABLE, message: exception.message };
  }
  if (exception instanceof HttpException) {
    const body = exception.getResponse() as any;
    const message =
      typeof body === 'string'
        ? body
        : Array.isArray(body?.message)
          ? body.message.join('; ')
          : body?.message;
    return { status: exception.getStatus(), message: message ?? exception.message };
  }
  const e = exception as { status?: number; message?: string };
  if (e?.status && e.status >= 400 && e.status < 500)
    return { status: e.status, message: e.message ?? 'bad request' };
  if (isBackendUnavailable(exception)) {
    return {
      status: HttpStatus.SERVICE_UNAVAILABLE,
      message: 'the event store or the queue is unreachable at the moment; retry later',
      headers: { 'retry-after': String(UNAVAILABLE_RETRY_AFTER_S) },
    };
  }
  return { status: 500, message: 'internal error' };
}

function reasonPhrase(status: number): string {
  const name = Object.entries(HttpStatus).find(([, v]) => v === status)?.[0] ?? 'ERROR';
  return name
    .toLowerCase()
    .split('_')
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join(' ');
}
