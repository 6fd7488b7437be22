import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ScriptsQuery, ScriptSummaryView } from '@runlet/read-models';
import { ProjectionRunnerService } from '../read-models/projection-runner.service';

/** How long a summary is trusted when the change that outdates it was applied by another process. */
const TTL_MS = 1000;

/**
 * Script summaries for the manual-run hot path (which version is deployed), without a query per
 * run. An entry is dropped as soon as this process applies an event of its script to the read
 * models; a lookup that raced such a change is not cached. Changes applied by another API
 * process are seen within a second.
 */
@Injectable()
export class ScriptSummaryCache implements OnModuleDestroy {
  private readonly entries = new Map<string, { summary: ScriptSummaryView; until: number }>();
  /** Bumped on every change of a script, so a lookup started before it is not cached. */
  private readonly generations = new Map<string, number>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly scripts: ScriptsQuery,
    projections: ProjectionRunnerService,
  ) {
    this.unsubscribe = projections.onApplied((events) => {
      for (const e of events) {
        const scriptId = e.data?.scriptId;
        if (typeof scriptId !== 'string' || !/^(Script|Build)/.test(e.type)) continue;
        this.entries.delete(scriptId);
        this.generations.set(scriptId, (this.generations.get(scriptId) ?? 0) + 1);
      }
    });
  }

  async get(id: string): Promise<ScriptSummaryView | null> {
    const hit = this.entries.get(id);
    if (hit && hit.until > Date.now()) return hit.summary;
    const generation = this.generations.get(id);
    const summary = await this.scripts.summary(id);
    // Only runnable scripts are cached: the others answer an error naming their build's state.
    if (summary?.deployedVersion && this.generations.get(id) === generation) {
      if (this.entries.size > 10_000) this.entries.clear();
      this.entries.set(id, { summary, until: Date.now() + TTL_MS });
    }
    return summary;
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }
}
