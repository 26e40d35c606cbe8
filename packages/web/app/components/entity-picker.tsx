import {
  Checkbox,
  type ComboboxItem,
  type ComboboxItemGroup,
  type ComboboxParsedItem,
  isOptionsGroup,
  MultiSelect,
  type OptionsFilter,
  Stack,
} from '@mantine/core';
import type { FlowPackage } from '../api/types.ts';

type PackageEntity = FlowPackage['entities'][number];

/** Up to this many entities a package lists them all as checkboxes; past it the rest go in a search. */
const CHECKBOX_LIMIT = 12;

const NO_SCOPE = 'Other';

/** The entities shown one by one (as checkboxes, or badges on a package card): all, or a long list's defaults. */
export function listedEntities(entities: readonly PackageEntity[]): readonly PackageEntity[] {
  return entities.length > CHECKBOX_LIMIT ? entities.filter((entity) => entity.byDefault) : entities;
}

/** Entities grouped by the Exact scope (app permission) each needs, groups in name order. */
function byScope(entities: readonly PackageEntity[]): ComboboxItemGroup<ComboboxItem>[] {
  const groups = new Map<string, ComboboxItem[]>();
  for (const entity of entities) {
    const scope = entity.scope ?? NO_SCOPE;
    const items = groups.get(scope) ?? [];
    items.push({
      value: entity.name,
      label: entity.endpoint ? `${entity.title} (${entity.endpoint})` : entity.title,
    });
    groups.set(scope, items);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([group, items]) => ({ group, items }));
}

/** Matches an entity's title or endpoint, or every entity of a scope whose name matches. */
const scopeOrLabel: OptionsFilter = ({ options, search }) => {
  const wanted = search.trim().toLowerCase();
  if (wanted === '') return options;
  return options.flatMap((option): ComboboxParsedItem[] => {
    if (!isOptionsGroup(option)) return option.label.toLowerCase().includes(wanted) ? [option] : [];
    if (String(option.group).toLowerCase().includes(wanted)) return [option];
    const items = option.items.filter((item) => item.label.toLowerCase().includes(wanted));
    return items.length > 0 ? [{ ...option, items }] : [];
  });
};

/**
 * The entities a flow moves. A package's default entities are checkboxes (with the Exact
 * permission each needs); a long catalogue beyond them (Replicate offers every sync/ and
 * bulk/ endpoint) is one searchable multi-select grouped by scope, so it stays usable with
 * a hundred choices.
 */
export function EntityPicker({
  entities,
  value,
  onChange,
}: {
  entities: readonly PackageEntity[];
  value: string[];
  onChange(value: string[]): void;
}) {
  const boxes = listedEntities(entities);
  const boxed = new Set(boxes.map((entity) => entity.name));
  const rest = entities.filter((entity) => !boxed.has(entity.name));
  const ticked = value.filter((name) => boxed.has(name));
  const searched = value.filter((name) => !boxed.has(name));
  return (
    <Stack gap="sm">
      <Checkbox.Group value={ticked} onChange={(chosen) => onChange([...chosen, ...searched])}>
        <Stack gap={6}>
          {boxes.map((entity) => (
            <Checkbox
              key={entity.name}
              value={entity.name}
              label={entity.title}
              description={entity.scope ? `Exact permission: ${entity.scope}` : undefined}
            />
          ))}
        </Stack>
      </Checkbox.Group>
      {rest.length > 0 && (
        <MultiSelect
          label={`More from Exact's catalogue (${rest.length})`}
          description="Grouped by the Exact permission (scope) each needs; type a name, an endpoint or a scope."
          placeholder={searched.length === 0 ? 'Search entities' : undefined}
          name="catalogue-entities"
          data={byScope(rest)}
          value={searched}
          onChange={(chosen) => onChange([...ticked, ...chosen])}
          filter={scopeOrLabel}
          searchable
          clearable
          hidePickedOptions
          maxDropdownHeight={320}
          nothingFoundMessage="No entity matches"
        />
      )}
    </Stack>
  );
}
