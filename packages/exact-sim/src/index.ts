// Public API of @koppel/exact-sim.
import { resolveSettings, type SimulatorOptions } from './config.ts';
import { createDataPlane } from './rest/data-plane.ts';
import { type RunningSimulator, runSimulator } from './simulator.ts';

export type {
  AppSettings,
  ClockSettings,
  ErrorBlockSettings,
  OAuthSettings,
  RateLimitSettings,
  SimulatorOptions,
  SimulatorSettings,
  UserSettings,
  WebhookSettings,
} from './config.ts';
export { DEFAULT_REDIRECT_URI, defaultSettings, resolveSettings, SettingsError } from './config.ts';
export type { ChangeEvent, DivisionInfo, DivisionSpec, DivisionVolumes } from './contract.ts';
export {
  type AuthorizedClient,
  type ExactSim,
  type ExactSimOptions,
  type ExactSimTokens,
  startExactSim,
} from './fixture.ts';
export type { RunningSimulator, SimulatorDefaults } from './simulator.ts';
export { StateFileError } from './state/state-file.ts';
export { hashCode, signedNotification } from './webhooks/signing.ts';

/**
 * Starts a simulator. Without options it listens on 127.0.0.1:5080; pass `{ port: 0 }` for
 * a random free port (tests). Throws SettingsError for invalid options.
 */
export function startSimulator(
  options: SimulatorOptions = {},
  extra: { log?: (line: string) => void } = {},
): Promise<RunningSimulator> {
  const settings = resolveSettings(options);
  return runSimulator(settings, {
    createDataPlane: (dataPlaneOptions) =>
      createDataPlane({ ...dataPlaneOptions, behaviour: settings.behaviour }),
    ...extra,
  });
}
