import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInOptions {
  clientId?: string;
  clientSecret?: string;
  projectId?: string;
  environment?: string;
  /** Lifetime of an access token (Infisical's expiresIn, in seconds there); default one hour. */
  tokenTtlMs?: number;
}

/**
 * A local stand-in for Infisical, for tests and benches: the endpoints the official SDK calls
 * for universal auth and secrets, with Infisical's request and response shapes — POST
 * /api/v1/auth/universal-auth/login, GET /api/v3/secrets/raw and GET
 * /api/v3/secrets/raw/:name (query workspaceId, environment, secretPath; Bearer token).
 */
export class InfisicalStandIn {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly projectId: string;
  readonly environment: string;
  tokenTtlMs: number;
  /** Secrets by path, then by key. */
  private readonly secrets = new Map<string, Map<string, string>>();
  private readonly tokens = new Map<string, number>();
  private server?: Server;
  private port = 0;
  logins = 0;
  secretRequests = 0;

  constructor(opts: StandInOptions = {}) {
    this.clientId = opts.clientId ?? randomUUID();
    this.clientSecret = opts.clientSecret ?? randomBytes(24).toString('hex');
    this.projectId = opts.projectId ?? randomUUID();
    this.environment = opts.environment ?? 'prod';
    this.tokenTtlMs = opts.tokenTtlMs ?? 3_600_000;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  set(key: string, value: string, path = '/'): void {
    if (!this.secrets.has(path)) this.secrets.set(path, new Map());
    this.secrets.get(path)!.set(key, value);
  }

  /** Every token issued so far expires now (as if their TTL had passed). */
  expireTokens(): void {
    for (const token of this.tokens.keys()) this.tokens.set(token, 0);
  }

  /** Listens (again, on the same port after `stop`). */
  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** An outage: the port refuses connections. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const body = await readBody(req);
    if (req.method === 'POST' && url.pathname === '/api/v1/auth/universal-auth/login') {
      const { clientId, clientSecret } = parseJson(body);
      if (clientId !== this.clientId || clientSecret !== this.clientSecret)
        return send(res, 401, {
          statusCode: 401,
          message: 'Invalid credentials',
          error: 'UnauthorizedError',
        });
      this.logins++;
      const accessToken = randomBytes(32).toString('hex');
      this.tokens.set(accessToken, Date.now() + this.tokenTtlMs);
      const seconds = Math.ceil(this.tokenTtlMs / 1000);
      return send(res, 200, {
        accessToken,
        expiresIn: seconds,
        accessTokenMaxTTL: seconds,
        tokenType: 'Bearer',
      });
    }
    const secretRoute = /^\/api\/v3\/secrets\/raw(?:\/([^/]+))?$/.exec(url.pathname);
    if (req.method === 'GET' && secretRoute) {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const expiry = token ? this.tokens.get(token) : undefined;
      if (expiry === undefined)
        return send(res, 401, { statusCode: 401, message: 'Invalid token', error: 'UnauthorizedError' });
      if (expiry <= Date.now())
        return send(res, 401, { statusCode: 401, message: 'Token expired', error: 'TokenExpiredError' });
      this.secretRequests++;
      const workspaceId = url.searchParams.get('workspaceId');
      const environment = url.searchParams.get('environment');
      const path = url.searchParams.get('secretPath') ?? '/';
      if (workspaceId !== this.projectId || environment !== this.environment)
        return send(res, 404, { statusCode: 404, message: 'Folder not found', error: 'NotFound' });
      const secrets = this.secrets.get(path) ?? new Map<string, string>();
      if (!secretRoute[1])
        return send(res, 200, {
          secrets: [...secrets].map(([key, value]) => this.secret(key, value, path)),
          imports: [],
        });
      const name = decodeURIComponent(secretRoute[1]);
      const value = secrets.get(name);
      if (value === undefined)
        return send(res, 404, {
          statusCode: 404,
          message: `Secret with name '${name}' not found`,
          error: 'NotFound',
        });
      return send(res, 200, { secret: this.secret(name, value, path) });
    }
    send(res, 404, {
      statusCode: 404,
      message: `Route ${req.method}:${url.pathname} not found`,
      error: 'NotFound',
    });
  }

  private secret(key: string, value: string, path: string) {
    const now = new Date().toISOString();
    return {
      id: randomUUID(),
      _id: randomUUID(),
      workspace: this.projectId,
      workspaceId: this.projectId,
      environment: this.environment,
      version: 1,
      type: 'shared',
      secretKey: key,
      secretValue: value,
      secretComment: '',
      secretPath: path,
      secretValueHidden: false,
      skipMultilineEncoding: false,
      isRotatedSecret: false,
      tags: [],
      secretMetadata: [],
      createdAt: now,
      updatedAt: now,
    };
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (data += chunk));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
