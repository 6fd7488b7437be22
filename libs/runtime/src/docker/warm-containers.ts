import type { ContainerPlan } from './container-spec';
import type { ContainerSession } from './container-session';

interface Idle {
  session: ContainerSession;
  timer: NodeJS.Timeout;
}

/**
 * Started containers waiting for the next execution of a version (node and the harness are up;
 * the script itself is imported only once its run arrives). Each serves one execution; taking one
 * starts its replacement.
 */
export class WarmContainers {
  private readonly idle = new Map<string, Idle[]>();
  private readonly plans = new Map<string, ContainerPlan>();
  private closed = false;

  constructor(
    private readonly opts: { size: number; idleMs: number },
    private readonly start: (plan: ContainerPlan) => Promise<ContainerSession>,
  ) {}

  /** Starts containers for `plan` up to the pool size. */
  fill(plan: ContainerPlan): void {
    if (this.closed || this.opts.size <= 0) return;
    const key = keyOf(plan);
    this.plans.set(key, plan);
    const list = this.idle.get(key) ?? [];
    this.idle.set(key, list);
    for (let i = list.length; i < this.opts.size; i++) {
      this.start(plan).then(
        (session) => {
          if (this.closed) return void session.kill();
          const entry: Idle = {
            session,
            timer: setTimeout(() => this.expire(key, entry), this.opts.idleMs).unref(),
          };
          list.push(entry);
          // A warm container that dies while idle leaves the pool.
          void session.result.then(() => this.drop(key, entry));
        },
        () => undefined,
      );
    }
  }

  /** An idle container for this version and limits, if any (its replacement starts). */
  take(plan: ContainerPlan): ContainerSession | undefined {
    const key = keyOf(plan);
    const entry = this.idle.get(key)?.shift();
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    const known = this.plans.get(key);
    if (known) this.fill(known);
    return entry.session;
  }

  private expire(key: string, entry: Idle): void {
    this.drop(key, entry);
    void entry.session.kill();
  }

  private drop(key: string, entry: Idle): void {
    const list = this.idle.get(key);
    const i = list?.indexOf(entry) ?? -1;
    if (i >= 0) list!.splice(i, 1);
    clearTimeout(entry.timer);
  }

  close(): void {
    this.closed = true;
    for (const list of this.idle.values())
      for (const entry of list.splice(0)) {
        clearTimeout(entry.timer);
        void entry.session.kill();
      }
  }
}

function keyOf(plan: ContainerPlan): string {
  return `${plan.image}|${plan.labels['runlet.script']}@${plan.labels['runlet.version']}|${plan.limits.memoryMb}|${plan.limits.network}`;
}
