import { readFileSync } from 'node:fs';

/**
 * Whether a process with this pid still runs on this machine. EPERM means it exists but
 * belongs to someone else, which still counts as alive.
 */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When the process started, as the kernel counts it (Linux: clock ticks since boot, field 22 of
 * /proc/<pid>/stat); undefined where /proc is not available. A pid and its start time together
 * name one process: a later process that reuses the pid has another start time.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses; fields after it are plain.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
