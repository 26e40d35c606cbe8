import { Alert, Code, Text } from '@mantine/core';
import { ApiError } from '../api/client.ts';

/** Shows an API error as the hub worded it (message, plus code and any details for support). */
export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const apiError = error instanceof ApiError ? error : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const issues = apiError ? issueList(apiError.details) : [];
  return (
    <Alert color="red" title={title ?? 'That did not work'} role="alert" data-testid="error-alert">
      <Text size="sm">{message}</Text>
      {issues.length > 0 && (
        <ul style={{ margin: '0.25rem 0 0', paddingLeft: '1.25rem' }}>
          {issues.map((issue) => (
            <li key={issue}>
              <Text size="sm">{issue}</Text>
            </li>
          ))}
        </ul>
      )}
      {apiError && (
        <Text size="xs" c="dimmed" mt={4}>
          Error code <Code>{apiError.code}</Code>
        </Text>
      )}
    </Alert>
  );
}

/** Validation errors carry `details.issues` as `{path, message}`; other details are left out. */
function issueList(details: unknown): string[] {
  const issues = (details as { issues?: unknown } | null | undefined)?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.map((issue: { path?: unknown; message?: unknown }) => {
    const path = Array.isArray(issue.path) ? issue.path.join('.') : String(issue.path ?? '');
    return path ? `${path}: ${String(issue.message)}` : String(issue.message);
  });
}
