// Reads the simulator's copy of the catalogue, written by `npm run generate:catalogue` from
// the same metadata and layer as the SDK's modules. Parsing it costs a few milliseconds at
// start-up; rows are generated lazily, per division and endpoint, when first read.

import { readFileSync } from 'node:fs';
import type { Method } from './endpoints.ts';
import type { EdmType } from './types.ts';

export interface GeneratedField {
  name: string;
  type: EdmType | 'nav';
  /** `G`, `P`, `U` letters of the methods the property takes part in. */
  methods: string;
  key?: true;
  pad?: { width: number; align: 'left' | 'right' };
  /** Path of the endpoint a navigation collection holds. */
  nav?: string;
}

export interface GeneratedEndpoint {
  path: string;
  name: string;
  typeName: string;
  kind: 'standard' | 'sync' | 'bulk';
  scope: string;
  methods: Method[];
  key: string;
  divisionScoped: boolean;
  beta?: true;
  /** False for twins Exact's reference does not list. */
  listed?: false;
  /** The standard endpoint whose records a sync or bulk twin serves. */
  twinOf?: string;
  lineLevel?: { header: string; lines: string; foreignKey: string };
  webhookTopic?: string;
  deletedEntityTypes?: number[];
  fields: GeneratedField[];
}

interface GeneratedFile {
  source: string;
  endpoints: GeneratedEndpoint[];
}

const file = JSON.parse(
  readFileSync(new URL('./generated/endpoints.json', import.meta.url), 'utf8'),
) as GeneratedFile;

/** Provenance of the field lists (endpoints.json's `source`). */
export const catalogueSource: string = file.source;

export const generatedEndpoints: readonly GeneratedEndpoint[] = file.endpoints;
