import type { FastifyReply, FastifyRequest } from "fastify";
import { setFlash, takeFlash } from "../platform/http/flash.js";
import { field } from "../platform/http/forms-parser.js";
import { idParam, pageParam, queryParam, safeReturnPath } from "../platform/http/routes.js";
import { isLoggedIn } from "../platform/http/viewer.js";
import { t } from "../platform/i18n/index.js";
import { findUserByLogin } from "../model/users.js";
import { readableWork } from "../model/readable-work.js";
import { blurbsInOrder } from "../model/works.js";
import { workPath, clearHistoryPath, readingsPath } from "../model/paths.js";
import { ConfirmDeletePage } from "../platform/http/components.js";
import { clearHistory, deleteReading, historyEnabled, listReadings, setHistoryEnabled, setMarkedForLater } from "./history.js";
import { canSeeHistory, mayMarkForLater } from "./policy.js";
import { HistoryPage } from "./views/history.js";

// History and Marked for Later (AO3's /users/LOGIN/readings): only their owner sees or changes them.

/** Where a button sends the user back to: the listing it was pressed on, else the work. */
function backTo(req: FastifyRequest, fallback: string): string {
  const wanted = field(req.body, "return_to");
  return wanted ? safeReturnPath(wanted) : fallback;
}

async function markWork(req: FastifyRequest, reply: FastifyReply, marked: boolean) {
  const work = await readableWork(req, reply);
  if (!work || !isLoggedIn(req.viewer)) return;
  if (!mayMarkForLater(req.viewer, work)) return reply.error("WORK_NOT_FOUND");
  await setMarkedForLater(req.db, req.viewer.user.id, work, marked);
  setFlash(req, reply, [t(marked ? "reading.marked" : "reading.marked_read")]);
  return reply.redirect(backTo(req, `${workPath(work.id)}#feedback`), 303);
}

export const markForLater = (req: FastifyRequest, reply: FastifyReply) => markWork(req, reply, true);
export const markAsRead = (req: FastifyRequest, reply: FastifyReply) => markWork(req, reply, false);

/** The user behind `:login` when it is the viewer (the owner); otherwise 404 or 403 is sent. */
async function ownHistory(req: FastifyRequest, reply: FastifyReply) {
  const user = await findUserByLogin(req.db, (req.params as { login: string }).login);
  if (!user) {
    reply.error("NOT_FOUND");
    return undefined;
  }
  if (!isLoggedIn(req.viewer) || !canSeeHistory(req.viewer, user.id)) {
    reply.error("FORBIDDEN");
    return undefined;
  }
  return { user, viewer: req.viewer };
}

export async function showReadings(req: FastifyRequest, reply: FastifyReply) {
  const owner = await ownHistory(req, reply);
  if (!owner) return;
  const markedOnly = queryParam(req, "show") === "to-read";
  const page = pageParam(req);
  const [{ total, readings }, historyOn] = await Promise.all([listReadings(req.db, owner.viewer, { markedOnly, page }), historyEnabled(req.db, owner.user.id)]);
  const blurbs = await blurbsInOrder(req.db, owner.viewer, readings.map((r) => r.work_id));
  return reply.page(
    `${owner.user.login} - ${markedOnly ? t("users.marked_for_later") : t("users.history")}`,
    <HistoryPage
      login={owner.user.login}
      markedOnly={markedOnly}
      total={total}
      page={page}
      readings={readings}
      blurbs={new Map(blurbs.map((b) => [b.work.id, b]))}
      historyOn={historyOn}
      notices={takeFlash(req, reply)}
      csrf={reply.csrf()}
    />,
    { mainClass: "readings-index" },
  );
}

export async function removeReading(req: FastifyRequest, reply: FastifyReply) {
  const owner = await ownHistory(req, reply);
  if (!owner) return;
  const workId = idParam(req, "workId");
  // Idempotent: a second click finds nothing and says so.
  const deleted = workId !== null && (await deleteReading(req.db, owner.user.id, workId));
  setFlash(req, reply, [t(deleted ? "reading.deleted" : "reading.not_in_history")]);
  return reply.redirect(backTo(req, readingsPath(owner.user.login)), 303);
}

export async function showClearHistoryPage(req: FastifyRequest, reply: FastifyReply) {
  const owner = await ownHistory(req, reply);
  if (!owner) return;
  return reply.page(
    t("responses.clear_history"),
    <ConfirmDeletePage what={t("responses.every_work_in_your_history")} action={clearHistoryPath(owner.user.login)} cancelHref={readingsPath(owner.user.login)} csrf={reply.csrf()} />,
    { mainClass: "readings-clear" },
  );
}

export async function removeHistory(req: FastifyRequest, reply: FastifyReply) {
  const owner = await ownHistory(req, reply);
  if (!owner) return;
  await clearHistory(req.db, owner.user.id);
  setFlash(req, reply, [t("reading.cleared")]);
  return reply.redirect(readingsPath(owner.user.login), 303);
}

export async function saveHistoryPreference(req: FastifyRequest, reply: FastifyReply) {
  const owner = await ownHistory(req, reply);
  if (!owner) return;
  // Anything but "1" turns it off: the form sends 0 or 1, and off is the cautious reading of noise.
  const enabled = field(req.body, "enabled") === "1";
  await setHistoryEnabled(req.db, owner.user.id, enabled);
  setFlash(req, reply, [t(enabled ? "reading.history_on" : "reading.history_off")]);
  return reply.redirect(readingsPath(owner.user.login), 303);
}
