import type { FastifyReply, FastifyRequest } from "fastify";
import { setFlash, takeFlash } from "../platform/http/flash.js";
import { field } from "../platform/http/forms-parser.js";
import { idParam, safeReturnPath } from "../platform/http/routes.js";
import { hasRole, type Viewer } from "../platform/http/viewer.js";
import { t } from "../platform/i18n/index.js";
import { findUserById, findUserByLogin, rolesOf } from "../model/users.js";
import { relate, unrelate } from "./commands.js";
import { type Relation, relatedUsers, relationsWith } from "./queries.js";
import { RelationButtons, RelationListPage, TARGET_FIELD } from "./views/pages.js";
import { relationListPath } from "./views/paths.js";

type LoggedIn = Viewer & { user: NonNullable<Viewer["user"]> };

/** Block and Mute buttons for another user's profile; "" for guests and on one's own. One query. */
export async function relationButtonsFor(req: FastifyRequest, target: { id: number; login: string }, csrf: string): Promise<JSX.Element> {
  const user = req.viewer.user;
  if (!user || user.id === target.id) return "";
  const state = await relationsWith(req.db, user.id, target.id);
  return <RelationButtons viewerLogin={user.login} target={target} state={state} returnTo={req.url} csrf={csrf} />;
}

/** Only the person named in the URL sees and changes their own list. */
function ownList(req: FastifyRequest, reply: FastifyReply): LoggedIn | null {
  const login = (req.params as { login: string }).login;
  if (!req.viewer.user || req.viewer.user.login !== login) {
    reply.error("FORBIDDEN");
    return null;
  }
  return req.viewer as LoggedIn;
}

async function listPage(req: FastifyRequest, reply: FastifyReply, relation: Relation, viewer: LoggedIn, typed = "", errors: Record<string, string[]> = {}, status = 200) {
  const users = await relatedUsers(req.db, relation, viewer.user.id);
  return reply.page(
    t(`blocking.${relation}.heading`),
    <RelationListPage relation={relation} login={viewer.user.login} users={users} typed={typed} errors={errors} notices={takeFlash(req, reply)} csrf={reply.csrf()} />,
    { status },
  );
}

function showList(relation: Relation) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const viewer = ownList(req, reply);
    if (viewer) return listPage(req, reply, relation, viewer);
  };
}

function addToList(relation: Relation) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const viewer = ownList(req, reply);
    if (!viewer) return;
    const name = field(req.body, TARGET_FIELD[relation]).trim();
    const refuse = (message: string) => listPage(req, reply, relation, viewer, name, { [TARGET_FIELD[relation]]: [message] }, 422);
    if (!name) return refuse(t("blocking.name_required"));
    const target = await findUserByLogin(req.db, name);
    if (!target) return refuse(t("blocking.no_such_user", { name }));
    if (target.id === viewer.user.id) return refuse(t(`blocking.${relation}.self`));
    // Admins keep the archive running; blocking one would shut them out of moderating.
    if (relation === "block" && hasRole({ user: { ...target, roles: await rolesOf(req.db, target.id) }, sessionId: null }, "admin")) return refuse(t("blocking.block.admin"));
    const result = await relate(req.db, relation, viewer.user.id, target.id);
    if (result === "limit") return refuse(t(`blocking.${relation}.limit`));
    setFlash(req, reply, [t(result === "done" ? `blocking.${relation}.done` : `blocking.${relation}.already`, { name: target.login })]);
    const returnTo = field(req.body, "return_to");
    return reply.redirect(returnTo ? safeReturnPath(returnTo) : relationListPath(relation, viewer.user.login), 303);
  };
}

function removeFromList(relation: Relation) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const viewer = ownList(req, reply);
    if (!viewer) return;
    const targetId = idParam(req, "targetId");
    const target = targetId ? await findUserById(req.db, targetId) : undefined;
    if (!target || !(await unrelate(req.db, relation, viewer.user.id, target.id))) return reply.error("NOT_FOUND");
    setFlash(req, reply, [t(`blocking.${relation}.undone`, { name: target.login })]);
    const returnTo = field(req.body, "return_to");
    return reply.redirect(returnTo ? safeReturnPath(returnTo) : relationListPath(relation, viewer.user.login), 303);
  };
}

export const showBlocked = showList("block");
export const blockUser = addToList("block");
export const unblockUser = removeFromList("block");
export const showMuted = showList("mute");
export const muteUser = addToList("mute");
export const unmuteUser = removeFromList("mute");
