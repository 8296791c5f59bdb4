import type { FastifyReply, FastifyRequest } from "fastify";
import { setFlash, takeFlash } from "../platform/http/flash.js";
import { idParam } from "../platform/http/routes.js";
import { t } from "../platform/i18n/index.js";
import { findUserByLogin } from "../model/users.js";
import { findWork } from "../model/works.js";
import { canEditWork, workVisibility } from "../model/visibility.js";
import { userPath, workPath } from "../model/paths.js";
import { acceptInvitation, creatorshipsPath, declineInvitation, invitationCount, invitationsFor, leaveWork } from "./cocreators.js";
import { CreatorshipsPage, InvitationNotice, LeaveWorkPage } from "./views/creatorships.js";

/** The user named in the URL when it is the viewer; otherwise 404 (no such user) or 403 is sent. */
async function selfFromUrl(req: FastifyRequest, reply: FastifyReply) {
  const user = await findUserByLogin(req.db, (req.params as { login: string }).login);
  if (!user) reply.error("NOT_FOUND");
  else if (user.id !== req.viewer.user?.id) reply.error("FORBIDDEN");
  else return user;
  return undefined;
}

/** On a user's own profile: a link to their waiting co-creator invitations; "" for others or when none wait. One query. */
export async function creatorshipNoticeFor(req: FastifyRequest, user: { id: number; login: string }): Promise<JSX.Element> {
  if (req.viewer.user?.id !== user.id) return "";
  return <InvitationNotice login={user.login} count={await invitationCount(req.db, user.id)} />;
}

export async function showCreatorships(req: FastifyRequest, reply: FastifyReply) {
  const user = await selfFromUrl(req, reply);
  if (!user) return;
  const invitations = await invitationsFor(req.db, user.id);
  return reply.page(t("cocreators.page_heading"), <CreatorshipsPage login={user.login} invitations={invitations} notices={takeFlash(req, reply)} csrf={reply.csrf()} />, {
    mainClass: "creatorships-index",
  });
}

export async function acceptCreatorship(req: FastifyRequest, reply: FastifyReply) {
  const user = await selfFromUrl(req, reply);
  if (!user) return;
  const id = idParam(req, "id");
  const accepted = id ? await acceptInvitation(req.db, user.id, id) : { result: "gone" as const };
  if (accepted.result === "gone") {
    // A second click on Accept, or an invitation withdrawn meanwhile: say so rather than fail.
    setFlash(req, reply, [t("cocreators.gone")]);
    return reply.redirect(creatorshipsPath(user.login), 303);
  }
  setFlash(req, reply, [t("cocreators.accepted", { title: accepted.title })]);
  return reply.redirect(creatorshipsPath(user.login), 303);
}

export async function declineCreatorship(req: FastifyRequest, reply: FastifyReply) {
  const user = await selfFromUrl(req, reply);
  if (!user) return;
  const id = idParam(req, "id");
  const declined = id ? await declineInvitation(req.db, user.id, id) : false;
  setFlash(req, reply, [t(declined ? "cocreators.declined" : "cocreators.gone")]);
  return reply.redirect(creatorshipsPath(user.login), 303);
}

/** The work behind `:id` when the viewer is one of its creators; otherwise 404 or 403 is sent. */
async function ownWork(req: FastifyRequest, reply: FastifyReply) {
  const id = idParam(req, "id");
  const work = id ? await findWork(req.db, id) : undefined;
  if (!work || workVisibility(req.viewer, work) !== "yes") reply.error("WORK_NOT_FOUND");
  else if (!canEditWork(req.viewer, work)) reply.error("FORBIDDEN");
  else return work;
  return undefined;
}

export async function showLeaveWorkPage(req: FastifyRequest, reply: FastifyReply) {
  const work = await ownWork(req, reply);
  if (!work) return;
  const last = work.creatorUserIds.length === 1;
  return reply.page(t("cocreators.leave_heading"), <LeaveWorkPage title={work.title} action={`${workPath(work.id)}/leave`} cancelHref={workPath(work.id)} last={last} csrf={reply.csrf()} />, {
    status: last ? 409 : 200,
  });
}

export async function leaveWorkNow(req: FastifyRequest, reply: FastifyReply) {
  const work = await ownWork(req, reply);
  if (!work) return;
  const user = req.viewer.user!;
  const result = await leaveWork(req.db, user.id, work.id);
  if (result === "last") {
    return reply.page(t("cocreators.leave_heading"), <LeaveWorkPage title={work.title} action={`${workPath(work.id)}/leave`} cancelHref={workPath(work.id)} last={true} csrf={reply.csrf()} />, { status: 409 });
  }
  if (result === "not-creator") return reply.error("FORBIDDEN");
  setFlash(req, reply, [t("cocreators.left", { title: work.title })]);
  return reply.redirect(`${userPath(user.login)}`, 303);
}
