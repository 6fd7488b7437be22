import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOnPath, sandboxToolsReport } from './sandbox-tools-check';

describe('sandboxToolsReport', () => {
  it('says nothing when bwrap and the egress programs are there', () => {
    expect(sandboxToolsReport(() => true)).toEqual({ fatal: undefined, warnings: [] });
  });

  it('stops on a missing bwrap, naming the Debian package "bubblewrap"', () => {
    const report = sandboxToolsReport((program) => program !== 'bwrap');
    expect(report.fatal).toContain('install the Debian package "bubblewrap"');
    expect(report.warnings).toEqual([]);
  });

  it('warns on a missing slirp4netns (only egress scripts need it), naming its package', () => {
    const report = sandboxToolsReport((program) => program !== 'slirp4netns');
    expect(report.fatal).toBeUndefined();
    expect(report.warnings).toEqual([expect.stringContaining('install the Debian package "slirp4netns"')]);
  });

  it.each([
    ['unshare', 'util-linux'],
    ['nsenter', 'util-linux'],
    ['ip', 'iproute2'],
  ])('warns on a missing %s (egress sets up its network with it), naming its package %s', (missing, pkg) => {
    const report = sandboxToolsReport((program) => program !== missing);
    expect(report.fatal).toBeUndefined();
    expect(report.warnings).toEqual([
      `${missing} is not on PATH (needed for scripts with network 'egress'): install the Debian package "${pkg}" (apt-get install ${pkg})`,
    ]);
  });
});

describe('findOnPath', () => {
  it('finds an executable file in a PATH directory and nothing that is not executable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runlet-path-'));
    writeFileSync(join(dir, 'tool'), '#!/bin/sh\n');
    chmodSync(join(dir, 'tool'), 0o755);
    writeFileSync(join(dir, 'plain'), '');
    chmodSync(join(dir, 'plain'), 0o644);
    expect(findOnPath('tool', `/nonexistent:${dir}`)).toBe(join(dir, 'tool'));
    expect(findOnPath('plain', dir)).toBeUndefined();
    expect(findOnPath('tool', '')).toBeUndefined();
  });
});
