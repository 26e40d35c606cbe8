// Composition root: builds the clock, directory, token store, limiters, webhooks and the
// control API around a data plane, and serves them all from one node:http server.

import { createAppCenterHandler } from './appcenter/app-center.ts';
import { APP_CENTER_PATH } from './appcenter/app-center-pages.ts';
import { SimClock } from './clock.ts';
import type { SimulatorSettings } from './config.ts';
import type { DataPlane, DataPlaneOptions, DivisionInfo, DivisionSpec } from './contract.ts';
import { createControlHandler } from './control/control-api.ts';
import { Directory } from './directory.ts';
import { Faults } from './faults.ts';
import { createApiHandler } from './gate/api-gate.ts';
import { createAuthorizeHandler } from './oauth/authorize-endpoint.ts';
import { SessionStore } from './oauth/sessions.ts';
import { createTokenHandler } from './oauth/token-endpoint.ts';
import { TokenQuota } from './oauth/token-quota.ts';
import { TokenStore } from './oauth/token-store.ts';
import { SeededRandom } from './random.ts';
import { ErrorBlock } from './rate-limit/error-block.ts';
import { RateLimiter } from './rate-limit/rate-limiter.ts';
import { exactError } from './server/exact-error.ts';
import { startHttpServer } from './server/http-server.ts';
import { htmlReply, type Outcome, type SimRequest } from './server/http-types.ts';
import { type SimState, STATE_FORMAT, STATE_VERSION } from './state/sim-state.ts';
import { readStateFile, StateFileError, StateWriter } from './state/state-file.ts';
import { SimStats } from './stats.ts';
import { WebhookDispatcher } from './webhooks/dispatcher.ts';

export type DataPlaneFactory = (
  options: DataPlaneOptions & {
    /** Base URL for `ChangeEvent.endpoint` of changes made outside a request. */
    publicBaseUrl?: () => string | undefined;
  },
) => DataPlane;

export interface SimulatorDefaults {
  app: { clientId: string; clientSecret: string; webhookSecret: string; redirectUri: string };
  user: { username: string; password: string };
  divisions: number[];
}

export interface RunningSimulator {
  /** Base URL, e.g. `http://127.0.0.1:5080`. */
  url: string;
  port: number;
  defaults: SimulatorDefaults;
  settings: SimulatorSettings;
  clock: SimClock;
  close(): Promise<void>;
}

export interface SimulatorDeps {
  createDataPlane: DataPlaneFactory;
  /** Where unexpected errors are reported (never secrets); default: stderr. */
  log?: (line: string) => void;
}

function startMs(settings: SimulatorSettings): number {
  const start = settings.clock.start;
  if (start === undefined) return Date.now();
  return typeof start === 'number' ? start : Date.parse(start);
}

