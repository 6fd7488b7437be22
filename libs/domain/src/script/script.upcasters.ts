import { EventUpcaster } from '../common/aggregate';
import { DEFAULT_SPEC } from './script-limits';

/**
 * ScriptVersionSaved v1 → v2. Version 1 could hold null (or lack) fields: the API let
 * `{"network": null}` through, and the read models could not store such a version. Version 2
 * has every spec field, none null but notifyUrl; null in v1 means the default, as it does now.
 */
export const scriptVersionSavedV2: EventUpcaster = {
  type: 'ScriptVersionSaved',
  fromVersion: 1,
  upcast(data: Record<string, unknown>) {
    const spec: Record<string, unknown> = { ...data };
    for (const [field, fallback] of Object.entries(DEFAULT_SPEC)) spec[field] ??= fallback;
    return spec;
  },
};

export const scriptUpcasters: EventUpcaster[] = [scriptVersionSavedV2];
