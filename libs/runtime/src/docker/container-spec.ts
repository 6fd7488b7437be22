import type { ContainerCreateOptions } from 'dockerode';
import { nodeArgs } from '../bwrap-args';
import type { SandboxLimits } from '../types';

/** Where things live in a script's image (and where a try-out's artifact is mounted). */
export const IMAGE_PATHS = {
  runletDir: '/runlet',
  entry: '/runlet/container-entry.mjs',
  appDir: '/app/src',
  nodeModules: '/app/node_modules',
} as const;

/** uid/gid of the base image's `runlet` user (scripts/images/build-base-image.js). */
export const CONTAINER_USER = '10001:10001';
/** Memory for node itself and the container entry on top of the script's heap cap. */
export const CONTAINER_BASELINE_MB = 112;

export interface ContainerPlan {
  image: string;
  /** The artifact's entry file, relative to the app dir. */
  entry: string;
  limits: SandboxLimits;
  maxPids: number;
  /** Docker network for `egress` (a dedicated bridge, see egress-network.ts). */
  egressNetwork: string;
  labels: Record<string, string>;
  /** Host paths bind-mounted read-only, for artifacts without an image of their own (try-outs). */
  mounts?: { harnessDir: string; artifactDir: string; nodeModulesDir: string | null };
}

/**
 * A hardened, single-execution container: read-only root, private tmpfs /tmp, every capability
 * dropped, no-new-privileges, pids/memory/CPU limits, a non-root user, an init as pid 1, removed
 * when it stops, no network or the egress bridge, an environment of our own making only.
 */
export function containerOptions(plan: ContainerPlan): ContainerCreateOptions {
  const memoryBytes = (plan.limits.memoryMb + CONTAINER_BASELINE_MB) * 1024 * 1024;
  const binds = plan.mounts
    ? [
        `${plan.mounts.harnessDir}:${IMAGE_PATHS.runletDir}:ro`,
        `${plan.mounts.artifactDir}:${IMAGE_PATHS.appDir}:ro`,
        ...(plan.mounts.nodeModulesDir
          ? [`${plan.mounts.nodeModulesDir}:${IMAGE_PATHS.nodeModules}:ro`]
          : []),
      ]
    : [];
  return {
    Image: plan.image,
    Cmd: [
      '/usr/bin/node',
      IMAGE_PATHS.entry,
      'stdin',
      `${IMAGE_PATHS.appDir}/${plan.entry}`,
      ...nodeArgs(plan.limits.memoryMb),
    ],
    Entrypoint: [],
    User: CONTAINER_USER,
    WorkingDir: '/tmp',
    Env: ['NODE_ENV=production', 'HOME=/tmp', 'TZ=UTC', 'PATH=/usr/bin:/bin'],
    Hostname: 'runlet',
    Labels: plan.labels,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    OpenStdin: true,
    StdinOnce: true,
    Tty: false,
    NetworkDisabled: plan.limits.network === 'none',
    HostConfig: {
      AutoRemove: true,
      Init: true,
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': 'rw,nosuid,nodev,size=64m,mode=1777' },
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      PidsLimit: plan.maxPids,
      Memory: memoryBytes,
      MemorySwap: memoryBytes,
      NanoCpus: 1_000_000_000,
      NetworkMode: plan.limits.network === 'none' ? 'none' : plan.egressNetwork,
      IpcMode: 'private',
      Binds: binds,
      LogConfig: { Type: 'none', Config: {} },
    },
  };
}
