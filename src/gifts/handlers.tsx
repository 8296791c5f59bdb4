import type { FastifyReply, FastifyRequest } from "fastify";
import type { DbOrTrx } from "../platform/db/index.js";
import { setFlash, takeFlash } from "../platform/http/flash.js";
import { idParam, pageParam, queryParam } from "../platform/http/routes.js";
import { t } from "../platform/i18n/index.js";
import { mutedUserIds } from "../blocking/index.js";
import { findUserByLogin } from "../model/users.js";
import { findWork } from "../model/works.js";
import { setGiftRefused } from "./commands.js";
import { giftedWorksPage, giftLabel, giftsOfWork } from "./queries.js";
import { GiftLine, GiftsPage } from "./views/pages.js";
import { giftsPath, refusedGiftsPath } from "./views/paths.js";

/** The "For …" line of a work's notes (its gifts not refused); "" when it is given to nobody. One query. */
export async function giftLineFor(db: DbOrTrx, workId: number): Promise<JSX.Element> {
  return <GiftLine gifts={await giftsOfWork(db, workId)} />;
}

/** The work form's "Gift this work to" as stored: the recipients not refused, named as bylines name them. */
export async function giftRecipientsText(db: DbOrTrx, workId: number): Promise<string> {
  return (await giftsOfWork(db, workId)).map(giftLabel).join(", ");
}

export async function showGifts(req: FastifyRequest, reply: FastifyReply) {
  const user = await findUserByLogin(req.db, (req.params as { login: string }).login);
  if (!user) return reply.error("NOT_FOUND");
  const own = req.viewer.user?.id === user.id;
  // Refused gifts are their recipient's business alone.
  const refused = own && queryParam(req, "refused") === "true";
  const page = pageParam(req);
  const found = await giftedWorksPage(req.db, req.viewer, user.id, { refused, page, mutedUserIds: await mutedUserIds(req.db, req.viewer) });
  return reply.page(
    refused ? t("gifts.refused_heading", { login: user.login }) : t("gifts.title", { login: user.login }),
    <GiftsPage login={user.login} own={own} refused={refused} total={found.total} page={page} blurbs={found.blurbs} notices={takeFlash(req, reply)} csrf={reply.csrf()} />,
    { mainClass: "gifts-index" },
  );
}

function changeRefusal(refused: boolean) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const user = await findUserByLogin(req.db, (req.params as { login: string }).login);
    if (!user) return reply.error("NOT_FOUND");
    if (user.id !== req.viewer.user?.id) return reply.error("FORBIDDEN");
    const workId = idParam(req, "workId");
    const work = workId ? await findWork(req.db, workId) : undefined;
    if (!work || !(await setGiftRefused(req.db, user.id, work.id, refused))) return reply.error("NOT_FOUND");
    setFlash(req, reply, [t(refused ? "gifts.refused_done" : "gifts.accepted_done", { title: work.title })]);
    return reply.redirect(refused ? giftsPath(user.login) : refusedGiftsPath(user.login), 303);
  };
}

export const refuseGift = changeRefusal(true);
export const acceptGift = changeRefusal(false);
