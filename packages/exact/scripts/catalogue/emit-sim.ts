// Writes the simulator's copy of the catalogue: plain data (exact-sim must not depend on the
// SDK at run time), read once at start-up; rows are generated lazily from it.

import type { CatalogueModel } from './catalogue-model.ts';

export function simData(model: CatalogueModel): string {
  const endpoints = model.endpoints.map((e) => ({
    path: e.path,
    name: e.name,
    typeName: e.typeName,
    kind: e.kind,
    scope: e.scope,
    methods: e.methods,
    key: e.key,
    divisionScoped: e.divisionScoped,
    ...(e.beta ? { beta: true } : {}),
    ...(e.listed ? {} : { listed: false }),
    ...(e.twinOf ? { twinOf: e.twinOf } : {}),
    ...(e.lineLevel ? { lineLevel: e.lineLevel } : {}),
    ...(e.webhookTopic ? { webhookTopic: e.webhookTopic } : {}),
    ...(e.deletedEntityTypes ? { deletedEntityTypes: e.deletedEntityTypes } : {}),
    fields: e.fields.map((f) => ({
      name: f.name,
      type: f.type === 'Nav' ? 'nav' : `Edm.${f.type}`,
      methods: f.methods,
      ...(f.key ? { key: true } : {}),
      ...(f.pad ? { pad: f.pad } : {}),
      ...(f.nav ? { nav: f.nav } : {}),
    })),
  }));
  return `${JSON.stringify(
    {
      generatedBy:
        'npm run generate:catalogue (packages/exact/scripts/catalogue) from ../shared/exact-metadata/endpoints.json and the layer in catalogue-layer.ts; do not edit',
      source: model.source,
      endpoints,
    },
    null,
    0,
  )}\n`;
}

/** The paths of the endpoints that own their rows (not twins, not line-level), as a type. */
export function simTablePaths(model: CatalogueModel, header: string): string {
  const paths = model.endpoints
    .filter((e) => !e.twinOf && !e.lineLevel)
    .map((e) => `  | ${JSON.stringify(e.path)}`);
  return `${header}

/** Path of every endpoint whose records are its own (a twin reads its standard endpoint's). */
export type GeneratedTablePath =
${paths.join('\n')};
`;
}
