import 'reflect-metadata';
import { join } from 'node:path';
import { benchBuildTimes } from './builds.bench';
import { benchEventStore } from './event-store.bench';
import { benchExecutions } from './executions.bench';
import { benchWebhooks } from './webhooks.bench';
import { benchWebhooksSplit } from './webhooks-split.bench';
import { benchWebhookAuth } from './webhook-auth.bench';
import { benchCron } from './cron.bench';
import { benchTry } from './try.bench';
import { benchFloors } from './floors.bench';
import { benchScale } from './scale.bench';
import { benchSoak } from './soak.bench';
import { writeReport } from './results';
import { benchSecrets } from './secrets.bench';
import { benchLogs } from './logs.bench';
import { benchRuntimes } from './runtimes.bench';
import { benchConsole } from './console.bench';

/** `npm run bench [-- names…]`: prints figures; never part of the tests. */
const benches: Record<string, () => Promise<void>> = {
  floors: () => benchFloors(),
  'event-store': () => benchEventStore(),
  builds: () => benchBuildTimes(),
  executions: () => benchExecutions(),
  webhooks: () => benchWebhooks(),
  'webhooks-split': () => benchWebhooksSplit(),
  'webhook-auth': () => benchWebhookAuth(),
  cron: () => benchCron(),
  try: () => benchTry(),
  scale: () => benchScale(),
  soak: () => benchSoak(),
  secrets: () => benchSecrets(),
  logs: () => benchLogs(),
  runtimes: () => benchRuntimes(),
  console: () => benchConsole(),
};

/** Run only when named: the soak takes RUNLET_SOAK_MINUTES (10) on its own; webhooks-split starts five processes. */
const ON_REQUEST = ['soak', 'webhooks-split'];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !(name in benches));
  if (unknown.length)
    throw new Error(`unknown bench(es) ${unknown.join(', ')}; known: ${Object.keys(benches).join(', ')}`);
  const ran: string[] = [];
  for (const [name, bench] of Object.entries(benches)) {
    if (wanted.length ? !wanted.includes(name) : ON_REQUEST.includes(name)) continue;
    await bench();
    ran.push(name);
  }
  console.log(`\nreport: ${writeReport(join(__dirname, '..', '..', 'bench', 'results'), ran)}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
