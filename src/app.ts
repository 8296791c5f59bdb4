import type { FastifyInstance } from "fastify";
import { adminRoutes } from "./admin/routes.js";
import { apiPlugin } from "./api/plugin.js";
import { API_ENDPOINTS, apiPageRoutes } from "./api/routes.js";
import { API_PREFIX } from "./api/views/paths.js";
import { attachBrowseIndex } from "./browse/plugin.js";
import { browseRoutes } from "./browse/routes.js";
import { commentsRoutes } from "./comments/routes.js";
import { downloadsRoutes } from "./downloads/routes.js";
import { feedLinkFor } from "./feeds/links.js";
import { feedsRoutes } from "./feeds/routes.js";
import type { Config } from "./platform/config.js";
import type { Db } from "./platform/db/index.js";
import type { RouteDef } from "./platform/http/routes.js";
import { buildHttpServer } from "./platform/http/server.js";
import type { JobStep } from "./platform/jobs.js";
import { TAG_JOB_STEPS } from "./tags/refilter.js";
import { tagsRoutes } from "./tags/routes.js";
import { attachHitCounter } from "./responses/hits.js";
import { responsesRoutes } from "./responses/routes.js";
import { searchRoutes } from "./search/routes.js";
import { mailerFor } from "./platform/mail.js";
import { subscriptionJobSteps } from "./subscriptions/mail-job.js";
import { subscriptionsRoutes } from "./subscriptions/routes.js";
import { seriesRoutes } from "./series/routes.js";
import { blockingRoutes } from "./blocking/routes.js";
import { usersRoutes } from "./users/routes.js";
import { loadViewer } from "./users/sessions.js";
import { worksRoutes } from "./works/routes.js";
import { pagesRoutes } from "./pages/routes.js";

/** Every capability's routes, in one table. */
export const ROUTES: RouteDef[] = [...browseRoutes, ...searchRoutes, ...tagsRoutes, ...worksRoutes, ...pagesRoutes, ...usersRoutes, ...adminRoutes, ...downloadsRoutes, ...feedsRoutes, ...responsesRoutes, ...commentsRoutes, ...apiPageRoutes, ...subscriptionsRoutes, ...seriesRoutes, ...blockingRoutes];

/**
 * The archive as one Fastify app over an open, migrated database, with its browse index built
 * (`progress` prints how far the build got, for `fanfold serve`).
 */
export async function buildApp(config: Config, db: Db, options: { progress?: boolean } = {}): Promise<FastifyInstance> {
  const app = await buildHttpServer({ config, db, routes: ROUTES, loadViewer, feedLinkFor });
  await app.register(apiPlugin, { prefix: API_PREFIX, endpoints: API_ENDPOINTS });
  await attachBrowseIndex(app, db, options);
  attachHitCounter(app, db, config.secret);
  return app;
}

/** Every kind of background job and the step that runs it (mail goes where the configuration says). */
export function jobSteps(config: Config): Record<string, JobStep> {
  return { ...TAG_JOB_STEPS, ...subscriptionJobSteps(mailerFor(config), config.publicUrl) };
}
