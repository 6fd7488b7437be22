export { ExecutorModule } from './executor.module';
