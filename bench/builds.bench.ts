import { benchBuilds } from './build-pipeline';
import { ms, report } from './stats';

export async function benchBuildTimes(): Promise<void> {
  const r = await benchBuilds();
  report('builds (dayjs, lodash, uuid)', [
    ['cold build, empty store (median of 3)', ms(r.coldBuildMs)],
    ['plain `npm install` of the same packages, empty folder (median of 3)', ms(r.plainNpmInstallMs)],
    ['warm rebuild, same lockfile', ms(r.warmRebuildMs)],
  ]);
}
