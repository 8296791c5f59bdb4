import type { FastifyReply, FastifyRequest } from "fastify";
import { idParam, queryParam } from "../platform/http/routes.js";
import { commentsFor } from "../comments/index.js";
import { workFeedbackFor } from "../responses/index.js";
import { seriesPlacesFor } from "../series/index.js";
import { ModerationNotice } from "../moderation/index.js";
import { giftLineFor } from "../gifts/index.js";
import { relatedPartsFor } from "../related/index.js";
import { ADULT_RATINGS } from "../model/vocabulary.js";
import { isCreator } from "../model/visibility.js";
import { chaptersOf, chaptersShown, readableChaptersOf, tagsOfWork, type Work } from "../model/works.js";
import { AdultNoticePage, NavigatePage } from "../works/index.js";
import { WorkPage } from "./views/work-page.js";
import { chapterHeading } from "../model/views/meta.js";
import { readableWork } from "../model/readable-work.js";
import { newReportPath } from "../reports/index.js";
import { t } from "../platform/i18n/index.js";

/*
 * The reading pages of a work (`/works/ID`, a chapter, the whole work, the chapter index): a page
 * that combines several capabilities (the work's text from the read model, kudos and bookmarks
 * from responses, comments, the series it belongs to, the download menu), so it is assembled
 * here, above the capabilities, from the fragments each one exports.
 */

/** "Title - Creator - Fandom", AO3's page title for a work. */
function workTitle(work: Work, fandoms: string[]): string {
  const creators = work.creators.map((c) => c.pseudName).join(", ") || t("subscriptions.mail.anonymous");
  return [work.title, creators, fandoms.length > 3 ? t("downloads.multifandom") : fandoms.join(", ")].filter(Boolean).join(" - ");
}

/** Shows a work or one chapter, after the adult notice where it applies. */
async function renderReading(req: FastifyRequest, reply: FastifyReply, work: Work, chapterId: number | null) {
  const creator = isCreator(req.viewer, work);
  const all = await chaptersOf(req.db, work.id);
  const chapters = chaptersShown(work, all);
  const tags = await tagsOfWork(req.db, work.id);
  const full = queryParam(req, "view_full_work") === "true";
  const shown = chapterId !== null ? chapters.filter((c) => c.id === chapterId) : full ? chapters : chapters.slice(0, 1);
  if (shown.length === 0) return reply.error("NOT_FOUND");

  const adult = tags.some((tag) => tag.type === "Rating" && ADULT_RATINGS.has(tag.name));
  if (queryParam(req, "view_adult") === "true") {
    reply.setCookie("view_adult", "true", { path: "/", httpOnly: true, sameSite: "lax", secure: req.config.publicUrl.startsWith("https:") });
  } else if (adult && !creator && req.cookies.view_adult !== "true") {
    const separator = req.url.includes("?") ? "&" : "?";
    return reply.page(work.title, <AdultNoticePage work={work} proceedHref={`${req.url}${separator}view_adult=true`} />, { mainClass: "works-show" });
  }
  const title = workTitle(work, tags.filter((tag) => tag.type === "Fandom").map((tag) => tag.name));
  const pageTitle = chapterId !== null && shown[0] ? `${chapterHeading(shown[0])} - ${title}` : title;
  const csrf = reply.csrf();
  const [feedback, series, gifts, related] = await Promise.all([
    workFeedbackFor(req, reply, work, csrf, shown.at(-1)?.id ?? null),
    seriesPlacesFor(req, work.id),
    giftLineFor(req.db, work.id),
    relatedPartsFor(req.db, req.viewer, work.id),
  ]);
  const comments = await commentsFor(req, work, chapterId, csrf, { onRequest: true });
  const reportHref = newReportPath(`${req.config.publicUrl.replace(/\/+$/, "")}${req.url.split("?")[0]}`);
  // Both are markup their capabilities built (escaped there); joined here, "" when there is neither.
  const associations: JSX.Element = `${await gifts}${await related.associations}`.trim();
  const page = (
    <WorkPage
      work={work}
      tags={tags}
      chapters={chapters}
      shown={shown}
      full={full}
      isCreator={creator}
      csrf={csrf}
      feedback={feedback}
      comments={comments}
      series={series}
      reportHref={reportHref}
      moderation={<ModerationNotice work={work} viewer={req.viewer} />}
      associations={associations}
      inspired={related.children}
    />
  );
  return reply.page(pageTitle, page, {
    mainClass: chapterId !== null ? "chapters-show" : "works-show",
  });
}

export async function showWorkPage(req: FastifyRequest, reply: FastifyReply) {
  const work = await readableWork(req, reply);
  if (!work) return;
  return renderReading(req, reply, work, null);
}

export async function showChapterPage(req: FastifyRequest, reply: FastifyReply) {
  const work = await readableWork(req, reply);
  if (!work) return;
  const chapterId = idParam(req, "chapterId");
  if (!chapterId) return reply.error("NOT_FOUND");
  return renderReading(req, reply, work, chapterId);
}

export async function showNavigatePage(req: FastifyRequest, reply: FastifyReply) {
  const work = await readableWork(req, reply);
  if (!work) return;
  const chapters = await readableChaptersOf(req.db, work);
  return reply.page(t("pages.chapter_index_title", { title: work.title }), <NavigatePage work={work} chapters={chapters} />, { mainClass: "works-navigate" });
}

