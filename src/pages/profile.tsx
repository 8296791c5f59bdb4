import type { FastifyReply, FastifyRequest } from "fastify";
import { takeFlash } from "../platform/http/flash.js";
import { subscribeButtonFor } from "../subscriptions/index.js";
import { relationButtonsFor } from "../blocking/index.js";
import { pseudsOf } from "../model/users.js";
import { userFromUrl, ProfilePage } from "../users/index.js";
import { creatorshipNoticeFor } from "../works/index.js";

/*
 * A user's profile (`/users/LOGIN`): the account's pseuds from users, with the Subscribe button
 * from subscriptions and the block and mute buttons from blocking, so it is assembled here.
 */

/** Other capabilities' forms for a user (Subscribe; Block and Mute), side by side; "" when none applies. */
function ProfileActions({ subscribe, relations, invitations }: { subscribe: JSX.Element; relations: JSX.Element; invitations: JSX.Element }): JSX.Element {
  return (
    <>
      {invitations}
      {subscribe}
      {relations}
    </>
  );
}

export async function showProfilePage(req: FastifyRequest, reply: FastifyReply) {
  const user = await userFromUrl(req, reply);
  if (!user) return;
  const csrf = reply.csrf();
  const [pseuds, subscribe, relations, invitations] = await Promise.all([
    pseudsOf(req.db, user.id),
    subscribeButtonFor(req, "user", user.id, req.viewer.user?.id === user.id, csrf),
    relationButtonsFor(req, user, csrf),
    creatorshipNoticeFor(req, user),
  ]);
  const actions = <ProfileActions subscribe={subscribe} relations={relations} invitations={invitations} />;
  return reply.page(user.login, <ProfilePage user={user} pseuds={pseuds} isSelf={req.viewer.user?.id === user.id} actions={actions} notices={takeFlash(req, reply)} />, {
    mainClass: "users-show",
  });
}

