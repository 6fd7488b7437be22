import { parse } from 'yaml';

/**
 * Actions must be pinned to a version: an exact release tag (`@v4.2.2`) or a full commit SHA.
 * A branch (`@main`), a moving major tag (`@v4`) or no ref at all is refused. Local actions
 * (`./…`) and docker images with a digest are fine.
 */
const PINNED = /^[^@\s]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/;

/** Every `uses:` of a workflow, with where it is. */
function usesOf(doc: any): { where: string; uses: string }[] {
  const found: { where: string; uses: string }[] = [];
  for (const [jobName, job] of Object.entries<any>(doc?.jobs ?? {})) {
    if (typeof job?.uses === 'string') found.push({ where: `job ${jobName}`, uses: job.uses });
    (job?.steps ?? []).forEach((step: any, i: number) => {
      if (typeof step?.uses === 'string')
        found.push({ where: `job ${jobName} step ${i + 1}`, uses: step.uses });
    });
  }
  return found;
}

/** The workflow's problems: YAML that does not parse, no jobs, or an action not pinned. */
export function workflowProblems(text: string): string[] {
  let doc: any;
  try {
    doc = parse(text);
  } catch (err) {
    return [`does not parse: ${(err as Error).message.split('\n')[0]}`];
  }
  const problems: string[] = [];
  if (!doc?.on && !doc?.true) problems.push('has no trigger (on:)');
  if (!doc?.jobs || !Object.keys(doc.jobs).length) problems.push('has no jobs');
  for (const { where, uses } of usesOf(doc)) {
    if (uses.startsWith('./')) continue;
    if (uses.startsWith('docker://') ? !/@sha256:[0-9a-f]{64}$/.test(uses) : !PINNED.test(uses))
      problems.push(`${where}: ${uses} is not pinned to a release tag (vX.Y.Z) or a commit SHA`);
  }
  return problems;
}
