import type { FlowPackage } from './flow-package.ts';
import { analyticsFilesPackage } from './packages/analytics-files/analytics-files-package.ts';
import { changeFeedPackage } from './packages/change-feed/change-feed-package.ts';
import { exactImportPackage } from './packages/exact-import/exact-import-package.ts';
import { relationsPackage } from './packages/relations/relations-package.ts';
import { replicatePackage } from './packages/replicate/replicate-package.ts';

/** Every package the hub ships; a new package is one folder under packages/ and one line here. */
export const PACKAGES: readonly FlowPackage[] = [
  replicatePackage as unknown as FlowPackage,
  changeFeedPackage as unknown as FlowPackage,
  relationsPackage as unknown as FlowPackage,
  exactImportPackage as unknown as FlowPackage,
  analyticsFilesPackage as unknown as FlowPackage,
];

export function packageById(id: string): FlowPackage | undefined {
  return PACKAGES.find((pkg) => pkg.id === id);
}
