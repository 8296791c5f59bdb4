import { open } from "node:fs/promises";
import type { FastifyReply, FastifyRequest } from "fastify";
import { setFlash, takeFlash } from "../platform/http/flash.js";
import { idParam, queryParam } from "../platform/http/routes.js";
import { SESSION_COOKIE } from "../platform/http/server.js";
import { formatNumber, t } from "../platform/i18n/index.js";
import type { UserRow } from "../platform/db/tables.js";
import { findUserByLogin, rolesOf } from "../model/users.js";
import { userPath } from "../model/paths.js";
import { verifyPassword } from "../users/index.js";
import { deleteAccount, type OrphanResult, orphanWorks, type OrphanTarget } from "./commands.js";
import { ownSeriesCount, ownWorks } from "./queries.js";
import { orphanTargetFromForm, orphanTargetFromQuery, parseDeleteForm, parseOrphanChoice, type OrphanFormValues } from "./schema.js";
import { downloadableTakeout, latestTakeout, removeTakeoutFiles, requestTakeout, sweepTakeouts, takeoutPagePath } from "./takeout.js";
import { AccountDeletedPage, type AccountWorks, DeleteAccountPage, OrphanChoosePage, OrphanConfirmPage, TakeoutPage } from "./views/pages.js";
import type { FieldErrors } from "../platform/http/components.js";

// Leaving the archive: orphaning works, deleting an account, and the takeout. Every page here acts
// on the viewer's own account (the guard asks for a logged-in user; a URL naming someone else's
// account is refused).

