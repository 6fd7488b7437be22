import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { DomainError } from '@runlet/domain';
import { ConcurrencyError } from '@runlet/event-store';

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
    const { status, message } = describe(exception);
    if (status >= 500) this.logger.error(exception);
    if (res.headersSent) return;
    res.status(status).json(errorBody(status, message));
  }
}

/** An error as the answer the API gives for it (for routes served outside Nest). */
export function errorReply(exception: unknown): {
  status: number;
  headers: Record<string, string>;
  body: string;
} {
  const { status, message } = describe(exception);
  return jsonReply(status, errorBody(status, message));
}

/** A body-parser failure as the contract's error (413 for a body over the limit), or null for others. */
export function bodyErrorReply(
  err: any,
): { status: number; headers: Record<string, string>; body: string } | null {
  if (err?.type === 'entity.parse.failed')
    return jsonReply(400, errorBody(400, `malformed JSON body: ${err.message}`));
  if (err?.type === 'entity.too.large') {
    return jsonReply(413, errorBody(413, `request body is larger than the limit of ${err.limit} bytes`));
  }
  return null;
}

function errorBody(status: number, message: string) {
  return { statusCode: status, error: reasonPhrase(status), message };
}

function jsonReply(status: number, value: unknown) {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(value),
  };
}

function describe(exception: unknown): { status: number; message: string } {
  if (exception instanceof DomainError)
    return { status: STATUS_OF_DOMAIN[exception.kind], message: exception.message };
  if (exception instanceof ConcurrencyError) {
    return {
      status: HttpStatus.CONFLICT,
      message: 'the resource was changed concurrently; reload and retry',
    };
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
