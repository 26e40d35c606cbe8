import { webUiRoutes } from './api/web-ui-routes.ts';
import {
  EXACT_API_ROUTES,
  EXACT_DOCTOR_CHECKS,
  EXACT_JOBS,
  EXACT_ROOT_ROUTES,
} from './connections/exact-module.ts';
import { type DoctorCheck, defaultDoctorChecks } from './doctor/doctor.ts';
import type { CreateHubOptions } from './hub.ts';

/**
 * What `koppel start|server|worker|doctor` run: the platform plus every feature module. A new
 * concern (flows, destinations ...) adds its routes, jobs and doctor checks here.
 */
export const STANDARD_HUB_OPTIONS: Required<Pick<CreateHubOptions, 'apiRoutes' | 'rootRoutes' | 'jobs'>> = {
  apiRoutes: [...EXACT_API_ROUTES],
  rootRoutes: [...EXACT_ROOT_ROUTES, webUiRoutes()],
  jobs: [...EXACT_JOBS],
};

export const STANDARD_DOCTOR_CHECKS: DoctorCheck[] = [...defaultDoctorChecks, ...EXACT_DOCTOR_CHECKS];
