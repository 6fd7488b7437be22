import type { Settings } from '@/components/script-settings';

/** `GET /api/v1/scripts/:id` as the script page uses it. */
export interface ScriptDetail extends Settings {
  id: string;
  name: string;
  latestVersion: number;
  deployedVersion: number | null;
  code: string;
  language: string;
  dependencies: Record<string, string>;
  build: { status: string; version: number | null; error?: string } | null;
  versions: { version: number; createdAt: string; actor: string | null }[];
}
