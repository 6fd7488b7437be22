/* global process, console, Buffer */
// Senders' libraries published only as ES modules (@octokit/webhooks-methods, @linear/sdk), run in a
// plain Node process because the tests' CommonJS loader cannot import them. Reads one JSON request
// from argv and prints the JSON answer.
const request = JSON.parse(process.argv[2]);

if (request.op === 'octokit-sign') {
  const { sign } = await import('@octokit/webhooks-methods');
  console.log(JSON.stringify(await sign(request.secret, request.payload)));
} else if (request.op === 'octokit-verify') {
  const { verify } = await import('@octokit/webhooks-methods');
  console.log(JSON.stringify(await verify(request.secret, request.payload, request.signature)));
} else if (request.op === 'linear-verify') {
  const { LinearWebhookClient } = await import('@linear/sdk/webhooks');
  let valid;
  try {
    valid = new LinearWebhookClient(request.secret).verify(Buffer.from(request.body), request.signature);
  } catch {
    valid = false;
  }
  console.log(JSON.stringify(valid));
} else {
  throw new Error(`unknown op ${request.op}`);
}
