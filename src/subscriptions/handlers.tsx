import type { FastifyReply, FastifyRequest } from "fastify";
import { field } from "../platform/http/forms-parser.js";
import { setFlash, takeFlash } from "../platform/http/flash.js";
import { idParam, queryParam, safeReturnPath } from "../platform/http/routes.js";
import type { Viewer } from "../platform/http/viewer.js";
import { t } from "../platform/i18n/index.js";
import { findSeries, seriesWorksVisibleTo } from "../model/series.js";
import { seriesPath, userPath, workPath } from "../model/paths.js";
import { findUserById } from "../model/users.js";
import { isCreator, workVisibility } from "../model/visibility.js";
import { findWork } from "../model/works.js";
import { subscribe, unsubscribe } from "./commands.js";
import { findSubscription, nameSubscriptions, type SubscriptionKind, subscriptionByToken, subscriptionOf, subscriptionsOfUser } from "./queries.js";
import { SubscribeButton, SubscriptionsPage, UnknownUnsubscribePage, UnsubscribePage } from "./views/pages.js";
import { subscriptionsPath } from "./views/paths.js";

/**
 * The Subscribe / Unsubscribe button for another capability's page (a work, a user), or ""
 * for guests and for one's own work or profile. One query.
 */
export async function subscribeButtonFor(req: FastifyRequest, kind: SubscriptionKind, targetId: number, own: boolean, csrf: string): Promise<JSX.Element> {
  const user = req.viewer.user;
  if (!user || own) return "";
  const existing = await subscriptionOf(req.db, user.id, kind, targetId);
  return <SubscribeButton login={user.login} kind={kind} targetId={targetId} subscriptionId={existing?.id ?? null} returnTo={req.url} csrf={csrf} />;
}

/** AO3's forms say "Work", "User", "Series"; ours say it in lower case. */
function kindOf(value: string): SubscriptionKind | null {
  const kind = value.toLowerCase();
  return kind === "work" || kind === "user" || kind === "series" ? kind : null;
}

type Target = { ok: true; name: string; path: string } | { ok: false; message: string; status: number };

/** What a subscription form points at, if this viewer may follow it. */
async function resolveTarget(req: FastifyRequest, viewer: Viewer & { user: NonNullable<Viewer["user"]> }, kind: SubscriptionKind, id: number): Promise<Target> {
  if (kind === "work") {
    const work = await findWork(req.db, id);
    // A draft, or a work this viewer cannot see, is "not found" rather than "forbidden".
    if (!work || !work.posted || workVisibility(viewer, work) !== "yes") return { ok: false, message: t("error.WORK_NOT_FOUND"), status: 404 };
    if (isCreator(viewer, work)) return { ok: false, message: t("subscriptions.own"), status: 403 };
    return { ok: true, name: work.title, path: workPath(work.id) };
  }
  if (kind === "user") {
    const user = await findUserById(req.db, id);
    if (!user) return { ok: false, message: t("error.NOT_FOUND"), status: 404 };
    if (user.id === viewer.user.id) return { ok: false, message: t("subscriptions.own"), status: 403 };
    return { ok: true, name: user.login, path: userPath(user.login) };
  }
  const series = await findSeries(req.db, id);
  // A series is followed through its works: one with no work this viewer may see is "not found".
  if (!series || (await seriesWorksVisibleTo(req.db, viewer, series.id)).length === 0) return { ok: false, message: t("error.NOT_FOUND"), status: 404 };
  if (series.ownerUserIds.includes(viewer.user.id)) return { ok: false, message: t("subscriptions.own"), status: 403 };
  return { ok: true, name: series.title, path: seriesPath(series.id) };
}

/** The `:login` of the URL is the viewer: everyone else is refused (no one edits another's list). */
function ownList(req: FastifyRequest, reply: FastifyReply): (Viewer & { user: NonNullable<Viewer["user"]> }) | null {
  const login = (req.params as { login: string }).login;
  const viewer = req.viewer;
  if (!viewer.user || viewer.user.login !== login) {
    reply.error("FORBIDDEN");
    return null;
  }
  return viewer as Viewer & { user: NonNullable<Viewer["user"]> };
}

