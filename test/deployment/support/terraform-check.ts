import { parse } from '@cdktf/hcl2json';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every string inside a parsed HCL document (expressions come out as "${…}" strings). */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => strings(v, out));
  return out;
}

/**
 * A Terraform module's problems: a file that does not parse, a `var.x` no `variable "x"` declares,
 * a provider without an exact version (`= x.y.z`).
 */
export async function terraformProblems(moduleDir: string): Promise<string[]> {
  const problems: string[] = [];
  const parsed: { file: string; doc: Record<string, any> }[] = [];
  for (const file of readdirSync(moduleDir).filter((f) => f.endsWith('.tf'))) {
    try {
      parsed.push({ file, doc: await parse(file, readFileSync(join(moduleDir, file), 'utf8')) });
    } catch (err) {
      problems.push(`${file} does not parse: ${String((err as Error).message ?? err).split('\n')[0]}`);
    }
  }
  const declared = new Set(parsed.flatMap(({ doc }) => Object.keys(doc.variable ?? {})));
  for (const { file, doc } of parsed) {
    for (const s of strings(doc))
      for (const m of s.matchAll(/\bvar\.([A-Za-z_][A-Za-z0-9_-]*)/g))
        if (!declared.has(m[1])) problems.push(`${file}: var.${m[1]} is not declared`);
    for (const block of doc.terraform ?? [])
      for (const providers of block.required_providers ?? [])
        for (const [name, spec] of Object.entries<any>(providers))
          if (!/^=\s*\d+\.\d+\.\d+$/.test(spec?.version ?? ''))
            problems.push(`${file}: provider ${name} is not pinned to an exact version (${spec?.version})`);
  }
  if (!parsed.some(({ doc }) => doc.terraform?.some((b: any) => b.required_providers)))
    problems.push('no required_providers block');
  return [...new Set(problems)];
}
