import { DynamicModule, Module, Type } from '@nestjs/common';
import { ApiModule } from '@runlet/api';
import { BuilderModule } from '@runlet/builder';
import { ExecutorModule } from '@runlet/executor';
import { SchedulerModule } from '@runlet/scheduler';
import { Role, RunletConfig, PlatformModule } from '@runlet/platform';

/** The modules each role adds; a process hosts any subset of roles. */
const ROLE_MODULES: Record<Role, Type[]> = {
  api: [ApiModule],
  scheduler: [SchedulerModule],
  builder: [BuilderModule],
  executor: [ExecutorModule],
};

@Module({})
export class AppModule {
  static forConfig(config: RunletConfig): DynamicModule {
    const roleModules = [...new Set(config.roles.flatMap((r) => ROLE_MODULES[r]))];
    return { module: AppModule, imports: [PlatformModule.forConfig(config), ...roleModules] };
  }
}
