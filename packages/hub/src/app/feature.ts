import type { DoctorCheck } from '../doctor/doctor.ts';
import type { RoutePlugin } from '../http/route-plugin.ts';
import type { JobDefinition } from '../jobs/job-definition.ts';
import type { AppServices } from './app-services.ts';

/**
 * What a feature adds to the application, each made from the services built once per process.
 * Jobs are registered whether or not the process serves HTTP; routes only when it does.
 */
export interface Feature {
  name: string;
  /** Route plugins under /api/v1. */
  apiRoutes?(services: AppServices): RoutePlugin[];
  /** Route plugins at the root (OAuth callback, webhook receivers, the web UI). */
  rootRoutes?(services: AppServices): RoutePlugin[];
  jobs?(services: AppServices): JobDefinition[];
  doctorChecks?(services: AppServices): DoctorCheck[];
}
