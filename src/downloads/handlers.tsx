import { open, type FileHandle } from "node:fs/promises";
import type { FastifyReply, FastifyRequest } from "fastify";
import { idParam, queryParam } from "../platform/http/routes.js";
import { t } from "../platform/i18n/index.js";
import { workVisibility } from "../model/visibility.js";
import { RestrictedPage } from "../model/readable-work.js";
import { buildDownload } from "./build.js";
import { cachedDownload, versionKey } from "./cache.js";
import { countDownload } from "./commands.js";
import { downloadFileName, formatOfFile, MEDIA_TYPES, type Paper } from "./file-name.js";
import { PdfBusyError, pdfAvailable } from "./pdf.js";
import { loadBookSource } from "./queries.js";
import { PdfBusyPage, PdfUnavailablePage } from "./views/pages.js";

/**
 * `GET /downloads/ID/NAME.FORMAT`: the work as EPUB, PDF, HTML or TXT. Whatever NAME is, the
 * file is the work's (as on AO3). The same visibility as the work page, except that drafts are
 * never downloaded, not even by their creators (as on AO3). Built once per work version and
 * format (./cache.ts), counted on every GET.
 */
export async function download(req: FastifyRequest, reply: FastifyReply) {
  const id = idParam(req, "id");
  const format = formatOfFile((req.params as { file?: string }).file ?? "");
  if (!id || !format) return reply.error("NOT_FOUND");
  const book = await loadBookSource(req.db, id);
  const visibility = book && book.work.posted ? workVisibility(req.viewer, book.work) : "no";
  if (!book || visibility === "no" || book.chapters.length === 0) return reply.error("WORK_NOT_FOUND");
  if (visibility === "login") return reply.page(t("works.registered_users_only"), <RestrictedPage returnTo={req.url} />, { status: 401 });
  if (format === "pdf" && !pdfAvailable()) return reply.page(t("downloads.pdf_unavailable"), <PdfUnavailablePage work={book.work} />, { status: 503 });

  const paper: Paper | null = format === "pdf" ? (queryParam(req, "paper") === "a5" ? "a5" : "letter") : null;
  const archive = { name: t("site.name"), publicUrl: req.config.publicUrl };
  const variant = paper ? `${format}-${paper}` : format;
  const file = async () =>
    open(
      await cachedDownload(req.config.dataDir, id, variant, versionKey(book, archive, format, paper), format, (temp) => buildDownload(req.db, book, archive, format, paper, temp)),
    );
  // Another process may replace the file between finding and opening it: then it is built again.
  let handle: FileHandle;
  try {
    try {
      handle = await file();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      handle = await file();
    }
  } catch (error) {
    if (!(error instanceof PdfBusyError)) throw error;
    reply.header("retry-after", "30");
    return reply.page(t("downloads.pdf_busy"), <PdfBusyPage work={book.work} />, { status: 503 });
  }
  let size: number;
  try {
    size = (await handle.stat()).size;
    if (req.method === "GET") await countDownload(req.db, id);
  } catch (error) {
    await handle.close();
    throw error;
  }
  const name = `${downloadFileName(book.work.title, id)}.${format}`;
  reply
    .header("content-type", MEDIA_TYPES[format])
    .header("content-disposition", `attachment; filename="${name}"`)
    .header("content-length", String(size))
    .header("cache-control", "private, max-age=300");
  if (req.method !== "GET") {
    await handle.close();
    return reply.send();
  }
  return reply.send(handle.createReadStream());
}
