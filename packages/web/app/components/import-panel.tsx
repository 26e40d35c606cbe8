import {
  Alert,
  Badge,
  Button,
  Card,
  FileInput,
  Group,
  NativeSelect,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { post } from '../api/client.ts';
import { flowKeys, IMPORT_ROWS_SHOWN, useImportResult, useImports } from '../api/queries.ts';
import type {
  Flow,
  FlowPackage,
  ImportPreview,
  ImportRowStatus,
  ImportSummary,
  ImportUploaded,
} from '../api/types.ts';
import { cellText } from './cell-text.ts';
import { ErrorAlert } from './error-alert.tsx';
import { Loading } from './loading.tsx';
import { notifyDone } from './notify.ts';
import { count } from './run-figures.ts';

type Mapping = ImportPreview['mapping'];

const STATUS_COLOR: Record<ImportRowStatus, string> = {
  pending: 'gray',
  created: 'green',
  updated: 'blue',
  unchanged: 'gray',
  failed: 'red',
};
const SHOWN_STATUSES: readonly ImportRowStatus[] = ['created', 'updated', 'unchanged', 'failed'];

/** The form the hub's import routes take: the entity, the file and (for the upload) the mapping. */
function uploadForm(entity: string, file: File, mapping?: Mapping): FormData {
  const form = new FormData();
  form.append('entity', entity);
  if (mapping) form.append('mapping', JSON.stringify(mapping));
  form.append('file', file, file.name);
  return form;
}

/** Required fields that no column is mapped to: every row would fail without them. */
function missingRequired(preview: ImportPreview, mapping: Mapping): string[] {
  const mapped = new Set(Object.values(mapping));
  return preview.fields
    .filter((field) => field.required && !mapped.has(field.name))
    .filter((field) => !(field.line && mapped.has('lines')))
    .map((field) => field.name);
}

/**
 * "Import into Exact" on its flow's page: upload a CSV or JSON file, check how its columns map
 * to the entity's fields on the first rows, run it, and read (or download) the result per row.
 */
export function ImportPanel({
  flow,
  pkg,
  canAdmin,
}: {
  flow: Flow;
  pkg: FlowPackage | undefined;
  canAdmin: boolean;
}) {
  const queryClient = useQueryClient();
  const imports = useImports(flow.id);
  const [entity, setEntity] = useState(flow.entities[0] ?? '');
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [mapping, setMapping] = useState<Mapping>({});
  const [shown, setShown] = useState<string | undefined>();
  const entityTitle = (name: string) => pkg?.entities.find((e) => e.name === name)?.title ?? name;

  const read = useMutation({
    mutationFn: (chosen: { file: File; entity: string }) =>
      post<ImportPreview>(`/flows/${flow.id}/imports/preview`, uploadForm(chosen.entity, chosen.file)),
    onSuccess: (answer) => {
      setPreview(answer);
      setMapping(answer.mapping);
    },
    onError: () => setPreview(null),
  });
  const run = useMutation({
    mutationFn: () =>
      post<ImportUploaded>(`/flows/${flow.id}/imports`, uploadForm(entity, file as File, mapping)),
    onSuccess: async (answer) => {
      setShown(answer.import.id);
      setPreview(null);
      setFile(null);
      notifyDone(`${count(answer.import.rows)} rows uploaded; the import runs now`);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: flowKeys.imports(flow.id) }),
        queryClient.invalidateQueries({ queryKey: flowKeys.runs(flow.id) }),
      ]);
    },
  });
  const choose = (next: { file: File | null; entity: string }) => {
    setFile(next.file);
    setEntity(next.entity);
    setPreview(null);
    read.reset();
    if (next.file) read.mutate({ file: next.file, entity: next.entity });
  };
  const missing = preview ? missingRequired(preview, mapping) : [];
  const current = shown ?? imports.data?.[0]?.id;

  return (
    <Card withBorder data-testid="import-panel">
      <Stack gap="sm">
        <Title order={4}>Import a file</Title>
        {canAdmin ? (
          <Group align="flex-end" wrap="wrap">
            <NativeSelect
              label="Import into"
              name="import-entity"
              value={entity}
              onChange={(event) => choose({ file, entity: event.currentTarget.value })}
              data={flow.entities.map((name) => ({ value: name, label: entityTitle(name) }))}
            />
            <FileInput
              label="CSV or JSON file"
              placeholder="Choose a file"
              accept=".csv,.json,text/csv,application/json"
              value={file}
              onChange={(chosen) => choose({ file: chosen, entity })}
              clearable
              miw={260}
            />
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            Admins and owners upload files; the results of earlier imports are below.
          </Text>
        )}
        {read.isPending && <Loading />}
        <ErrorAlert error={read.error} title="The file cannot be read" />
        {preview && (
          <MappingPreview
            preview={preview}
            mapping={mapping}
            onChange={setMapping}
            fileName={file?.name ?? ''}
          />
        )}
        {preview && (
          <Group>
            <Button
              onClick={() => run.mutate()}
              loading={run.isPending}
              disabled={missing.length > 0}
              data-testid="run-import"
            >
              Import {count(preview.rows)} rows
            </Button>
            {missing.length > 0 && (
              <Text size="sm" c="red" data-testid="missing-fields">
                Map a column to {missing.join(', ')}: every row needs it.
              </Text>
            )}
          </Group>
        )}
        <ErrorAlert error={run.error} title="The import was refused" />
        <ImportHistory imports={imports.data ?? []} current={current} onShow={setShown} />
        {current && <ImportResults flowId={flow.id} importId={current} />}
      </Stack>
    </Card>
  );
}

