import type { FastifyReply, FastifyRequest } from "fastify";
import { idParam } from "../platform/http/routes.js";
import { workVisibility } from "./visibility.js";
import { findWork, type Work } from "./works.js";

/**
 * The work behind `:id` when the viewer may read it; otherwise the fitting page is sent (404, or
 * 401 for a registered-only work and a guest) and undefined returned. Other capabilities' pages
 * about a work (kudos, bookmarks) use it too; pages about something on a work (a comment) pass
 * the work's id.
 */
export async function readableWork(req: FastifyRequest, reply: FastifyReply, id: number | null = idParam(req, "id")): Promise<Work | undefined> {
  const work = id ? await findWork(req.db, id) : undefined;
  const visibility = work ? workVisibility(req.viewer, work) : "no";
  if (!work || visibility === "no") {
    reply.error("WORK_NOT_FOUND");
    return undefined;
  }
  if (visibility === "login") {
    reply.page("Registered users only", <RestrictedPage returnTo={req.url} />, { status: 401 });
    return undefined;
  }
  return work;
}

/** Shown to guests for a registered-only work. */
export function RestrictedPage({ returnTo }: { returnTo: string }): JSX.Element {
  return (
    <div class="restricted">
      <h2 class="heading">Registered users only</h2>
      <p class="notice">This work is only available to registered users of the Archive.</p>
      <p>
        <a href={`/users/login?return_to=${encodeURIComponent(returnTo)}`}>Log in</a> or <a href="/signup">sign up</a> to read it.
      </p>
    </div>
  );
}
