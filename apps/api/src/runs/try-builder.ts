import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ScriptBuilder, loadBuilderSettings, scriptBuilderOptions } from '@runlet/build';
import { RUNLET_CONFIG, RunletConfig } from '@runlet/platform';

/**
 * Builds unsaved code for POST /try with the same pipeline, install store and settings (registry,
 * resolution cache, allowed install scripts) as real builds.
 */
@Injectable()
export class TryBuilder implements OnApplicationShutdown {
  readonly builder: ScriptBuilder;

  constructor(@Inject(RUNLET_CONFIG) config: RunletConfig) {
    this.builder = new ScriptBuilder({
      dataDir: config.dataDir,
      concurrency: 2,
      ...scriptBuilderOptions(loadBuilderSettings()),
    });
  }

  onApplicationShutdown(): Promise<void> {
    return this.builder.close();
  }
}
