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
