import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SLIRP_DNS } from './egress-network';

/**
 * The only /etc the sandbox sees: name resolution through slirp4netns' DNS forwarder (unused under
 * `none`). Deliberately no passwd, group or anything else from the host.
 */
export function createEtcDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'runlet-etc-'));
  writeFileSync(join(dir, 'resolv.conf'), `nameserver ${SLIRP_DNS}\n`, { mode: 0o644 });
  writeFileSync(join(dir, 'hosts'), '127.0.0.1 localhost\n::1 localhost\n', { mode: 0o644 });
  writeFileSync(join(dir, 'nsswitch.conf'), 'hosts: files dns\n', { mode: 0o644 });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
