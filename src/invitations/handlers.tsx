import type { FastifyReply, FastifyRequest } from "fastify";
import { signupMode } from "../model/archive-settings.js";
import { findUserByLogin } from "../model/users.js";
import type { FieldErrors } from "../platform/http/components.js";
import { setFlash, takeFlash } from "../platform/http/flash.js";
import { field } from "../platform/http/forms-parser.js";
import { pageParam, queryParam } from "../platform/http/routes.js";
import { t } from "../platform/i18n/index.js";
import { isEmailAddress } from "../platform/text/email.js";
import { adminSendInvitation, countIn, createCodes, grantInvitations, userSendInvitation } from "./commands.js";
import { invitationsOfUser, SEARCH_STATES, type SearchState, searchInvitations, unsentCount, waitingRequests } from "./queries.js";
import { inviteRequestCount, joinQueue, nextBatchAt, queueOpen, queueStatus, rescheduleQueue, sendFromQueueNow } from "./queue.js";
import { QUEUE_LIMITS, type QueueSettings, queueSettings, saveQueueSettings } from "./settings.js";
import { type AdminForms, AdminInvitationsPage, SEND_EMAIL, UserInvitationsPage } from "./views/invitations.js";
import { QUEUE_EMAIL, type QueueDoor, QueuePage, QueueStatusPage } from "./views/queue.js";

// The invite-request queue (anyone)

async function queuePage(req: FastifyRequest, reply: FastifyReply, email: string, errors: FieldErrors, status = 200) {
  const [settings, mode, open, waiting] = await Promise.all([queueSettings(req.db), signupMode(req.db), queueOpen(req.db), inviteRequestCount(req.db)]);
  const door: QueueDoor = open ? "queue" : mode === "open" ? "open" : "closed";
  return reply.page(t("invitations.queue.heading"), <QueuePage door={door} settings={settings} waiting={waiting} email={email} errors={errors} csrf={reply.csrf()} />, { status, mainClass: "invite_requests-index" });
}

/** `/invite_requests`: the waiting list's form (or, when sign-up needs no invitation or the list is shut, why not). */
export async function showQueuePage(req: FastifyRequest, reply: FastifyReply) {
  return queuePage(req, reply, "", {});
}

/** Adds an address to the waiting list, then shows where it stands. */
export async function postQueueRequest(req: FastifyRequest, reply: FastifyReply) {
  const email = field(req.body, QUEUE_EMAIL).trim();
  if (!(await queueOpen(req.db))) return queuePage(req, reply, email, {}, 403);
  const joined = await joinQueue(req.db, email, req.ip);
  if (!joined.ok) return queuePage(req, reply, email, joined.errors, 422);
  const { position, expectedAt } = joined.value;
  setFlash(req, reply, [
    t("invitations.queue.joined", { position }),
    expectedAt ? t("invitations.status.expected", { date: expectedAt.slice(0, 10) }) : t("invitations.status.paused"),
  ]);
  return reply.redirect("/invite_requests/status", 303);
}

/** `/invite_requests/status?invite_request[email]=…`: an address's place on the list. */
export async function showQueueStatus(req: FastifyRequest, reply: FastifyReply) {
  const email = queryParam(req, QUEUE_EMAIL).trim();
  const notices = takeFlash(req, reply);
  let errors: FieldErrors = {};
  let status = null;
  if (email && !isEmailAddress(email)) errors = { [QUEUE_EMAIL]: [t("invitations.email_format")] };
  else if (email) status = await queueStatus(req.db, email);
  return reply.page(t("invitations.status.heading"), <QueueStatusPage email={email} status={status} errors={errors} notices={notices} />, { mainClass: "invite_requests-status" });
}

// A user's invitations

