// Usage: node parent-guard.js '{"stopSignal":"SIGTERM","uid":N,"gid":N}' <command> [args...]
// (uid and gid optional: the command's account, when it is not ours)
//
// Runs <command> so that it dies with the platform that started it, however the platform dies
// (SIGKILL, OOM kill included; Node has no prctl(PR_SET_PDEATHSIG)). Our stdin is a pipe whose
// other end only the platform holds: it reaches end-of-file once the platform is gone. The command
// then gets <stop signal> (its clean shutdown), and SIGKILL if it still runs 10 s later. Signals
// sent to us (a stop by the platform) are passed on; we exit as the command did.
// Plain JavaScript on purpose: it runs as its own file, from the sources and from dist/ alike.
'use strict';
const { spawn } = require('node:child_process');

const KILL_AFTER_MS = 10_000;
const [settings, command, ...args] = process.argv.slice(2);
const { stopSignal, uid, gid } = JSON.parse(settings);
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'], uid, gid });

const send = (signal) => {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT']) process.on(signal, () => send(signal));

process.stdin.on('error', () => undefined);
process.stdin.once('close', () => {
  send(stopSignal);
  setTimeout(() => send('SIGKILL'), KILL_AFTER_MS).unref();
});
process.stdin.resume();

child.once('error', (err) => {
  console.error(`${command}: ${err.message}`);
  process.exit(127);
});
child.once('exit', (code, signal) => {
  if (signal === null) process.exit(code ?? 1);
  process.removeAllListeners(signal);
  process.kill(process.pid, signal); // ended by a signal, as the command was
});
