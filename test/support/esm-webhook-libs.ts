import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const HELPER = join(__dirname, 'esm-webhook-libs-runner.mjs');

/** Calls a sender's ES-module-only library in a Node process of its own (see esm-webhook-libs-runner.mjs). */
function call<T>(request: Record<string, unknown>): T {
  return JSON.parse(execFileSync(process.execPath, [HELPER, JSON.stringify(request)], { encoding: 'utf8' }));
}

/** `@octokit/webhooks-methods` sign: the `X-Hub-Signature-256` value GitHub sends. */
export const octokitSign = (secret: string, payload: string) =>
  call<string>({ op: 'octokit-sign', secret, payload });

/** `@linear/sdk`'s LinearWebhookClient.verify (signature and the body's webhookTimestamp within 60 s). */
export const linearVerify = (secret: string, body: string, signature: string) =>
  call<boolean>({ op: 'linear-verify', secret, body, signature });
