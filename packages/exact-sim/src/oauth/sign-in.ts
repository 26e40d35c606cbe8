// The username/password check shared by the authorize pages and the App Center.
import type { Directory, SimUser } from '../directory.ts';
import { type FormFields, field } from '../server/form.ts';
import type { SimStats } from '../stats.ts';

/** The user whose credentials the form carries, or the reason to show on the login page. */
export function signIn(fields: FormFields, directory: Directory, stats: SimStats): SimUser | string {
  const user = directory.user(field(fields, 'username') ?? '');
  if (!user || user.password !== (field(fields, 'password') ?? '')) {
    stats.failedLogin();
    return 'The username or password is incorrect.';
  }
  if (user.blocked) {
    stats.failedLogin();
    return 'This user account is blocked.';
  }
  return user;
}
