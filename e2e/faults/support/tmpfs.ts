import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A small tmpfs mounted for one test: a disk that really fills up. */
export interface Tmpfs {
  dir: string;
  /** Unmounts it (lazily if something still holds it) and removes the mount point. */
  unmount(): void;
}

/**
 * Mounts a tmpfs of `sizeMiB` on a fresh directory. Chromium's quota override over CDP has no
 * effect on IndexedDB, so a full disk is the only way to make Chromium answer QuotaExceededError.
 *
 * @throws when mounting is not permitted: CI runs as root, so that is a broken machine, not a
 * reason to skip.
 */
export function mountTmpfs(sizeMiB: number): Tmpfs {
  const dir = mkdtempSync(join(tmpdir(), 'larder-quota-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(
      `The quota test needs a real small disk: 'mount -t tmpfs -o size=${sizeMiB}m tmpfs ${dir}' failed` +
        ` (${stderr || String(e)}). Run it as root, as CI does.`,
      { cause: e },
    );
  }
  return {
    dir,
    unmount() {
      try {
        execFileSync('umount', [dir], { stdio: 'pipe' });
      } catch {
        // Still busy (a process that has not exited yet): detach it now, freed when released.
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
