import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { ManagedProcess } from './managed-process';
import { waitUntil } from './service-probe';

/** redis-server's arguments: only on `host:port`, its files (AOF, RDB, pid file) in `dir`, logs on stdout. */
export function redisServerArgs(dir: string, host: string, port: number): string[] {
  return [
    '--bind',
    host,
    '--port',
    String(port),
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--daemonize',
    'no',
    '--pidfile',
    join(dir, 'redis-server.pid'),
    '--logfile',
    '',
  ];
}

/** `redis-server` from PATH, started by the platform with its files under the data dir. */
export class LocalRedis {
  private server?: ManagedProcess;

  constructor(
    private readonly redisServer: string,
    private readonly dir: string,
    private readonly listen: { host: string; port: number },
    private readonly log: (line: string) => void,
  ) {}

  async start(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    this.server = new ManagedProcess(
      'Redis',
      this.redisServer,
      redisServerArgs(this.dir, this.listen.host, this.listen.port),
      { cwd: this.dir, stopSignal: 'SIGTERM' },
    );
    const server = this.server;
    await waitUntil(
      'redis-server',
      () => this.answers(),
      () => server.death,
    );
    this.log(`redis-server on ${this.listen.host}:${this.listen.port} (data in ${this.dir})`);
  }

  /** SIGTERM: Redis writes its data and removes its pid file. */
  stop(): Promise<void> {
    return this.server?.stop('SIGTERM') ?? Promise.resolve();
  }

  signalNow(): void {
    this.server?.signalNow('SIGTERM');
  }

  /** PONG, not only an open port: while loading its files Redis answers -LOADING. */
  private answers(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect(this.listen);
      let reply = '';
      const done = (answer: boolean) => {
        socket.destroy();
        resolve(answer);
      };
      socket.setTimeout(1000, () => done(false));
      socket.once('error', () => done(false));
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.on('data', (chunk) => {
        reply += chunk.toString('utf8');
        if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
      });
    });
  }
}
