import type { FlowPackage } from './flow-package.ts';
import { replicatePackage } from './packages/replicate/replicate-package.ts';

/** Every package the hub ships; a new package is one folder under packages/ and one line here. */
export const PACKAGES: readonly FlowPackage[] = [replicatePackage as unknown as FlowPackage];

export function packageById(id: string): FlowPackage | undefined {
  return PACKAGES.find((pkg) => pkg.id === id);
}
