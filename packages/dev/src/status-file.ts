import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** What `pnpm dev` keeps in DEV_STATUS_FILE for `pnpm dev:status`. */
export interface StatusFile {
  /** The launcher's process id: a file whose writer is gone is a leftover. */
  readonly pid: number;
  readonly block: string;
}

/** Replaces the file in one step (write beside it, rename), so a reader never sees half of it. */
export function writeStatusFile(path: string, content: StatusFile): void {
  mkdirSync(dirname(path), { recursive: true });
  const next = `${path}.${process.pid}.tmp`;
  writeFileSync(next, `${JSON.stringify(content)}\n`);
  renameSync(next, path);
}

export function removeStatusFile(path: string): void {
  rmSync(path, { force: true });
}

/** The status `pnpm dev` last wrote, or why there is none. */
export function readStatusFile(path: string): { status: StatusFile } | { missing: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { missing: `pnpm dev is not running here (no ${path})` };
  }
  let status: StatusFile;
  try {
    status = JSON.parse(text) as StatusFile;
  } catch {
    return { missing: `${path} is not a status pnpm dev wrote` };
  }
  if (typeof status?.pid !== 'number' || typeof status?.block !== 'string')
    return { missing: `${path} is not a status pnpm dev wrote` };
  try {
    process.kill(status.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM')
      return {
        missing: `pnpm dev is not running (${path} is left from process ${status.pid}, which has ended)`,
      };
  }
  return { status };
}
