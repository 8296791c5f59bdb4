import type { FastifyInstance, FastifyRequest } from "fastify";
import { adminRoutes } from "./admin/index.js";
import { apiPlugin, API_ENDPOINTS, apiPageRoutes, API_PREFIX } from "./api/index.js";
import { attachBrowseIndex } from "./listing/index.js";
import { browseRoutes } from "./browse/index.js";
import { commentsRoutes } from "./comments/index.js";
import { downloadsRoutes } from "./downloads/index.js";
import { feedLinkFor, feedsRoutes } from "./feeds/index.js";
import type { Config } from "./platform/config.js";
import type { Db } from "./platform/db/index.js";
import type { RouteDef } from "./platform/http/routes.js";
import { buildHttpServer, type HttpDeps } from "./platform/http/server.js";
import type { JobStep } from "./platform/jobs.js";
import { TAG_JOB_STEPS, tagsRoutes } from "./tags/index.js";
import { attachHitCounter, responsesRoutes } from "./responses/index.js";
import { searchRoutes } from "./search/index.js";
import { mailerFor } from "./platform/mail.js";
import { newsRoutes, siteBannerFor } from "./news/index.js";
import { subscriptionJobSteps, subscriptionsRoutes } from "./subscriptions/index.js";
import { seriesRoutes } from "./series/index.js";
import { blockingRoutes } from "./blocking/index.js";
import { accountJobSteps, adminSecondFactorGate, claimJobSteps, usersRoutes, loadViewer } from "./users/index.js";
import { moderationJobSteps, moderationRoutes, sanctionRoutes } from "./moderation/index.js";
import { worksJobSteps, worksRoutes } from "./works/index.js";
import { giftsRoutes } from "./gifts/index.js";
import { relatedJobSteps, relatedRoutes } from "./related/index.js";
import { invitationJobSteps, invitationsRoutes, termsGate } from "./invitations/index.js";
import { leavingJobSteps, leavingRoutes } from "./leaving/index.js";
import { pagesRoutes } from "./pages/index.js";
import { reportJobSteps, reportsRoutes } from "./reports/index.js";
import { legacyUrlRoutes } from "./transfer/index.js";
import { useLocale } from "./platform/i18n/index.js";

/** Every capability's routes, in one table. */
export const ROUTES: RouteDef[] = [
  ...browseRoutes,
  ...searchRoutes,
  ...tagsRoutes,
  ...worksRoutes,
  ...pagesRoutes,
  ...usersRoutes,
  ...adminRoutes,
  ...downloadsRoutes,
  ...feedsRoutes,
  ...responsesRoutes,
  ...commentsRoutes,
  ...apiPageRoutes,
  ...subscriptionsRoutes,
  ...seriesRoutes,
  ...blockingRoutes,
  ...reportsRoutes,
  ...newsRoutes,
  ...moderationRoutes,
  ...giftsRoutes,
  ...relatedRoutes,
  ...invitationsRoutes,
  ...sanctionRoutes,
  ...leavingRoutes,
];

/**
 * Every route of this archive: the table, and the redirects from an imported archive's old
 * addresses, which sit where LEGACY_PATH_PREFIX says (src/transfer/legacy-urls.ts).
 */
export function routesFor(config: Pick<Config, "legacyPathPrefix">): RouteDef[] {
  return [...ROUTES, ...legacyUrlRoutes(config.legacyPathPrefix)];
}

/**
 * The archive as one Fastify app over an open, migrated database, with its browse index built
 * (`progress` prints how far the build got, for `fanfold serve`; `onRoute` hears of every route).
 */
export async function buildApp(config: Config, db: Db, options: { progress?: boolean; onRoute?: HttpDeps["onRoute"] } = {}): Promise<FastifyInstance> {
  useLocale(config.locale);
  const adminGate = (req: FastifyRequest) => adminSecondFactorGate(req.db, req.viewer.user!);
  const app = await buildHttpServer({ config, db, routes: routesFor(config), loadViewer, feedLinkFor, adminGate, pageGate: termsGate, siteBanner: siteBannerFor, onRoute: options.onRoute });
  await app.register(apiPlugin, { prefix: API_PREFIX, endpoints: API_ENDPOINTS });
  await attachBrowseIndex(app, db, options);
  attachHitCounter(app, db, config.secret);
  return app;
}

/** Every kind of background job and the step that runs it (mail goes where the configuration says). */
export function jobSteps(config: Config): Record<string, JobStep> {
  useLocale(config.locale);
  const mailer = mailerFor(config);
  return { ...TAG_JOB_STEPS, ...subscriptionJobSteps(mailer, config.publicUrl), ...accountJobSteps(mailer, config.publicUrl), ...claimJobSteps(mailer, config.publicUrl), ...reportJobSteps(mailer), ...moderationJobSteps(mailer, config.publicUrl), ...worksJobSteps(mailer, config.publicUrl), ...relatedJobSteps(mailer, config.publicUrl), ...invitationJobSteps(mailer, config.publicUrl), ...leavingJobSteps(mailer, { dataDir: config.dataDir, publicUrl: config.publicUrl }) };
}