export async function runSimulator(
  settings: SimulatorSettings,
  deps: SimulatorDeps,
): Promise<RunningSimulator> {
  const log = deps.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const saved =
    settings.stateFile === undefined ? undefined : readStateFile(settings.stateFile, settings.seed);
  // A restored clock resumes where it stopped, or later: simulated time never runs backwards.
  const clock = new SimClock({
    startMs: Math.max(startMs(settings), saved?.clock ?? Number.NEGATIVE_INFINITY),
    frozen: settings.clock.frozen,
  });
  const directory = new Directory(settings.seed);
  const tokens = new TokenStore(settings.oauth);
  const sessions = new SessionStore(settings.oauth.sessionLifetimeMs);
  const quota = new TokenQuota(settings.oauth.tokenCallsPerDay);
  const rateLimiter = new RateLimiter();
  const errorBlock = new ErrorBlock(settings.rateLimits.errorBlock);
  const stats = new SimStats();
  const faults = new Faults(new SeededRandom(settings.seed));

  let dataPlane: DataPlane | undefined;
  const currentDataPlane = (): DataPlane => dataPlane!;
  const webhooks = new WebhookDispatcher({
    settings: settings.webhooks,
    clock,
    stats,
    subscriptions: (division) => currentDataPlane().webhookSubscriptions(division),
    webhookSecret: (clientId) => directory.app(clientId)?.webhookSecret,
  });
  // Links in change events of /_sim/mutations point where API clients last reached us.
  let listeningUrl: string | undefined;
  let lastApiBaseUrl: string | undefined;
  dataPlane = deps.createDataPlane({
    seed: settings.seed,
    clock,
    validateWebhookCallback: (url) => webhooks.validate(url),
    publicBaseUrl: () => settings.publicUrl ?? lastApiBaseUrl ?? listeningUrl,
  });
  dataPlane.onChange((event) => webhooks.notify(event));

  const createDivision = (spec: DivisionSpec): DivisionInfo => {
    const volumes = spec.volumes ?? settings.defaultVolumes;
    return currentDataPlane().createDivision(volumes === undefined ? spec : { ...spec, volumes });
  };

  const defaultsWith = (divisions: number[]): SimulatorDefaults => {
    const { defaultApp, defaultUser } = settings;
    return {
      app: {
        clientId: defaultApp.clientId,
        clientSecret: defaultApp.clientSecret,
        webhookSecret: defaultApp.webhookSecret,
        redirectUri: defaultApp.redirectUri,
      },
      user: { username: defaultUser.username, password: defaultUser.password },
      divisions,
    };
  };

  const seedDefaults = (): SimulatorDefaults => {
    const divisions = settings.defaultDivisions.map((spec) => createDivision(spec).code);
    directory.addApp({ ...settings.defaultApp });
    directory.addUser({ ...settings.defaultUser, divisions });
    return defaultsWith(divisions);
  };

  const reset = (): void => {
    webhooks.stop();
    currentDataPlane().reset();
    directory.clear();
    tokens.clear();
    sessions.clear();
    quota.clear();
    rateLimiter.clear();
    errorBlock.clear();
    stats.reset();
    faults.clear();
    seedDefaults();
  };

  const restore = (state: SimState, path: string): SimulatorDefaults => {
    try {
      currentDataPlane().importState(state.dataPlane);
      directory.importState(state.directory);
      tokens.importState(state.tokens);
    } catch (error) {
      throw new StateFileError(
        path,
        `does not fit this simulator (${(error as Error).message}); move it away to start afresh.`,
      );
    }
    // The settings win for the default app (e.g. the hub's redirect URI may have moved).
    const { defaultApp } = settings;
    if (directory.app(defaultApp.clientId)) directory.updateApp(defaultApp.clientId, { ...defaultApp });
    else directory.addApp({ ...defaultApp });
    return defaultsWith(state.defaultDivisions);
  };
  const defaults = saved ? restore(saved, settings.stateFile as string) : seedDefaults();
  const stateWriter =
    settings.stateFile === undefined
      ? undefined
      : new StateWriter(
          settings.stateFile,
          (): SimState => ({
            format: STATE_FORMAT,
            version: STATE_VERSION,
            seed: settings.seed,
            savedAt: new Date().toISOString(),
            clock: clock.now(),
            defaultDivisions: defaults.divisions,
            directory: directory.exportState(),
            tokens: tokens.exportState(),
            dataPlane: currentDataPlane().exportState(),
          }),
          settings.stateSaveDelayMs,
          log,
        );
  stateWriter?.flush();

  const authorize = createAuthorizeHandler({
    clock,
    directory,
    sessions,
    tokens,
    stats,
    describeDivision: (code) => currentDataPlane().getDivision(code)?.description ?? `Division ${code}`,
  });
  const token = createTokenHandler({
    clock,
    directory,
    tokens,
    quota,
    faults,
    stats,
    acceptBasicAuth: settings.oauth.acceptBasicAuth,
  });
  const api = createApiHandler({
    clock,
    directory,
    tokens,
    rateLimiter,
    errorBlock,
    faults,
    stats,
    dataPlane: currentDataPlane,
    limitsFor: (clientId) => {
      if (!settings.rateLimits.enabled) return undefined;
      const app = directory.app(clientId);
      return {
        minutely: app?.minutelyLimit ?? settings.rateLimits.minutely,
        daily: app?.dailyLimit ?? settings.rateLimits.daily,
      };
    },
  });
  const appCenter = createAppCenterHandler({ clock, directory, sessions, stats });
  const control = createControlHandler({
    settings,
    clock,
    directory,
    tokens,
    faults,
    stats,
    webhooks,
    dataPlane: currentDataPlane,
    createDivision,
    reset,
  });

  // Only requests other than GET change the world (writes, grants, control calls, the clock).
  const handler = async (request: SimRequest): Promise<Outcome> => {
    const outcome = await route(request);
    if (request.method !== 'GET' && request.method !== 'HEAD') stateWriter?.schedule();
    return outcome;
  };

  const route = async (request: SimRequest): Promise<Outcome> => {
    const { path } = request;
    if (path.startsWith('/api/v1/')) {
      lastApiBaseUrl = request.baseUrl;
      return api(request);
    }
    if (path === '/api/oauth2/token') return token(request);
    if (path === '/api/oauth2/auth') return authorize(request);
    if (path === '/_sim' || path.startsWith('/_sim/')) return control(request);
    if (path === APP_CENTER_PATH || path.startsWith(`${APP_CENTER_PATH}/`)) return appCenter(request);
    if (path === '/' && request.method === 'GET') {
      return htmlReply(
        200,
        '<!doctype html><title>exact-sim</title><h1>exact-sim</h1><p>A local Exact Online simulator. ' +
          'OAuth at <code>/api/oauth2/auth</code> and <code>/api/oauth2/token</code>, the REST API under ' +
          '<code>/api/v1</code>, the test control API at <a href="/_sim/info">/_sim/info</a>. Register apps in the ' +
          `<a href="${APP_CENTER_PATH}">App Center</a>.</p>`,
      );
    }
    return exactError(404, `Nothing at ${path}.`);
  };

  const http = await startHttpServer(
    {
      clock,
      handler,
      maxBodyBytes: settings.maxBodyBytes,
      ...(settings.publicUrl === undefined ? {} : { publicUrl: settings.publicUrl }),
      onError: (error) =>
        log(
          `exact-sim: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        ),
    },
    settings.host,
    settings.port,
  );
  const host =
    settings.host === '0.0.0.0'
      ? '127.0.0.1'
      : settings.host === '::'
        ? '[::1]'
        : settings.host.includes(':')
          ? `[${settings.host}]`
          : settings.host;
  listeningUrl = settings.publicUrl ?? `http://${host}:${http.port}`;
  return {
    url: listeningUrl,
    port: http.port,
    defaults,
    settings,
    clock,
    close: async () => {
      webhooks.stop();
      await http.close();
      stateWriter?.flush();
    },
  };
}
