import { loadRuntimeConfig } from '@runlet/platform';
import { createBuiltScript, startPlatform, TestPlatform } from './support/platform';

/**
 * The docker runtime with its engine gone (DOCKER_HOST names a socket nobody listens on): each
 * attempt fails with a clear error, the script's retry policy is applied, and the execution
 * reaches a terminal status instead of hanging.
 */
describe('docker runtime: the Docker engine is unavailable', () => {
  let p: TestPlatform;
  const saved = { host: process.env.DOCKER_HOST, builds: process.env.RUNLET_IMAGE_BUILDS };
  beforeAll(async () => {
    process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
    process.env.RUNLET_IMAGE_BUILDS = 'false'; // the artifact is built; only the executor needs the engine
    p = await startPlatform('dockeroutage', {
      roles: ['api', 'builder', 'executor'],
      config: { runtime: { ...loadRuntimeConfig({}), kind: 'docker' } },
    });
  });
  afterAll(async () => {
    await p.close();
    for (const [key, value] of [
      ['DOCKER_HOST', saved.host],
      ['RUNLET_IMAGE_BUILDS', saved.builds],
    ] as const)
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
  });

  it('every attempt fails with "The Docker engine is unavailable", retried per the script policy', async () => {
    const id = await createBuiltScript(p, {
      name: 'outage',
      code: 'export default () => 1',
      language: 'javascript',
      maxAttempts: 2,
    });
    const started = await p.api('POST', `/api/v1/scripts/${id}/runs`, {});
    expect(started.status).toBe(202);
    let execution: any;
    for (let i = 0; i < 200; i++) {
      execution = (await p.api('GET', `/api/v1/executions/${started.body.executionId}`)).body;
      if (['failed', 'succeeded'].includes(execution.status)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(execution.status).toBe('failed');
    expect(execution.attempt).toBe(2);
    expect(execution.error.message).toMatch(/The Docker engine is unavailable/);
  });
});
