/* global process, console, Buffer, URL, Response, AbortController */
// Runlet harness: runs inside the sandbox. Imports the artifact once told to `start`, then serves
// `run` requests arriving on fd 3 (newline-delimited JSON, both directions) one at a time.
// Plain ESM so it needs no build step; it must only use node built-ins.
import net from 'node:net';
import util from 'node:util';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';

const entryPath = process.argv[2];
const channel = new net.Socket({ fd: 3, readable: true, writable: true });

/** The run being served; null between runs (output then waits for the next run). */
let current = null;
let pending = [];

function send(message) {
  sendFrame(JSON.stringify(message));
}

// JSON.stringify writes lone surrogates as \u escapes, so every frame is well-formed UTF-8.
function sendFrame(json) {
  channel.write(json + '\n');
}

// Drops output beyond the budget here already, so a flood never piles up in this process.
function emit(level, stream, text) {
  if (!current) {
    if (pending.length < 1000) pending.push({ level, stream, text });
    return;
  }
  if (current.truncated) return;
  const bytes = Buffer.byteLength(text);
  if (current.logBytes + bytes > current.maxLogBytes) {
    current.truncated = true;
    send({ t: 'log', id: current.id, level: 'warn', stream: 'system', text: '', truncated: true });
    return;
  }
  current.logBytes += bytes;
  send({ t: 'log', id: current.id, level, stream, text });
}

const consoleLevels = {
  log: 'info',
  info: 'info',
  debug: 'debug',
  trace: 'debug',
  warn: 'warn',
  error: 'error',
};
for (const [method, level] of Object.entries(consoleLevels)) {
  const stream = level === 'warn' || level === 'error' ? 'stderr' : 'stdout';
  console[method] = (...args) => emit(level, stream, util.format(...args));
}
console.dir = (value, options) => emit('info', 'stdout', util.inspect(value, options));

// Direct writes to process.stdout/stderr go through the same ordered channel.
function rawWriter(stream, level) {
  return (chunk, encoding, callback) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    emit(level, stream, text.endsWith('\n') ? text.slice(0, -1) : text);
    const cb = typeof encoding === 'function' ? encoding : callback;
    if (typeof cb === 'function') process.nextTick(cb);
    return true;
  };
}
// Touching process.stdout made fd 1/2 non-blocking; keep them blocking so fs.writeSync(1, …) and
// child processes sharing them do not fail with EAGAIN while the host drains the pipe.
for (const stream of [process.stdout, process.stderr]) stream._handle?.setBlocking?.(true);
process.stdout.write = rawWriter('stdout', 'info');
process.stderr.write = rawWriter('stderr', 'error');

