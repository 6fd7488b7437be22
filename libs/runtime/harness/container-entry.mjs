/* global process */
// Runlet container entry: pid 2 of a container or pod (after the init), one execution per container.
// Starts the harness (harness.mjs) as a child with fd 3 as its channel, exactly as the process
// runtime does, and carries the harness protocol over the container's own stdio, which is all a
// container engine gives: requests arrive on stdin (docker) or in a file (kubernetes, mounted
// from a Secret); every harness frame goes out on stdout unchanged, with two frames of its own:
// {t:'raw', stream, text} for what the script's child processes wrote to their inherited stdout/
// stderr, and {t:'exit', code, signal, oom} when the harness process ended before a result.
// Plain ESM, node built-ins only.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [source, entry, ...nodeFlags] = process.argv.slice(2);
const harness = join(dirname(fileURLToPath(import.meta.url)), 'harness.mjs');
const child = spawn(process.execPath, [...nodeFlags, harness, entry], {
  stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  cwd: '/tmp',
  env: process.env,
});
const channel = child.stdio[3];
// file:<path>: the one run request, written by the platform before the pod started; sent once
// the harness is ready (it ignores runs before that).
const fromFile = source.startsWith('file:') ? source.slice('file:'.length) : null;

function out(line) {
  process.stdout.write(line + '\n');
}

let finished = false;
let buffered = '';
channel.setEncoding('utf8');
channel.on('data', (chunk) => {
  buffered += chunk;
  let newline;
  while ((newline = buffered.indexOf('\n')) >= 0) {
    const frame = buffered.slice(0, newline);
    buffered = buffered.slice(newline + 1);
    out(frame);
    if (frame === '{"t":"ready"}') onReady();
    // One execution per container: once its result is out, the container ends (and with its
    // PID namespace every process the script left behind).
    if (frame.startsWith('{"t":"result"')) end(0);
  }
});
for (const stream of ['stdout', 'stderr']) {
  child[stream].setEncoding('utf8');
  child[stream].on('data', (text) => out(JSON.stringify({ t: 'raw', stream, text })));
}

child.on('exit', (code, signal) => {
  if (finished) return;
  out(JSON.stringify({ t: 'exit', code, signal, oom: oomKilled() }));
  end(1);
});

function end(code) {
  finished = true;
  process.stdout.write('', () => process.exit(code));
}

/** Whether the kernel's OOM killer struck in this container's memory cgroup (v1 or v2). */
function oomKilled() {
  for (const file of ['/sys/fs/cgroup/memory/memory.oom_control', '/sys/fs/cgroup/memory.events']) {
    try {
      const match = /oom_kill (\d+)/.exec(readFileSync(file, 'utf8'));
      if (match) return Number(match[1]) > 0;
    } catch {
      // not this cgroup version
    }
  }
  return false;
}

function send(request) {
  channel.write(JSON.stringify(request) + '\n');
}

// The script is imported only when its run arrives: a warm container waiting for one runs none of
// the script's code (a module-level timer does not tick while it is idle).
let ready = false;
const held = [];
function onReady() {
  ready = true;
  if (fromFile) send(JSON.parse(readFileSync(fromFile, 'utf8')));
  for (const line of held.splice(0)) channel.write(line);
}

if (fromFile) send({ t: 'start' });
else {
  let input = '';
  let started = false;
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => {
    input += chunk;
    let newline;
    while ((newline = input.indexOf('\n')) >= 0) {
      const line = input.slice(0, newline + 1);
      input = input.slice(newline + 1);
      if (!started) send({ t: 'start' });
      started = true;
      if (ready) channel.write(line);
      else held.push(line);
    }
  });
  // The platform is gone (its attach closed): nobody waits for this execution any more.
  process.stdin.on('end', () => end(1));
}