/** The file's columns, each with the field it goes to, over the first rows of the file. */
function MappingPreview({
  preview,
  mapping,
  onChange,
  fileName,
}: {
  preview: ImportPreview;
  mapping: Mapping;
  onChange(mapping: Mapping): void;
  fileName: string;
}) {
  const options = [
    { value: '', label: '— leave out —' },
    ...preview.fields.map((field) => ({
      value: field.name,
      label: field.required ? `${field.name} (required)` : field.name,
    })),
  ];
  return (
    <Stack gap={4} data-testid="mapping-preview">
      <Text size="sm">
        <b>{fileName}</b>: {count(preview.rows)} rows. Choose the field each column goes to; the first{' '}
        {preview.sample.length} rows show how they are read.
      </Text>
      <Table.ScrollContainer minWidth={preview.columns.length * 170}>
        <Table striped withTableBorder verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              {preview.columns.map((column) => (
                <Table.Th key={column} data-column={column}>
                  <Stack gap={2}>
                    <Text size="xs" c="dimmed">
                      {column}
                    </Text>
                    <NativeSelect
                      size="xs"
                      aria-label={`Field for column ${column}`}
                      value={mapping[column] ?? ''}
                      onChange={(event) =>
                        onChange({ ...mapping, [column]: event.currentTarget.value || null })
                      }
                      data={options}
                    />
                  </Stack>
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {preview.sample.map((row, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the sample rows are the file's first lines, in order
              <Table.Tr key={index} data-testid="sample-row">
                {preview.columns.map((column) => (
                  <Table.Td key={column} c={mapping[column] ? undefined : 'dimmed'}>
                    {cellText(row[column])}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

function ImportHistory({
  imports,
  current,
  onShow,
}: {
  imports: ImportSummary[];
  current: string | undefined;
  onShow(id: string): void;
}) {
  if (imports.length < 2) return null;
  return (
    <NativeSelect
      label="Import"
      value={current ?? ''}
      onChange={(event) => onShow(event.currentTarget.value)}
      data={imports.map((item) => ({
        value: item.id,
        label: `${new Date(item.createdAt).toLocaleString()} · ${item.fileName ?? 'API upload'} · ${item.entity} · ${count(item.rows)} rows`,
      }))}
      maw={520}
    />
  );
}

/** One import's counts and its rows' results, filterable by status, with the CSV download. */
function ImportResults({ flowId, importId }: { flowId: string; importId: string }) {
  const result = useImportResult(flowId, importId);
  const [status, setStatus] = useState<'all' | ImportRowStatus>('all');
  if (result.isPending) return <Loading />;
  if (!result.data) return <ErrorAlert error={result.error} title="Could not load the import" />;
  const { import: summary, rows } = result.data;
  const counted = (name: ImportRowStatus) => summary.counts[name] ?? 0;
  const listed = status === 'all' ? rows : rows.filter((row) => row.status === status);
  return (
    <Stack gap="xs" data-testid="import-results" data-pending={counted('pending')}>
      <Group justify="space-between" wrap="wrap">
        <Group gap="xs" data-testid="import-counts">
          {counted('pending') > 0 && (
            <Badge color="gray" variant="light">
              {count(counted('pending'))} waiting
            </Badge>
          )}
          {SHOWN_STATUSES.map((name) => (
            <Badge key={name} color={STATUS_COLOR[name]} variant="light" data-count={name}>
              {count(counted(name))} {name}
            </Badge>
          ))}
        </Group>
        <Button
          component="a"
          variant="default"
          size="xs"
          href={`/api/v1/flows/${flowId}/imports/${importId}/results.csv`}
          download={`import-${importId}.csv`}
        >
          Download results (CSV)
        </Button>
      </Group>
      <SegmentedControl
        size="xs"
        value={status}
        onChange={(value) => setStatus(value as typeof status)}
        data={[
          { value: 'all', label: 'All' },
          ...SHOWN_STATUSES.map((name) => ({ value: name, label: name })),
        ]}
        w="fit-content"
      />
      {rows.length < summary.rows && (
        <Alert color="gray" variant="light">
          The first {count(IMPORT_ROWS_SHOWN)} of {count(summary.rows)} rows; the CSV holds them all.
        </Alert>
      )}
      <Table.ScrollContainer minWidth={720}>
        <Table striped verticalSpacing={4} data-testid="import-rows">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Row</Table.Th>
              <Table.Th>Key</Table.Th>
              <Table.Th>Result</Table.Th>
              <Table.Th>Exact ID</Table.Th>
              <Table.Th>Message</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {listed.map((row) => (
              <Table.Tr key={row.rowNumber} data-row={row.rowNumber} data-status={row.status}>
                <Table.Td>{row.rowNumber}</Table.Td>
                <Table.Td>{row.rowKey ?? '—'}</Table.Td>
                <Table.Td>
                  <Badge color={STATUS_COLOR[row.status]} variant="light">
                    {row.status}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="xs" ff="monospace">
                    {row.exactId ?? ''}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c={row.status === 'failed' ? 'red.8' : undefined}>
                    {row.message ?? ''}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