// --enable-source-maps only follows a `sourceMappingURL` comment. A map written next to the entry
// without that comment (esbuild's sourcemap: 'external') is applied here instead.
let remapStack = (stack) => stack;
function loadDetachedSourceMap() {
  try {
    const code = readFileSync(entryPath, 'utf8');
    if (/\/\/# sourceMappingURL=/.test(code)) return;
    const mapPath = `${entryPath}.map`;
    const map = new SourceMap(JSON.parse(readFileSync(mapPath, 'utf8')));
    const mapUrl = pathToFileURL(mapPath);
    const escaped = [entryPath, pathToFileURL(entryPath).href].map((p) =>
      p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    );
    const frame = new RegExp(`(?:${escaped.join('|')}):(\\d+):(\\d+)`, 'g');
    remapStack = (stack) =>
      stack.replace(frame, (whole, line, column) => {
        const entry = map.findEntry(Number(line) - 1, Number(column) - 1);
        if (!entry || !entry.originalSource) return whole;
        const source = fileURLToPath(new URL(entry.originalSource, mapUrl));
        return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
      });
  } catch {
    // No map: stacks point at the bundle.
  }
}

function toError(err) {
  if (err instanceof Error) {
    const stack = typeof err.stack === 'string' ? remapStack(err.stack) : undefined;
    return { message: String(err.message), stack };
  }
  return { message: typeof err === 'string' ? err : util.inspect(err) };
}

// A WHATWG Response becomes {status, headers, body}; the body is parsed as JSON when it says so.
async function toResult(value) {
  // Only a value that looks like a Response touches the global `Response`: the first access to
  // it loads Node's fetch implementation, ~50 ms that a run returning plain data must not pay.
  if (value?.constructor?.name === 'Response' && value instanceof Response) {
    const text = await value.text();
    const headers = Object.fromEntries(value.headers.entries());
    let body = text;
    if ((headers['content-type'] || '').includes('json')) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    return { status: value.status, headers, body };
  }
  return value;
}

/** Deeper return values are refused (the platform's limit for stored values, docs/json-encoding.md). */
const MAX_RESULT_DEPTH = 1000;

/**
 * The return value as JSON text, as JSON.stringify makes it, except that a BigInt becomes its
 * decimal string (a number would round it) and nesting deeper than MAX_RESULT_DEPTH fails with
 * a message saying so (rather than a stack overflow, or a value the platform cannot store).
 */
function resultJson(value) {
  const depths = new WeakMap(); // each container's depth, so its members know theirs
  return JSON.stringify(value, function (key, item) {
    if (typeof item === 'bigint') return item.toString();
    if (typeof item === 'object' && item !== null) {
      const depth = (depths.get(this) ?? 0) + 1;
      if (depth > MAX_RESULT_DEPTH) throw new ResultTooDeep();
      depths.set(item, depth);
    }
    return item;
  });
}

class ResultTooDeep extends Error {
  constructor() {
    super(`The script's return value is nested deeper than ${MAX_RESULT_DEPTH} levels`);
  }
}

function finish(run, message) {
  finishFrame(run, JSON.stringify(message));
}

function finishFrame(run, json) {
  if (current !== run) return;
  current = null;
  sendFrame(json);
}

async function serve(request, handler) {
  const abort = new AbortController();
  const run = { id: request.id, maxLogBytes: request.maxLogBytes, logBytes: 0, truncated: false, abort };
  current = run;
  for (const line of pending.splice(0)) emit(line.level, line.stream, line.text);
  const logger =
    (level, stream) =>
    (...args) =>
      emit(level, stream, util.format(...args));
  const ctx = {
    ...request.ctx,
    log: {
      debug: logger('debug', 'stdout'),
      info: logger('info', 'stdout'),
      warn: logger('warn', 'stderr'),
      error: logger('error', 'stderr'),
    },
    signal: abort.signal,
  };
  try {
    const value = await toResult(await handler(request.event, ctx));
    let json;
    try {
      json = resultJson(value); // undefined for undefined (and a function): no value, recorded as null
    } catch (err) {
      if (err instanceof ResultTooDeep) throw err;
      throw new Error(`The script's return value is not JSON-serialisable: ${err.message}`, { cause: err });
    }
    // Serialised once: the frame is built around the value's JSON text.
    const head = `{"t":"result","id":${JSON.stringify(run.id)},"ok":true`;
    finishFrame(run, json === undefined ? `${head}}` : `${head},"value":${json}}`);
  } catch (err) {
    finish(run, { t: 'result', id: run.id, ok: false, error: toError(err) });
  }
}

// An error escaping the script's own promise chain fails the run and retires this process.
function onEscapedError(err) {
  if (current) finish(current, { t: 'result', id: current.id, ok: false, error: toError(err), fatal: true });
  else emit('error', 'stderr', `Uncaught ${toError(err).stack || toError(err).message}`);
}
process.on('uncaughtException', onEscapedError);
process.on('unhandledRejection', onEscapedError);

// Requests are read from the start; the script's module is imported only once the platform says
// `start` (its network rules are in place by then), and `run`s come after `ready`.
let onStart;
const started = new Promise((resolve) => (onStart = resolve));
let onRequest = () => {};
let buffer = '';
channel.setEncoding('utf8');
channel.on('data', (chunk) => {
  buffer += chunk;
  let newline;
  while ((newline = buffer.indexOf('\n')) >= 0) {
    const request = JSON.parse(buffer.slice(0, newline));
    buffer = buffer.slice(newline + 1);
    if (request.t === 'start') onStart();
    else onRequest(request);
  }
});
channel.on('end', () => process.exit(0));

async function main() {
  let handler;
  let loadError = null;
  loadDetachedSourceMap();
  await started;
  try {
    const mod = await import(pathToFileURL(entryPath).href);
    handler = mod.default;
    if (typeof handler !== 'function') throw new Error('The script has no default export function');
  } catch (err) {
    loadError = toError(err);
  }
  onRequest = (request) => {
    if (request.t === 'run') {
      if (loadError) send({ t: 'result', id: request.id, ok: false, error: loadError, fatal: true });
      else void serve(request, handler);
    } else if (request.t === 'abort' && current && current.id === request.id) {
      current.abort.abort(new Error(request.reason === 'timeout' ? 'Execution timed out' : 'Execution cancelled'));
    }
  };
  send({ t: 'ready' });
}

void main();
