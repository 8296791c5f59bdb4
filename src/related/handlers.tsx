import type { FastifyReply, FastifyRequest } from "fastify";
import type { DbOrTrx } from "../platform/db/index.js";
import { setFlash, takeFlash } from "../platform/http/flash.js";
import { idParam } from "../platform/http/routes.js";
import type { Viewer } from "../platform/http/viewer.js";
import { t } from "../platform/i18n/index.js";
import { findUserByLogin } from "../model/users.js";
import { setLinkStatus } from "./commands.js";
import { approvedChildrenOf, linksToWorksOf, linkToWorkOf, type ParentRef, parentsOf } from "./queries.js";
import type { ParentLink } from "./schema.js";
import { ChildrenModule, ParentLines, RelatedWorksPage, TranslationLines } from "./views/pages.js";
import { relatedWorksPath } from "./views/paths.js";

/**
 * The related-works parts of a work's page: items for its `ul.associations` (what it is inspired
 * by or translates; its approved translations) and the "Works inspired by this one" module. Three
 * queries.
 */
export async function relatedPartsFor(db: DbOrTrx, viewer: Viewer, workId: number): Promise<{ associations: JSX.Element; children: JSX.Element }> {
  const [parents, children] = await Promise.all([parentsOf(db, workId), approvedChildrenOf(db, viewer, workId)]);
  return {
    associations: (
      <>
        <ParentLines parents={parents} viewer={viewer} />
        <TranslationLines translations={children.filter((c) => c.translation)} />
      </>
    ),
    children: <ChildrenModule children={children.filter((c) => !c.translation)} />,
  };
}

/** A stored link as the form's list of kept links takes it back. */
export function linkOf(ref: ParentRef): ParentLink {
  return ref.parent.kind === "work"
    ? { kind: "work", workId: ref.parent.work.id, translation: ref.translation }
    : { kind: "url", url: ref.parent.url, title: ref.parent.title, author: ref.parent.author, translation: ref.translation };
}

/** How the work form names a kept link: "Inspired by TITLE" / "A translation of TITLE". */
export function linkLabel(ref: ParentRef): string {
  const title = ref.parent.kind === "work" ? ref.parent.work.title : ref.parent.title;
  return `${t(ref.translation ? "related.translation_of" : "related.inspired_by")} ${title}`;
}

export async function showRelatedWorks(req: FastifyRequest, reply: FastifyReply) {
  const user = await findUserByLogin(req.db, (req.params as { login: string }).login);
  if (!user) return reply.error("NOT_FOUND");
  if (user.id !== req.viewer.user?.id) return reply.error("FORBIDDEN");
  const incoming = await linksToWorksOf(req.db, req.viewer, user.id);
  return reply.page(t("related.page_heading"), <RelatedWorksPage incoming={incoming} notices={takeFlash(req, reply)} csrf={reply.csrf()} />, { mainClass: "related-works-index" });
}

function answer(status: "approved" | "hidden") {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const user = req.viewer.user!;
    const id = idParam(req, "id");
    const link = id ? await linkToWorkOf(req.db, user.id, id) : undefined;
    // Someone else's link, or one from a draft (not theirs to see yet): not found.
    if (!link || !link.childPosted) return reply.error("NOT_FOUND");
    await setLinkStatus(req.db, link.id, status);
    setFlash(req, reply, [t(status === "approved" ? "related.approved_done" : "related.hidden_done", { title: link.childTitle })]);
    return reply.redirect(relatedWorksPath(user.login), 303);
  };
}

export const approveLink = answer("approved");
export const hideLink = answer("hidden");
