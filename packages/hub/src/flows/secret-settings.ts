import type { SecretBox } from '../secrets/secret-box.ts';
import type { FlowPackage } from './flow-package.ts';

/** How a sealed setting is stored in `flows.settings`: never the plain value. */
interface SealedValue {
  $sealed: string;
}

function isSealed(value: unknown): value is SealedValue {
  return typeof value === 'object' && value !== null && typeof (value as SealedValue).$sealed === 'string';
}

/**
 * A package's secret settings (its `secretSettings`, e.g. a change feed's signing secret):
 * sealed with the hub's key before a flow is stored, opened only for the run, never returned
 * by the API. A change that leaves a secret out keeps the stored one.
 */
export class SecretSettings {
  readonly #box: SecretBox;

  constructor(box: SecretBox) {
    this.#box = box;
  }

  #context(pkg: FlowPackage, key: string): string {
    return `flow-setting:${pkg.id}:${key}`;
  }

  /** The settings as the package reads them: secrets opened. */
  open(pkg: FlowPackage, stored: Record<string, unknown>): Record<string, unknown> {
    const opened = { ...stored };
    for (const key of pkg.secretSettings ?? []) {
      const value = stored[key];
      if (isSealed(value)) opened[key] = this.#box.open(value.$sealed, this.#context(pkg, key));
    }
    return opened;
  }

  /** `input`, with the stored secrets it leaves out, opened (to validate before sealing again). */
  merge(
    pkg: FlowPackage,
    input: Record<string, unknown>,
    stored: Record<string, unknown>,
  ): Record<string, unknown> {
    const merged = { ...input };
    const opened = this.open(pkg, stored);
    for (const key of pkg.secretSettings ?? []) {
      if (merged[key] === undefined && opened[key] !== undefined) merged[key] = opened[key];
    }
    return merged;
  }

  seal(pkg: FlowPackage, settings: Record<string, unknown>): Record<string, unknown> {
    const sealed = { ...settings };
    for (const key of pkg.secretSettings ?? []) {
      const value = settings[key];
      if (typeof value === 'string')
        sealed[key] = { $sealed: this.#box.seal(value, this.#context(pkg, key)) };
    }
    return sealed;
  }
}

/** The settings the API shows: secrets left out (whether one is set shows in `secretsSet`). */
export function visibleSettings(
  pkg: FlowPackage | undefined,
  stored: Record<string, unknown>,
): { settings: Record<string, unknown>; secretsSet: string[] } {
  const settings = { ...stored };
  const secretsSet: string[] = [];
  for (const key of pkg?.secretSettings ?? []) {
    if (settings[key] !== undefined) secretsSet.push(key);
    delete settings[key];
  }
  return { settings, secretsSet };
}
