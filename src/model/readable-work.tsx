import { escapeHtml } from "@kitajs/html";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { DbOrTrx } from "../platform/db/index.js";
import { idParam } from "../platform/http/routes.js";
import type { Viewer } from "../platform/http/viewer.js";
import { workVisibility } from "./visibility.js";
import { findWork, type Work } from "./works.js";
import { t } from "../platform/i18n/index.js";

/** Whether a viewer may read a work: the one use case every front-end (pages, API, feeds) asks. */
export type WorkReading = { kind: "readable"; work: Work } | { kind: "not-found" } | { kind: "login-required" };

/**
 * The work with this id as this viewer may read it: readable; "not-found" when there is no such
 * work or it is someone else's draft (so drafts never leak); "login-required" for a
 * registered-only work and a guest.
 */
export async function readWork(db: DbOrTrx, viewer: Viewer, id: number | null): Promise<WorkReading> {
  const work = id ? await findWork(db, id) : undefined;
  const visibility = work ? workVisibility(viewer, work) : "no";
  if (!work || visibility === "no") return { kind: "not-found" };
  if (visibility === "login") return { kind: "login-required" };
  return { kind: "readable", work };
}

/**
 * The HTML pages' answer: the work behind `:id` when the viewer may read it; otherwise the fitting
 * answer is sent and undefined returned: 404; for a registered-only work and a guest, a page to
 * read is a redirect to the log-in page (`?restricted=true`, back to the page after logging in, as
 * AO3 does: readers' tools log in there), anything else a 401 page. Other capabilities' pages about
 * a work (kudos, bookmarks) use it too; pages about something on a work (a comment) pass its id.
 */
export async function readableWork(req: FastifyRequest, reply: FastifyReply, id: number | null = idParam(req, "id")): Promise<Work | undefined> {
  const reading = await readWork(req.db, req.viewer, id);
  if (reading.kind === "not-found") reply.error("WORK_NOT_FOUND");
  else if (reading.kind === "login-required" && (req.method === "GET" || req.method === "HEAD")) reply.redirect(restrictedLoginPath(req.url), 302);
  else if (reading.kind === "login-required") reply.page(t("works.registered_users_only"), <RestrictedPage returnTo={req.url} />, { status: 401 });
  else return reading.work;
  return undefined;
}

/** Where a guest asking for a registered-only work is sent: log in, then back to `returnTo`. */
export function restrictedLoginPath(returnTo: string): string {
  return `/users/login?restricted=true&return_to=${encodeURIComponent(returnTo)}`;
}

/** Shown to guests for a registered-only work. */
export function RestrictedPage({ returnTo }: { returnTo: string }): JSX.Element {
  return (
    <div class="restricted">
      <h2 safe class="heading">{t("works.registered_users_only")}</h2>
      <p safe class="notice">{t("error.RESTRICTED_WORK")}</p>
      <p>
        <a safe href={`/users/login?return_to=${encodeURIComponent(returnTo)}`}>{t("nav.login")}</a>{" "}{escapeHtml(t("works.or"))}{" "}<a safe href="/signup">{t("works.sign_up")}</a>{" "}{escapeHtml(t("works.to_read_it"))}</p>
    </div>
  );
}