export async function postSubscription(req: FastifyRequest, reply: FastifyReply) {
  const viewer = ownList(req, reply);
  if (!viewer) return;
  const kind = kindOf(field(req.body, "subscription[subscribable_type]"));
  const id = Number(field(req.body, "subscription[subscribable_id]"));
  const target = kind && Number.isSafeInteger(id) && id > 0 ? await resolveTarget(req, viewer, kind, id) : ({ ok: false, message: t("subscriptions.cannot_subscribe"), status: 422 } as const);
  if (!target.ok) return reply.page(t("subscriptions.subscribe"), <p class="error" safe>{target.message}</p>, { status: target.status });
  const result = await subscribe(req.db, viewer.user.id, kind!, id);
  setFlash(req, reply, [t(result === "subscribed" ? "subscriptions.subscribed" : "subscriptions.already", { name: target.name })]);
  const returnTo = field(req.body, "return_to");
  return reply.redirect(returnTo ? safeReturnPath(returnTo) : target.path, 303);
}

export async function removeSubscription(req: FastifyRequest, reply: FastifyReply) {
  const viewer = ownList(req, reply);
  if (!viewer) return;
  const id = idParam(req, "id");
  const subscription = id ? await findSubscription(req.db, id) : undefined;
  // Someone else's subscription id is "not found": its existence is none of this viewer's business.
  if (!subscription || subscription.user_id !== viewer.user.id) return reply.error("NOT_FOUND");
  const [named] = await nameSubscriptions(req.db, [subscription]);
  await unsubscribe(req.db, subscription.id);
  setFlash(req, reply, [t("subscriptions.unsubscribed", { name: named?.name ?? t("subscriptions.gone") })]);
  const returnTo = field(req.body, "return_to");
  return reply.redirect(returnTo ? safeReturnPath(returnTo) : subscriptionsPath(viewer.user.login), 303);
}

export async function showSubscriptions(req: FastifyRequest, reply: FastifyReply) {
  const viewer = ownList(req, reply);
  if (!viewer) return;
  const kind = kindOf(queryParam(req, "type"));
  const subscriptions = await subscriptionsOfUser(req.db, viewer.user.id, kind ?? undefined);
  return reply.page(t("subscriptions.heading"), <SubscriptionsPage login={viewer.user.login} kind={kind} subscriptions={subscriptions} notices={takeFlash(req, reply)} csrf={reply.csrf()} />);
}

async function byToken(req: FastifyRequest) {
  const token = (req.params as { token: string }).token;
  const subscription = token.length <= 100 ? await subscriptionByToken(req.db, token) : undefined;
  if (!subscription) return undefined;
  const [named] = await nameSubscriptions(req.db, [subscription]);
  return { token, subscription, name: named?.name ?? t("subscriptions.gone") };
}

/** The email's link: asks first (a GET must not change anything: mail scanners follow links). */
export async function showUnsubscribe(req: FastifyRequest, reply: FastifyReply) {
  const found = await byToken(req);
  if (!found) return reply.page(t("subscriptions.unsubscribe_heading"), <UnknownUnsubscribePage />, { status: 404 });
  return reply.page(t("subscriptions.unsubscribe_heading"), <UnsubscribePage token={found.token} name={found.name} done={false} csrf={reply.csrf()} />);
}

export async function confirmUnsubscribe(req: FastifyRequest, reply: FastifyReply) {
  const found = await byToken(req);
  if (!found) return reply.page(t("subscriptions.unsubscribe_heading"), <UnknownUnsubscribePage />, { status: 404 });
  await unsubscribe(req.db, found.subscription.id);
  return reply.page(t("subscriptions.unsubscribe_heading"), <UnsubscribePage token={found.token} name={found.name} done={true} csrf={reply.csrf()} />);
}
