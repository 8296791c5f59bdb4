import type { FastifyReply, FastifyRequest } from "fastify";
import { findNewsTag, listNewsPosts, NEWS_POSTS_PER_PAGE, newsFeedPath, newsPath, newsPostPath, type NewsPost } from "../news/index.js";
import { pageParam, parseId, queryParam } from "../platform/http/routes.js";
import { t } from "../platform/i18n/index.js";
import { ATOM_TYPE, absolute, atomDocument, linkXml, newest } from "./atom.js";
import { pageLinks, sendAtom } from "./handlers.js";
import { htmlText, node, rfc3339, text } from "./xml.js";

/** One news post as an Atom entry: the whole post as its content, its news tags as categories. */
function newsEntry(base: string, post: NewsPost): string {
  const href = absolute(base, newsPostPath(post.id));
  return node("entry", {}, [
    text("id", href),
    text("title", post.title),
    text("updated", rfc3339(post.updated_at)),
    text("published", rfc3339(post.created_at)),
    ...post.tags.map((tag) => node("category", { term: tag.name, label: tag.name })),
    htmlText("content", post.content),
    linkXml({ rel: "alternate", type: "text/html", href }),
  ]);
}

/** `/admin_posts.atom` (`?tag=ID`): the news, newest first, as the listing page shows it. */
export async function newsFeed(req: FastifyRequest, reply: FastifyReply) {
  const tagParam = queryParam(req, "tag");
  const tagId = tagParam ? parseId(tagParam) : null;
  const tag = tagId ? await findNewsTag(req.db, tagId) : undefined;
  if (tagParam && !tag) return reply.error("NOT_FOUND");
  const page = pageParam(req);
  const { posts, total } = await listNewsPosts(req.db, { tagId: tag?.id ?? null, page });
  const base = req.config.publicUrl;
  const query = tag ? `?tag=${tag.id}` : "";
  const pages = Math.max(1, Math.ceil(total / NEWS_POSTS_PER_PAGE));
  const site = t("site.name");
  return sendAtom(
    reply,
    atomDocument({
      id: absolute(base, `${newsFeedPath}${query}`),
      title: tag ? t("news.feed.title_tagged", { site, name: tag.name }) : t("news.feed.title", { site }),
      updated: newest(posts.map((p) => rfc3339(p.updated_at))),
      links: [{ rel: "alternate", type: "text/html", href: absolute(base, `${newsPath}${query}`) }, ...pageLinks(req, newsFeedPath, { total, page, pages, blurbs: [] }, ATOM_TYPE)],
      entries: posts.map((post) => newsEntry(base, post)),
    }),
  );
}
