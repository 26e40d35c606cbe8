import { ApiError } from '../api/client.ts';

/** One validation issue as the hub reports it in `details.issues`. */
interface Issue {
  path: string;
  message: string;
}

/** The hub's validation issues (400 `invalid_request`), in plain words; empty for other errors. */
export function validationIssues(error: unknown): Issue[] {
  if (!(error instanceof ApiError)) return [];
  const issues = (error.details as { issues?: unknown } | null | undefined)?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.map((issue: { path?: unknown; message?: unknown }) => ({
    path: Array.isArray(issue.path) ? issue.path.join('.') : String(issue.path ?? ''),
    message: plainIssue(String(issue.message ?? '')),
  }));
}

/** The message to show under the input for `field`, when the last submit was refused for it. */
export function fieldError(error: unknown, field: string): string | undefined {
  return validationIssues(error).find((issue) => issue.path === field)?.message;
}

/** Zod's wording ("Too big: expected string to have <=200 characters") in words a user reads. */
export function plainIssue(message: string): string {
  const bound = /([<>]=?)\s*(-?\d[\d_,.]*)/.exec(message)?.[2];
  if (/^Too big/i.test(message) && bound) {
    return /string/i.test(message) ? `Use at most ${bound} characters.` : `Enter at most ${bound}.`;
  }
  if (/^Too small/i.test(message) && bound) {
    if (/string/i.test(message))
      return bound === '1' ? 'This field is required.' : `Use at least ${bound} characters.`;
    return `Enter at least ${bound}.`;
  }
  if (/email/i.test(message)) return 'Enter an e-mail address such as name@example.nl.';
  if (/url/i.test(message)) return 'Enter a full web address such as https://example.nl.';
  if (/expected number/i.test(message)) return 'Enter a number.';
  if (/expected string/i.test(message) || /Required/.test(message)) return 'This field is required.';
  return message;
}
