import type { FastifyReply, FastifyRequest } from "fastify";
import { queryParam } from "../platform/http/routes.js";
import { subscriberCounts } from "../subscriptions/index.js";
import { findUserByLogin } from "../model/users.js";
import { canSeeStats } from "./policy.js";
import { figuresPerDay, lastDays, STATS_SORTS, type StatsSort, statsOfWorks } from "./stats.js";
import { StatsPage } from "./views/stats.js";
import { t } from "../platform/i18n/index.js";

/** Days the chart covers, ending today (UTC). */
export const STATS_DAYS = 30;

/** `/users/LOGIN/stats?sort=…&work=ID`: the user's own (or, for admins, anyone's) figures, subscribers included. */
export async function showStats(req: FastifyRequest, reply: FastifyReply) {
  const user = await findUserByLogin(req.db, (req.params as { login: string }).login);
  if (!user) return reply.error("NOT_FOUND");
  if (!canSeeStats(req.viewer, user.id)) return reply.error("FORBIDDEN");
  // Unknown values fall back to the defaults rather than failing: these are links and a form.
  const sortParam = queryParam(req, "sort");
  const sort: StatsSort = (STATS_SORTS as readonly string[]).includes(sortParam) ? (sortParam as StatsSort) : "hits";
  const works = await statsOfWorks(req.db, user.id, sort);
  const wanted = Number(queryParam(req, "work"));
  const chartWorkId = works.some((w) => w.id === wanted) ? wanted : null;
  const figures = await figuresPerDay(req.db, user.id, chartWorkId, lastDays(new Date(), STATS_DAYS));
  const subscriptions = await subscriberCounts(req.db, works.map((w) => w.id));
  return reply.page(t("responses.login_stats", { login: user.login }), <StatsPage login={user.login} works={works} sort={sort} subscriptions={subscriptions} figures={figures} chartWorkId={chartWorkId} />, {
    mainClass: "stats-index",
  });
}
