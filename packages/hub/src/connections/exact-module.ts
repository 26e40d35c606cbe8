import { connectionRoutes } from '../api/connection-routes.ts';
import { exactAppRoutes } from '../api/exact-app-routes.ts';
import { exactOAuthRoutes } from '../api/exact-oauth-routes.ts';
import type { RoutePlugin } from '../api/route-plugin.ts';
import type { DoctorCheck } from '../doctor/doctor.ts';
import type { JobDefinition } from '../jobs/job-queue.ts';
import { tokenKeepAliveJob } from '../jobs/token-keep-alive-job.ts';
import { exactDoctorChecks } from './doctor-checks.ts';

/** The Exact half of the hub, as createHub options and doctor checks. */
export const EXACT_API_ROUTES: RoutePlugin[] = [exactAppRoutes, connectionRoutes];
export const EXACT_ROOT_ROUTES: RoutePlugin[] = [exactOAuthRoutes];
export const EXACT_JOBS: JobDefinition[] = [tokenKeepAliveJob];
export const EXACT_DOCTOR_CHECKS: DoctorCheck[] = exactDoctorChecks;
