import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ScriptsQuery, ScriptSummaryView } from '@runlet/read-models';
import { changedScripts, ReadModelCache, ProjectionRunnerService } from '@runlet/platform';

/**
 * Script summaries for the manual-run hot path (which version is deployed), without a query per
 * run. Dropped as soon as this process applies an event of the script; changes applied by
 * another API process are seen within a second.
 */
@Injectable()
export class ScriptSummaryCache implements OnModuleDestroy {
  private readonly cache = new ReadModelCache<ScriptSummaryView | null>(1000);
  private readonly unsubscribe: () => void;

  constructor(
    private readonly scripts: ScriptsQuery,
    projections: ProjectionRunnerService,
  ) {
    this.unsubscribe = projections.onApplied((events) => {
      for (const scriptId of changedScripts(events)) this.cache.forget(scriptId);
    });
  }

  /** Only runnable scripts are kept: the others answer an error naming their build's state. */
  get(id: string): Promise<ScriptSummaryView | null> {
    return this.cache.get(
      id,
      () => this.scripts.summary(id),
      (summary) => !!summary?.deployedVersion,
    );
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }
}
