import { Logger } from '@nestjs/common';
import { PackageTypesTable, ScriptBuilder } from '@runlet/build';
import { BuildHistory } from './build-history';
import { ImageGarbageCollector } from './image-gc';

/** Entries touched this recently may belong to a build another builder has not recorded yet. */
const IN_FLIGHT_GRACE_MS = 60 * 60_000;

/**
 * Removes install-store entries that no deployed version and no recent build uses. Entries are
 * content-addressed, so a removed one is simply reinstalled from its lockfile when needed again.
 */
export class StoreGarbageCollector {
  private readonly logger = new Logger('builder:gc');
  private timer?: NodeJS.Timeout;
  private running?: Promise<string[]>;

  constructor(
    private readonly builder: ScriptBuilder,
    private readonly history: BuildHistory,
    private readonly keepMs: number,
    /** Runs with each collection when images are built. */
    private readonly images?: ImageGarbageCollector,
    /** The editor's declarations of each install go with it. */
    private readonly packageTypes?: PackageTypesTable,
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      this.collect().catch((err) => this.logger.warn(`garbage collection failed: ${err?.message ?? err}`));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One collection (one at a time); returns the removed lockfile hashes. */
  collect(graceMs = IN_FLIGHT_GRACE_MS): Promise<string[]> {
    this.running ??= (async () => {
      try {
        const keep = await this.history.referencedLockfileHashes(new Date(Date.now() - this.keepMs));
        const removed = await this.builder.collectGarbage(keep, graceMs);
        if (removed.length) this.logger.log(`removed ${removed.length} unused install(s)`);
        await this.packageTypes?.remove(removed);
        await this.images?.collect();
        return removed;
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }
}
