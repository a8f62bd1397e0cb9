import { readdirSync } from 'node:fs';
import path from 'node:path';

/** The repository root (the folder holding `functions/`, `events/` and `knative/`). */
export function repoRoot(): string {
  return path.resolve(__dirname, '..');
}

/** One folder under `functions/` = one function; a missing `functions/` means none yet. */
export function listFunctionFolders(root: string = repoRoot()): string[] {
  try {
    return readdirSync(path.join(root, 'functions'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Knative Service, folder, bundle and image all share this kebab-case name. */
export const KEBAB_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Problems when a file's function entries and the `functions/` folders disagree:
 * an entry without a folder, or a folder without an entry.
 */
export function nameProblems(file: string, declared: readonly string[], folders: readonly string[]): string[] {
  const unknown = declared.filter((name) => !folders.includes(name));
  const missing = folders.filter((name) => !declared.includes(name));
  return [
    ...unknown.map((name) => `${name}: unknown function (no folder functions/${name}); remove it from ${file}`),
    ...missing.map((name) => `${name}: missing from ${file} (every folder under functions/ needs an entry)`),
  ];
}
