import 'reflect-metadata';
import { benchBuildTimes } from './builds.bench';
import { benchEventStore } from './event-store.bench';
import { benchExecutions } from './executions.bench';
import { benchWebhooks } from './webhooks.bench';
import { benchCron } from './cron.bench';
import { benchTry } from './try.bench';
import { benchConsole } from './console.bench';

/** `npm run bench [-- names…]`: prints figures; never part of the tests. */
const benches: Record<string, () => Promise<void>> = {
  'event-store': () => benchEventStore(),
  builds: () => benchBuildTimes(),
  executions: () => benchExecutions(),
  webhooks: () => benchWebhooks(),
  cron: () => benchCron(),
  try: () => benchTry(),
  console: () => benchConsole(),
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  for (const [name, bench] of Object.entries(benches)) {
    if (wanted.length && !wanted.includes(name)) continue;
    await bench();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
