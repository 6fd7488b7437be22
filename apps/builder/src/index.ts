export { BuilderModule, BuilderService } from './builder.module';
