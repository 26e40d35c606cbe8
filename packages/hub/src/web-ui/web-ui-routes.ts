import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { Logger } from 'pino';
import { HubError } from '../errors/hub-error.ts';
import { access, declareAccess } from '../http/access.ts';
import type { RoutePlugin } from '../http/route-plugin.ts';

/** Where `npm run build -w packages/web` puts the dashboard. */
export const WEB_DIST_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

// Paths the dashboard never owns: an unknown API or OAuth URL stays a JSON 404, not the SPA.
const SERVER_PREFIXES = ['/api/', '/oauth/'];

/**
 * Serves the built dashboard at `/`: files from `dist`, and index.html for every other GET so
 * the browser router handles deep links. Without a build the hub runs API-only and says so once.
 */
export function webUiRoutes(logger: Logger, distDir: string = WEB_DIST_DIR): RoutePlugin {
  const root = path.resolve(distDir) + path.sep;
  return async (app) => {
    declareAccess(app, access.public);
    const built = existsSync(path.join(root, 'index.html'));
    if (built) {
      await app.register(fastifyStatic, { root, serve: false });
    } else {
      logger.warn(
        { distDir: root },
        'dashboard not built: the hub serves the API only; run `npm run build -w packages/web` for the web UI',
      );
    }

    app.get('/*', async (request, reply) => {
      // Fastify's router already refused malformed percent-encoding with a 400.
      const urlPath = decodeURIComponent(request.url.split('?')[0] ?? '/');
      if (urlPath === '/api' || SERVER_PREFIXES.some((prefix) => urlPath.startsWith(prefix))) {
        throw new HubError('route_not_found', `No route GET ${urlPath}.`);
      }
      if (!built) {
        throw new HubError(
          'web_ui_not_built',
          'The dashboard is not built on this hub; run `npm run build -w packages/web` and restart. The API is at /api/v1 (see /api/openapi.json).',
        );
      }
      const file = path.resolve(root, `.${urlPath}`);
      const inside = file.startsWith(root);
      if (inside && urlPath !== '/' && isFile(file)) {
        // Vite puts a content hash in every asset name, so those never change.
        const immutable = urlPath.startsWith('/assets/');
        reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
        return reply.sendFile(path.relative(root, file), { cacheControl: false });
      }
      if (path.extname(urlPath) !== '') throw new HubError('file_not_found', `No file ${urlPath}.`);
      reply.header('cache-control', 'no-cache');
      return reply.sendFile('index.html', { cacheControl: false });
    });
  };
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
