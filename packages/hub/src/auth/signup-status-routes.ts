import { z } from 'zod';
import { access } from '../http/access.ts';
import type { RoutePlugin } from '../http/route-plugin.ts';
import type { ZodTypeProvider } from '../http/zod-schemas.ts';

const SignupStatus = z.object({
  open: z
    .boolean()
    .meta({ description: 'True while the hub has no users: the first account may be created' }),
});

/**
 * Whether sign-up is open, so the sign-in page offers "Create the first account" only while it
 * is. Public, like sign-up itself; it says no more than a refused sign-up would.
 */
export function signupStatusRoutes(signupOpen: () => Promise<boolean>): RoutePlugin {
  return async (app) => {
    app.withTypeProvider<ZodTypeProvider>().get(
      '/auth/signup',
      {
        config: { access: access.public },
        schema: {
          tags: ['auth'],
          summary: 'Whether the first account can still be created',
          response: { 200: SignupStatus },
        },
      },
      async () => ({ open: await signupOpen() }),
    );
  };
}
