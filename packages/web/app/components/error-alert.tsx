import { Alert, Code, Text } from '@mantine/core';
import { ApiError } from '../api/client.ts';
import { validationIssues } from './field-errors.ts';

/**
 * Shows an API error as the hub worded it (message, plus code for support). Refused input is
 * shown in plain words; issues for the inputs named in `fields` are left to those inputs
 * (`fieldError`), so a message never appears twice.
 */
export function ErrorAlert({
  error,
  title,
  fields = [],
}: {
  error: unknown;
  title?: string;
  fields?: string[];
}) {
  if (!error) return null;
  const apiError = error instanceof ApiError ? error : undefined;
  const issues = validationIssues(error);
  const elsewhere = issues.filter((issue) => !fields.includes(issue.path));
  if (issues.length > 0 && elsewhere.length === 0) return null;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <Alert color="red" title={title ?? 'That did not work'} role="alert" data-testid="error-alert">
      {issues.length > 0 ? (
        <ul style={{ margin: 0, paddingLeft: '1.25rem' }}>
          {elsewhere.map((issue) => (
            <li key={`${issue.path}:${issue.message}`}>
              <Text size="sm">{issue.path ? `${issue.path}: ${issue.message}` : issue.message}</Text>
            </li>
          ))}
        </ul>
      ) : (
        <Text size="sm">{message}</Text>
      )}
      {apiError && (
        <Text size="xs" c="dimmed" mt={4}>
          Error code <Code>{apiError.code}</Code>
        </Text>
      )}
    </Alert>
  );
}