/** The user named in the URL when it is the viewer: only they see and send their invitations. */
async function ownInvitations(req: FastifyRequest, reply: FastifyReply) {
  const user = await findUserByLogin(req.db, (req.params as { login: string }).login);
  if (!user) {
    reply.error("NOT_FOUND");
    return undefined;
  }
  if (user.id !== req.viewer.user?.id) {
    reply.error("FORBIDDEN");
    return undefined;
  }
  return user;
}

async function userPage(req: FastifyRequest, reply: FastifyReply, user: { id: number; login: string }, email: string, errors: FieldErrors, status = 200) {
  const [unsent, invitations] = await Promise.all([unsentCount(req.db, user.id), invitationsOfUser(req.db, user.id)]);
  return reply.page(
    t("invitations.user.heading"),
    <UserInvitationsPage login={user.login} unsent={unsent} invitations={invitations} email={email} errors={errors} notices={takeFlash(req, reply)} csrf={reply.csrf()} />,
    { status, mainClass: "invitations-index" },
  );
}

export async function showUserInvitations(req: FastifyRequest, reply: FastifyReply) {
  const user = await ownInvitations(req, reply);
  if (user) return userPage(req, reply, user, "", {});
}

/** Sends one of the user's invitations to an address (mailed by a job). */
export async function postUserInvitation(req: FastifyRequest, reply: FastifyReply) {
  const user = await ownInvitations(req, reply);
  if (!user) return;
  const email = field(req.body, SEND_EMAIL).trim();
  const sent = await userSendInvitation(req.db, user.id, email);
  if (!sent.ok) return userPage(req, reply, user, email, sent.errors, 422);
  setFlash(req, reply, [t("invitations.send.sent", { email })]);
  return reply.redirect(`/users/${encodeURIComponent(user.login)}/invitations`, 303);
}

// Admins (support)

function settingsForm(settings: QueueSettings): AdminForms["settings"] {
  return { enabled: settings.enabled, batchSize: String(settings.batchSize), batchHours: String(settings.batchHours), expiryDays: settings.expiryDays === null ? "" : String(settings.expiryDays) };
}

function searchState(raw: string): SearchState {
  return (SEARCH_STATES as readonly string[]).includes(raw) ? (raw as SearchState) : "any";
}

async function adminPage(req: FastifyRequest, reply: FastifyReply, typed: Partial<AdminForms> = {}, errors: FieldErrors = {}, status = 200) {
  const query = queryParam(req, "invitation_search[query]").slice(0, 200);
  const state = searchState(queryParam(req, "invitation_search[state]"));
  const page = pageParam(req);
  const [settings, waiting, next, oldest, found] = await Promise.all([queueSettings(req.db), inviteRequestCount(req.db), nextBatchAt(req.db), waitingRequests(req.db, 20), searchInvitations(req.db, query, state, page)]);
  const forms: AdminForms = {
    settings: typed.settings ?? settingsForm(settings),
    queueCount: typed.queueCount ?? String(settings.batchSize),
    grant: typed.grant ?? { logins: "", everyone: false, count: "1" },
    codes: typed.codes ?? { count: "1" },
    send: typed.send ?? { email: "" },
  };
  return reply.page(
    t("invitations.admin.heading"),
    <AdminInvitationsPage
      forms={forms}
      errors={errors}
      notices={takeFlash(req, reply)}
      queue={{ settings, waiting, nextBatchAt: next, oldest }}
      search={{ query, state, page, total: found.total, rows: found.rows }}
      csrf={reply.csrf()}
    />,
    { status, mainClass: "admin invitations-admin" },
  );
}

const backToAdmin = (req: FastifyRequest, reply: FastifyReply, notice: string) => {
  setFlash(req, reply, [notice]);
  return reply.redirect("/admin/invitations", 303);
};

export async function showAdminInvitations(req: FastifyRequest, reply: FastifyReply) {
  return adminPage(req, reply);
}

