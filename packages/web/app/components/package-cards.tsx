import { Badge, Card, Checkbox, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import type { FlowPackage } from '../api/types.ts';
import { listedEntities } from './entity-picker.tsx';

/** The packages as cards saying what each does; a tick chooses one. */
export function PackageCards({
  packages,
  chosen,
  onChange,
}: {
  packages: FlowPackage[];
  chosen: string[];
  onChange(chosen: string[]): void;
}) {
  if (packages.length === 0) return <Text c="dimmed">The hub offers no packages.</Text>;
  const toggle = (id: string, on: boolean) =>
    onChange(on ? [...chosen, id] : chosen.filter((other) => other !== id));
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} data-testid="packages">
      {packages.map((pkg) => {
        const on = chosen.includes(pkg.id);
        return (
          <Card
            key={pkg.id}
            withBorder
            padding="md"
            data-package={pkg.id}
            style={on ? { borderColor: 'var(--mantine-color-blue-filled)' } : undefined}
          >
            <Stack gap="xs">
              <Checkbox
                label={<Text fw={600}>{pkg.title}</Text>}
                checked={on}
                onChange={(event) => toggle(pkg.id, event.currentTarget.checked)}
              />
              <Text size="sm">{pkg.description}</Text>
              <Group gap={4}>
                {listedEntities(pkg.entities).map((entity) => (
                  <Badge
                    key={entity.name}
                    size="sm"
                    tt="none"
                    variant={entity.byDefault ? 'light' : 'outline'}
                  >
                    {entity.title}
                  </Badge>
                ))}
                {pkg.entities.length > listedEntities(pkg.entities).length && (
                  <Badge size="sm" tt="none" variant="outline">
                    {`+ ${pkg.entities.length - listedEntities(pkg.entities).length} more from Exact's catalogue`}
                  </Badge>
                )}
              </Group>
            </Stack>
          </Card>
        );
      })}
    </SimpleGrid>
  );
}