/** The account named in the URL when it is the viewer's own: 404 when there is none, 403 when it is someone else's. */
async function ownAccount(req: FastifyRequest, reply: FastifyReply): Promise<UserRow | undefined> {
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

// ---- Orphaning ----

const ORPHAN_PROBLEMS: Record<Exclude<OrphanResult, { ok: true }>["problem"], () => string> = {
  not_yours: () => t("leaving.orphan.not_yours"),
  draft: () => t("leaving.orphan.no_drafts"),
  nothing: () => t("leaving.orphan.nothing"),
  orphan_name_taken: () => t("leaving.orphan_name_taken"),
};

/** The works a target names, when all are the viewer's posted works; a problem otherwise. */
async function targetWorks(req: FastifyRequest, userId: number, target: OrphanTarget) {
  if (target.kind === "all") return { ok: true as const, works: (await ownWorks(req.db, userId)).filter((w) => w.posted) };
  const works = await ownWorks(req.db, userId, target.workIds);
  if (works.length !== target.workIds.length) return { ok: false as const, problem: "not_yours" as const };
  if (works.some((w) => !w.posted)) return { ok: false as const, problem: "draft" as const };
  return { ok: true as const, works };
}

async function orphanConfirmation(req: FastifyRequest, reply: FastifyReply, target: OrphanTarget, values: OrphanFormValues, errors: FieldErrors, status = 200) {
  const userId = req.viewer.user!.id;
  const found = await targetWorks(req, userId, target);
  if (!found.ok) return reply.page(t("leaving.orphan.heading"), <p class="notice" safe>{ORPHAN_PROBLEMS[found.problem]()}</p>, { status: found.problem === "not_yours" ? 404 : 422 });
  const seriesCount = target.kind === "all" ? await ownSeriesCount(req.db, userId) : 0;
  if (found.works.length === 0 && seriesCount === 0) return reply.page(t("leaving.orphan.heading"), <p class="notice" safe>{ORPHAN_PROBLEMS.nothing()}</p>, { status: status === 200 ? 200 : 422 });
  return reply.page(
    target.kind === "all" ? t("leaving.orphan.all_heading") : t("leaving.orphan.heading"),
    <OrphanConfirmPage target={target} works={found.works} seriesCount={seriesCount} values={values} errors={errors} csrf={reply.csrf()} />,
    { status, mainClass: "orphans-new" },
  );
}

/** `GET /orphans/new`: with `?work_id=…` or `?all=true`, the confirmation; with nothing, the works to choose from. */
export async function showOrphanPage(req: FastifyRequest, reply: FastifyReply) {
  const target = orphanTargetFromQuery(req);
  if (target === "bad") return reply.error("NOT_FOUND");
  if (target === null) {
    const userId = req.viewer.user!.id;
    const [works, seriesCount] = await Promise.all([ownWorks(req.db, userId), ownSeriesCount(req.db, userId)]);
    return reply.page(t("leaving.orphan.choose_heading"), <OrphanChoosePage works={works.filter((w) => w.posted)} seriesCount={seriesCount} />, { mainClass: "orphans-new" });
  }
  return orphanConfirmation(req, reply, target, { keepPseud: "" }, {});
}

/** `POST /orphans`: orphans what the confirmation named, with the pseud choice made there. */
export async function postOrphans(req: FastifyRequest, reply: FastifyReply) {
  const viewer = req.viewer.user!;
  const target = orphanTargetFromForm(req.body);
  if (target === null || target === "bad") return reply.page(t("leaving.orphan.heading"), <p class="notice" safe>{ORPHAN_PROBLEMS.nothing()}</p>, { status: 422 });
  const { values, parsed } = parseOrphanChoice(req.body);
  if (!parsed.ok) return orphanConfirmation(req, reply, target, values, parsed.errors, 422);
  const result = await orphanWorks(req.db, viewer.id, target, parsed.value);
  if (!result.ok) return reply.page(t("leaving.orphan.heading"), <p class="notice" safe>{ORPHAN_PROBLEMS[result.problem]()}</p>, { status: result.problem === "not_yours" ? 404 : 422 });
  setFlash(req, reply, [t("leaving.orphan.done", { works: formatNumber(result.value.works.length), series: formatNumber(result.value.series.length) })]);
  return reply.redirect(userPath(viewer.login), 303);
}

// ---- Deleting an account ----

async function accountWorks(req: FastifyRequest, userId: number): Promise<AccountWorks> {
  const [works, seriesCount] = await Promise.all([ownWorks(req.db, userId), ownSeriesCount(req.db, userId)]);
  return { posted: works.filter((w) => w.posted), drafts: works.filter((w) => !w.posted), seriesCount };
}

/** Whether the user is the one superadmin (who may not leave the archive without one). */
async function isOnlySuperadmin(req: FastifyRequest, user: UserRow): Promise<boolean> {
  if (!(await rolesOf(req.db, user.id)).includes("admin")) return false;
  const admins = await req.db.selectFrom("user_roles").select("user_id").where("role", "=", "admin").limit(2).execute();
  return admins.length === 1;
}

export async function showDeleteAccountPage(req: FastifyRequest, reply: FastifyReply) {
  const user = await ownAccount(req, reply);
  if (!user) return;
  const [works, lastAdmin] = await Promise.all([accountWorks(req, user.id), isOnlySuperadmin(req, user)]);
  return reply.page(t("leaving.delete.heading"), <DeleteAccountPage login={user.login} works={works} lastAdmin={lastAdmin} values={{ works: "" }} errors={{}} csrf={reply.csrf()} />, {
    mainClass: "users-delete",
  });
}

export async function postDeleteAccount(req: FastifyRequest, reply: FastifyReply) {
  const user = await ownAccount(req, reply);
  if (!user) return;
  const works = await accountWorks(req, user.id);
  const again = (values: { works: string }, errors: FieldErrors, status: number, lastAdmin = false) =>
    reply.page(t("leaving.delete.heading"), <DeleteAccountPage login={user.login} works={works} lastAdmin={lastAdmin} values={values} errors={errors} csrf={reply.csrf()} />, {
      status,
      mainClass: "users-delete",
    });
  const { values, password, parsed } = parseDeleteForm(req.body, works.posted.length + works.drafts.length > 0);
  if (!parsed.ok) return again(values, parsed.errors, 422);
  if (!(await verifyPassword(user.password_hash, password))) return again(values, { "delete[password]": [t("users.password_wrong")] }, 422);
  const result = await deleteAccount(req.db, user.id, parsed.value);
  if (!result.ok) {
    if (result.problem === "gone") return reply.error("NOT_FOUND");
    if (result.problem === "last_admin") return again(values, {}, 409, true);
    return again(values, { "delete[works]": [t("leaving.orphan_name_taken")] }, 409);
  }
  removeTakeoutFiles(req.config.dataDir, result.value.takeoutFiles);
  // The sessions went with the account; the browser forgets its cookie too.
  reply.clearCookie(SESSION_COOKIE, { path: "/" });
  reply.rotateCsrf();
  const shown = result.value.orphanedWorks > 0 ? "orphaned" : result.value.deletedWorks > 0 ? "deleted" : "none";
  return reply.redirect(`/account_deleted?works=${shown}`, 303);
}

export async function showAccountDeletedPage(req: FastifyRequest, reply: FastifyReply) {
  return reply.page(t("leaving.deleted.heading"), <AccountDeletedPage works={queryParam(req, "works")} />);
}

// ---- Takeout ----

export async function showTakeoutPage(req: FastifyRequest, reply: FastifyReply) {
  const user = await ownAccount(req, reply);
  if (!user) return;
  await sweepTakeouts(req.db, req.config.dataDir);
  const status = await latestTakeout(req.db, user.id);
  return reply.page(t("leaving.takeout.heading"), <TakeoutPage login={user.login} status={status} notices={takeFlash(req, reply)} csrf={reply.csrf()} />, { mainClass: "takeout" });
}

/** `POST /users/LOGIN/takeout`: queues a takeout, or finds the one already being built. */
export async function postTakeout(req: FastifyRequest, reply: FastifyReply) {
  const user = await ownAccount(req, reply);
  if (!user) return;
  const { created } = await requestTakeout(req.db, user.id);
  setFlash(req, reply, [created ? t("leaving.takeout.requested") : t("leaving.takeout.already_running")]);
  return reply.redirect(takeoutPagePath(user.login), 303);
}

/** `GET /users/LOGIN/takeout/ID/download`: the zip, to its owner, until it expires. */
export async function downloadTakeout(req: FastifyRequest, reply: FastifyReply) {
  const user = await ownAccount(req, reply);
  if (!user) return;
  const id = idParam(req, "id");
  const found = id ? await downloadableTakeout(req.db, req.config.dataDir, user.id, id) : undefined;
  if (!found) return reply.error("NOT_FOUND");
  let handle;
  try {
    handle = await open(found.path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return reply.error("NOT_FOUND");
    throw error;
  }
  const size = (await handle.stat()).size;
  const name = `${user.login}-takeout-${(found.row.ready_at ?? found.row.created_at).slice(0, 10)}.zip`;
  reply
    .header("content-type", "application/zip")
    .header("content-disposition", `attachment; filename="${name}"`)
    .header("content-length", String(size))
    .header("cache-control", "private, no-store");
  if (req.method !== "GET") {
    await handle.close();
    return reply.send();
  }
  return reply.send(handle.createReadStream());
}
