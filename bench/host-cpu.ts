import { readFileSync } from 'node:fs';

/** The machine's CPU time counters (the `cpu` line of /proc/stat), in clock ticks. */
export interface HostCpu {
  total: number;
  idle: number;
  steal: number;
}

/** Now, or undefined where /proc/stat cannot be read. */
export function hostCpu(): HostCpu | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already counted in user)
    const [user, nice, system, idle, iowait, irq, softirq, steal] = fields;
    return {
      total: user + nice + system + idle + iowait + irq + softirq + steal,
      idle: idle + iowait,
      steal,
    };
  } catch {
    return undefined;
  }
}

/**
 * How busy the machine was between two readings, and how much of its CPU time the hypervisor
 * gave to other guests (steal): on a shared VM, a phase with high steal is slower for everyone in
 * it, Runlet and its peers alike, so its figures are read with it.
 */
export function hostLoad(from: HostCpu | undefined, to: HostCpu | undefined = hostCpu()): string {
  if (!from || !to || to.total <= from.total) return 'not measured (no /proc/stat)';
  const total = to.total - from.total;
  const pct = (n: number) => `${Math.round((100 * n) / total)} %`;
  const stolen = to.steal - from.steal;
  return `busy ${pct(total - (to.idle - from.idle) - stolen)}, stolen ${pct(stolen)}`;
}
