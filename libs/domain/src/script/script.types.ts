import { DomainEvent } from '../common/aggregate';

export type ScriptLanguage = 'typescript' | 'javascript';
export type NetworkPolicy = 'none' | 'egress';

/** Everything that makes up one version of a script. */
export interface ScriptSpec {
  code: string;
  language: ScriptLanguage;
  dependencies: Record<string, string>;
  secrets: string[];
  timeoutMs: number;
  memoryMb: number;
  network: NetworkPolicy;
  /** Attempts of a failing execution (1 = no retry); retries back off exponentially from 1 s. */
  maxAttempts: number;
  /** Called (with retries) when an execution of this version fails for good or times out. */
  notifyUrl?: string | null;
}

export interface ScriptState {
  id: string;
  name: string;
  latestVersion: number;
  deployedVersion: number | null;
  archived: boolean;
  /** Spec of every version, by version number. */
  versions: Record<number, ScriptSpec>;
}

export type ScriptCommand =
  | { type: 'CreateScript'; scriptId: string; name: string; spec: Partial<ScriptSpec> & { code: string } }
  | {
      type: 'SaveScriptVersion';
      name?: string;
      spec: Partial<ScriptSpec>;
      expectedVersion?: number;
      reason?: string;
      /** Re-resolve dependency ranges when building this version (the "upgrade dependencies" action). */
      upgrade?: boolean;
    }
  | { type: 'RenameScript'; name: string }
  | { type: 'ArchiveScript' }
  | { type: 'DeployScriptVersion'; version: number; reason?: string };

export type ScriptCreated = DomainEvent<'ScriptCreated', { scriptId: string; name: string }>;
export type ScriptVersionSaved = DomainEvent<
  'ScriptVersionSaved',
  { scriptId: string; version: number; reason?: string; upgrade?: boolean } & ScriptSpec
>;
export type ScriptRenamed = DomainEvent<
  'ScriptRenamed',
  { scriptId: string; name: string; previousName: string }
>;
export type ScriptArchived = DomainEvent<'ScriptArchived', { scriptId: string }>;
export type ScriptVersionDeployed = DomainEvent<
  'ScriptVersionDeployed',
  { scriptId: string; version: number; previousVersion: number | null; reason?: string }
>;
export type ScriptEvent =
  ScriptCreated | ScriptVersionSaved | ScriptRenamed | ScriptArchived | ScriptVersionDeployed;
