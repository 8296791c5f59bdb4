import type { FastifyReply, FastifyRequest } from "fastify";
import { t } from "../platform/i18n/index.js";
import { tagFromParam } from "../model/vocabulary.js";
import { fandomIndex, mediumNamed, tagCloud } from "./fandom-index.js";
import { AllFandomsPage, MediaPage, MediumFandomsPage, NotFoundWithSearch, TagCloudPage } from "./views/fandoms.js";

/** The pages readers find fandoms and tags from: `/media`, `/media/NAME/fandoms`, `/fandoms`, `/tags`. */

/**
 * A 404 page for a medium or tag name the archive does not have, with a search box holding the
 * name, so a reader who followed an old or mistyped link can look for it.
 */
export function sendNotFoundWithSearch(reply: FastifyReply, typed: string) {
  return reply.page(t("error.title", { status: 404 }), <NotFoundWithSearch typed={typed} />, { status: 404, mainClass: "error" });
}

export async function showMediaPage(req: FastifyRequest, reply: FastifyReply) {
  const { media } = await fandomIndex(req.db, req.viewer);
  return reply.page(t("fandoms.fandoms"), <MediaPage media={media} />, { mainClass: "media-index" });
}

export async function showMediumFandomsPage(req: FastifyRequest, reply: FastifyReply) {
  const param = (req.params as { name: string }).name;
  const medium = mediumNamed(await fandomIndex(req.db, req.viewer), param);
  if (!medium) return sendNotFoundWithSearch(reply, tagFromParam(param));
  return reply.page(t("fandoms.medium_fandoms_heading", { medium: medium.name }), <MediumFandomsPage medium={medium} />, { mainClass: "fandoms-index" });
}

export async function showAllFandomsPage(req: FastifyRequest, reply: FastifyReply) {
  const { fandoms } = await fandomIndex(req.db, req.viewer);
  return reply.page(t("fandoms.all_fandoms"), <AllFandomsPage fandoms={fandoms} />, { mainClass: "fandoms-index" });
}

export async function showTagCloudPage(req: FastifyRequest, reply: FastifyReply) {
  const tags = await tagCloud(req.db, req.viewer);
  return reply.page(t("fandoms.popular_tags"), <TagCloudPage tags={tags} />, { mainClass: "tags-index" });
}