/** Saves the queue's settings and re-plans its next batch. */
export async function postQueueSettings(req: FastifyRequest, reply: FastifyReply) {
  const typed = {
    enabled: field(req.body, "queue[enabled]") === "1",
    batchSize: field(req.body, "queue[batch_size]").trim(),
    batchHours: field(req.body, "queue[batch_hours]").trim(),
    expiryDays: field(req.body, "queue[expiry_days]").trim(),
  };
  const errors: FieldErrors = {};
  const batchSize = countIn(typed.batchSize, QUEUE_LIMITS.batchSize.min, QUEUE_LIMITS.batchSize.max);
  const batchHours = countIn(typed.batchHours, QUEUE_LIMITS.batchHours.min, QUEUE_LIMITS.batchHours.max);
  const expiryDays = typed.expiryDays === "" ? null : countIn(typed.expiryDays, QUEUE_LIMITS.expiryDays.min, QUEUE_LIMITS.expiryDays.max);
  if (batchSize === null) errors["queue[batch_size]"] = [t("invitations.admin.range", { min: QUEUE_LIMITS.batchSize.min, max: QUEUE_LIMITS.batchSize.max })];
  if (batchHours === null) errors["queue[batch_hours]"] = [t("invitations.admin.range", { min: QUEUE_LIMITS.batchHours.min, max: QUEUE_LIMITS.batchHours.max })];
  if (typed.expiryDays !== "" && expiryDays === null) errors["queue[expiry_days]"] = [t("invitations.admin.range_or_blank", { min: QUEUE_LIMITS.expiryDays.min, max: QUEUE_LIMITS.expiryDays.max })];
  if (batchSize === null || batchHours === null || Object.keys(errors).length) return adminPage(req, reply, { settings: typed }, errors, 422);
  await req.db.transaction().execute((trx) => saveQueueSettings(trx, { enabled: typed.enabled, batchSize, batchHours, expiryDays }));
  await rescheduleQueue(req.db);
  return backToAdmin(req, reply, t("invitations.admin.settings_saved"));
}

/** Sends invitations to the next N requests now (a job). */
export async function postSendFromQueue(req: FastifyRequest, reply: FastifyReply) {
  const count = field(req.body, "queue[count]").trim();
  const queued = await sendFromQueueNow(req.db, req.viewer.user!.id, count);
  if (!queued.ok) return adminPage(req, reply, { queueCount: count }, queued.errors, 422);
  return backToAdmin(req, reply, t("invitations.admin.send_now_queued", { count: queued.value.count }));
}

/** Grants invitations to named users, or to everyone (a job). */
export async function postGrant(req: FastifyRequest, reply: FastifyReply) {
  const typed = { logins: field(req.body, "grant[logins]"), everyone: field(req.body, "grant[everyone]") === "1", count: field(req.body, "grant[count]").trim() };
  const granted = await grantInvitations(req.db, req.viewer.user!.id, typed);
  if (!granted.ok) return adminPage(req, reply, { grant: typed }, granted.errors, 422);
  const { users, count } = granted.value;
  return backToAdmin(req, reply, users === "everyone" ? t("invitations.admin.granted_everyone", { count }) : t("invitations.admin.granted", { count, users }));
}

/** Makes N codes for the archive to hand out. */
export async function postCreateCodes(req: FastifyRequest, reply: FastifyReply) {
  const count = field(req.body, "invitation[count]").trim() || "1";
  const made = await createCodes(req.db, req.viewer.user!.id, count);
  if (!made.ok) return adminPage(req, reply, { codes: { count } }, made.errors, 422);
  return backToAdmin(req, reply, t("invitations.admin.codes_made", { count: made.value.count }));
}

/** Sends a new invitation to an address. */
export async function postAdminSend(req: FastifyRequest, reply: FastifyReply) {
  const email = field(req.body, SEND_EMAIL).trim();
  const sent = await adminSendInvitation(req.db, req.viewer.user!.id, email);
  if (!sent.ok) return adminPage(req, reply, { send: { email } }, sent.errors, 422);
  return backToAdmin(req, reply, t("invitations.send.sent", { email }));
}
