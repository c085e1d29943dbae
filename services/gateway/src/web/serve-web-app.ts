import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

/** The pages of SPEC §10; the app routes among them in the browser. */
const PAGE_PATHS = /^\/(?:|(?:book|manage)\/[^/]+\/?|app\/?|admin\/?)$/;

/**
 * The pages run only the bundle's own scripts and styles, from this origin, and talk only to
 * it. No `upgrade-insecure-requests`: over plain http (development, tests) it would send the
 * bundle's requests to an https port nobody listens on.
 */
const pagePolicy = helmet({
  contentSecurityPolicy: {
    useDefaults: true,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      upgradeInsecureRequests: null,
    },
  },
});

/**
 * Serves the built web app (apps/web/dist) on the API's origin: hashed bundles under /assets
 * (cached for good), and index.html for each page route, so a deep link such as
 * /book/<id> opens the app. Anything else falls through to the API and its problem answers.
 */
export function serveWebApp(app: NestExpressApplication, root: string): void {
  const indexFile = join(root, 'index.html');
  if (!existsSync(indexFile)) {
    new Logger('web').warn(`no web app at ${root} (build apps/web): the pages are not served`);
    return;
  }
  const index = readFileSync(indexFile);
  app.use('/assets', pagePolicy);
  app.useStaticAssets(join(root, 'assets'), {
    prefix: '/assets/',
    immutable: true,
    maxAge: '365d',
    index: false,
    fallthrough: true,
  });
  app.use((request: Request, response: Response, next: NextFunction) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || !PAGE_PATHS.test(request.path))
      return next();
    pagePolicy(request, response, (error?: unknown) => {
      if (error) return next(error);
      response.status(200).type('html').set('Cache-Control', 'no-cache').send(index);
    });
  });
}
