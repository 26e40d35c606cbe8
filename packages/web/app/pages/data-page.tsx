import { Anchor, Badge, Card, Code, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { Link, useSearchParams } from 'react-router';
import { useFlows, useTableRows, useTables } from '../api/queries.ts';
import type { ReplicaTable } from '../api/types.ts';
import { cellText } from '../components/cell-text.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { Loading } from '../components/loading.tsx';
import { count } from '../components/run-figures.ts';
import { useSession } from '../session.tsx';

const PREVIEW_ROWS = 20;

/** The tables each flow replicated, with their row counts and the newest rows. */
export function DataPage() {
  const { workspace } = useSession();
  const [params, setParams] = useSearchParams();
  const flows = useFlows(workspace.id);
  const flowId = params.get('flow') ?? flows.data?.[0]?.id;
  const tables = useTables(flowId);
  const chosenTable = params.get('table') ?? tables.data?.find((t) => t.exists)?.table;
  if (flows.isPending) return <Loading />;
  return (
    <Stack>
      <div>
        <Title order={2}>Data</Title>
        <Text c="dimmed" size="sm">
          What the flows replicated: one table per entity, kept current by every run.
        </Text>
      </div>
      <ErrorAlert error={flows.error} title="Could not load the flows" />
      {flows.data?.length === 0 ? (
        <Text c="dimmed">
          No flow has replicated anything yet.{' '}
          <Anchor component={Link} to="/flows">
            Create a flow
          </Anchor>{' '}
          to see its tables here.
        </Text>
      ) : (
        <>
          <Select
            label="Flow"
            name="flow"
            maw={420}
            allowDeselect={false}
            data={(flows.data ?? []).map((f) => ({ value: f.id, label: f.name }))}
            value={flowId ?? null}
            onChange={(id) => id && setParams({ flow: id })}
          />
          <ErrorAlert error={tables.error} title="Could not list the tables" />
          {tables.isPending && flowId ? (
            <Loading />
          ) : (
            flowId && (
              <TableList
                tables={tables.data ?? []}
                chosen={chosenTable}
                onChoose={(table) => setParams({ flow: flowId, table })}
              />
            )
          )}
          {flowId && chosenTable && (
            <RowPreview flowId={flowId} table={chosenTable} tables={tables.data ?? []} />
          )}
        </>
      )}
    </Stack>
  );
}

function TableList({
  tables,
  chosen,
  onChoose,
}: {
  tables: ReplicaTable[];
  chosen: string | undefined;
  onChoose(table: string): void;
}) {
  if (tables.length === 0) return <Text c="dimmed">This flow replicates no entity.</Text>;
  return (
    <Card withBorder padding={0}>
      <Table.ScrollContainer minWidth={320}>
        <Table highlightOnHover verticalSpacing="xs" data-testid="replica-tables">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Table</Table.Th>
              <Table.Th ta="right">Rows</Table.Th>
              <Table.Th ta="right">Deleted in Exact</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {tables.map((t) => (
              <Table.Tr
                key={t.table}
                data-table={t.table}
                bg={t.table === chosen ? 'var(--mantine-color-blue-light)' : undefined}
                style={{ cursor: t.exists ? 'pointer' : undefined }}
                onClick={() => t.exists && onChoose(t.table)}
              >
                <Table.Td>
                  <Code>
                    {t.schema}.{t.table}
                  </Code>
                </Table.Td>
                <Table.Td ta="right" data-testid="table-rows">
                  {t.exists ? (
                    count(t.rows)
                  ) : (
                    <Badge variant="light" color="gray">
                      not created yet
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td ta="right">{t.exists ? count(t.deletedRows) : ''}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Card>
  );
}

function RowPreview({ flowId, table, tables }: { flowId: string; table: string; tables: ReplicaTable[] }) {
  const rows = useTableRows(flowId, table, PREVIEW_ROWS);
  const info = tables.find((t) => t.table === table);
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={4}>
            {info?.schema}.{table}
          </Title>
          <Text size="xs" c="dimmed">
            Newest synced first, up to {PREVIEW_ROWS} rows; the raw Exact record is left out
          </Text>
        </Group>
        <ErrorAlert error={rows.error} title="Could not read the rows" />
        {rows.isPending ? (
          <Loading />
        ) : rows.data?.rows.length === 0 ? (
          <Text c="dimmed">The table is empty.</Text>
        ) : (
          rows.data && (
            <Table.ScrollContainer minWidth={rows.data.columns.length * 140} type="native">
              <Table striped withColumnBorders verticalSpacing={4} fz="xs" data-testid="row-preview">
                <Table.Thead>
                  <Table.Tr>
                    {rows.data.columns.map((column) => (
                      <Table.Th key={column} style={{ whiteSpace: 'nowrap' }}>
                        {column}
                      </Table.Th>
                    ))}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.data.rows.map((row, index) => (
                    <Table.Tr key={`${String(row.division)}/${String(row.id ?? index)}`}>
                      {rows.data.columns.map((column) => (
                        <Table.Td
                          key={column}
                          style={{
                            whiteSpace: 'nowrap',
                            maxWidth: 280,
                            overflow: 'hidden',
                            textOverflow: 'ellipsis',
                          }}
                        >
                          {cellText(row[column])}
                        </Table.Td>
                      ))}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )
        )}
      </Stack>
    </Card>
  );
}
