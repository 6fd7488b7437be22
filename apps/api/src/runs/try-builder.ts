import { Inject, Injectable } from '@nestjs/common';
import { join } from 'node:path';
import { ScriptBuilder } from '@runlet/builder/build';
import { RUNLET_CONFIG, RunletConfig } from '../platform/config';

/** Builds unsaved code for POST /try with the same pipeline and install cache as real builds. */
@Injectable()
export class TryBuilder {
  readonly builder: ScriptBuilder;

  constructor(@Inject(RUNLET_CONFIG) config: RunletConfig) {
    this.builder = new ScriptBuilder({ dataDir: join(config.dataDir), concurrency: 2 });
  }
}
