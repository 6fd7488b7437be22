export * from './build';
export { BuilderModule, BuilderService } from './builder.module';
