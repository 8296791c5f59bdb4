import type { FastifyReply, FastifyRequest } from "fastify";
import type { TagRow } from "../platform/db/tables.js";
import { ERRORS } from "../platform/errors.js";
import type { FieldErrors } from "../platform/http/components.js";
import { setFlash, takeFlash } from "../platform/http/flash.js";
import { cleanSubmittedText, field } from "../platform/http/forms-parser.js";
import { pageParam, queryParam } from "../platform/http/routes.js";
import { formatNumber, t } from "../platform/i18n/index.js";
import type { DbOrTrx } from "../platform/db/index.js";
import { jobStatus, pendingJobs } from "../platform/jobs.js";
import { loginsOf } from "../model/users.js";
import { sendNotFoundWithSearch } from "./fandom-handlers.js";
import { canWrangle } from "./policy.js";
import { autocompleteTags, BIN_PER_PAGE, BIN_TYPES, type BinType, canonicalFandoms, countTagWorks, FANDOMS_PER_PAGE, fandomsWithoutMedia, searchTags, TAG_SEARCH_PER_PAGE, tagRelations, tagVisibleTo, unwrangledFandoms, unwrangledCounts, unwrangledTags, wranglingHistory } from "./queries.js";
import { findTagById, findTagByName } from "../model/tags.js";
import { REFILTER, runRefilterNow } from "./refilter.js";
import { cleanTagName, NEW_TAG_FIELDS, type NewTagValues, newTagErrors, readNewTagForm, readTagSearch, TAG_SEARCH_FIELDS } from "./schema.js";
import { NewTagPage, TagSearchPage } from "./views/new-and-search.js";
import { MASS_FIELDS, type MassFormValues, type PlannedOps, planMassWrangle, planTagEdit, readMassForm, readTagForm, TAG_FIELDS, tagFormValues, type TagFormValues } from "./schema.js";
import { tagFromParam, tagPath, type TagType } from "../model/vocabulary.js";
import { BIN_WORDS, binPath } from "./views/parts.js";
import { FandomBinPage, WranglingHomePage } from "./views/bins.js";
import { EditTagPage } from "./views/edit-page.js";
import { TagHistoryPage } from "./views/history.js";
import { hasBins, TagPage } from "./views/tag-page.js";
import { type WrangleResult, wrangle } from "./wrangling.js";

/**
 * Tag pages and the wrangling pages. A re-filter job with at most this many works runs before the
 * redirect, so the wrangler sees the result at once; a larger one is left to the background worker.
 */
export let RUN_NOW_LIMIT = 2000;
/** For tests: a lower limit shows the background path without 2,000 works. */
export function setRunNowLimit(limit: number): void {
  RUN_NOW_LIMIT = limit;
}

/** The tag named in a `/tags/NAME` URL, with AO3's escapes undone. */
function tagFromUrl(req: FastifyRequest): Promise<TagRow | undefined> {
  return findTagByName(req.db, tagFromParam((req.params as { name: string }).name));
}

/** The tag behind the URL when the viewer may wrangle it; otherwise 404 or 403 is sent. */
async function wranglableTag(req: FastifyRequest, reply: FastifyReply): Promise<TagRow | undefined> {
  const tag = await tagFromUrl(req);
  if (!tag) {
    reply.error("NOT_FOUND");
    return undefined;
  }
  if (!canWrangle(req.viewer)) {
    reply.error("FORBIDDEN");
    return undefined;
  }
  return tag;
}

/** The fandom behind the URL, for its bins (canonical, or not wrangled yet); 404 for any other tag. */
async function wranglableFandom(req: FastifyRequest, reply: FastifyReply): Promise<TagRow | undefined> {
  const tag = await wranglableTag(req, reply);
  if (tag && !hasBins(tag)) {
    reply.error("NOT_FOUND");
    return undefined;
  }
  return tag;
}

/** Unfinished re-filter jobs, for the progress lines. */
async function refilterJobs(db: DbOrTrx) {
  return (await pendingJobs(db)).filter((job) => job.kind === REFILTER);
}

/**
 * After a change was applied: runs a small re-filter now (a large one stays queued for the
 * worker) and leaves the result lines for the page the wrangler is sent to.
 */
async function finishWrangling(req: FastifyRequest, reply: FastifyReply, result: Extract<WrangleResult, { ok: true }>): Promise<void> {
  const lines = result.changes.length ? [...result.changes] : [t("tags.no_changes")];
  if (result.jobId !== null) {
    if (result.works <= RUN_NOW_LIMIT) await runRefilterNow(req.db, result.jobId);
    // Done now, or (large, held by another worker, or failed and queued again) left to the worker.
    const done = (await jobStatus(req.db, result.jobId))?.state === "done";
    lines.push(t(done ? "tags.refiltered" : "tags.refilter_queued", { count: formatNumber(result.works) }));
  }
  setFlash(req, reply, lines);
}

/** A refusal as a message by the field whose operation was refused. */
function refusal(plan: PlannedOps, result: Extract<WrangleResult, { ok: false }>, fallback: string): FieldErrors {
  return { [plan.fields[result.index] ?? fallback]: [result.message] };
}

export async function showTagPage(req: FastifyRequest, reply: FastifyReply) {
  const tag = await tagFromUrl(req);
  // A tag the viewer may not see (only on others' drafts, say) is not found, as a draft is.
  if (!tag || !(await tagVisibleTo(req.db, req.viewer, tag.id))) return sendNotFoundWithSearch(reply, tagFromParam((req.params as { name: string }).name));
  const canonical = tag.merger_id !== null ? await findTagById(req.db, tag.merger_id) : undefined;
  // Not stored: a wrangler may undo the synonym, and the tag's own page must come back at once.
  if (canonical) return reply.header("cache-control", "no-store").redirect(tagPath(canonical.name), 301);
  const wrangler = canWrangle(req.viewer);
  const [relations, works, jobs] = await Promise.all([tagRelations(req.db, tag, req.viewer), countTagWorks(req.db, req.viewer, tag), wrangler ? refilterJobs(req.db) : []]);
  const notices = takeFlash(req, reply);
  return reply.page(tag.name, <TagPage tag={tag} relations={relations} works={works} wrangler={wrangler} notices={notices} jobs={jobs} />, { mainClass: "tags-show" });
}

async function renderEditPage(req: FastifyRequest, reply: FastifyReply, tag: TagRow, values: TagFormValues | null, errors: FieldErrors, status = 200) {
  const [relations, works] = await Promise.all([tagRelations(req.db, tag, req.viewer), countTagWorks(req.db, req.viewer, tag)]);
  // A tag just created at /tags/new opens here, with the line saying so.
  const notices = takeFlash(req, reply);
  return reply.page(
    t("tags.edit_name", { name: tag.name }),
    <EditTagPage tag={tag} relations={relations} values={values ?? tagFormValues(tag, relations)} errors={errors} works={works} notices={notices} csrf={reply.csrf()} />,
    { status, mainClass: "tags-edit" },
  );
}

export async function showEditTagPage(req: FastifyRequest, reply: FastifyReply) {
  const tag = await wranglableTag(req, reply);
  if (!tag) return;
  return renderEditPage(req, reply, tag, null, {});
}

export async function saveTag(req: FastifyRequest, reply: FastifyReply) {
  const tag = await wranglableTag(req, reply);
  if (!tag) return;
  const values = readTagForm(req.body);
  const plan = planTagEdit(tag, await tagRelations(req.db, tag, req.viewer), values);
  const result = await wrangle(req.db, req.viewer.user!.id, plan.ops);
  if (!result.ok) return renderEditPage(req, reply, tag, values, refusal(plan, result, TAG_FIELDS.canonical), 422);
  await finishWrangling(req, reply, result);
  return reply.redirect(tagPath(tag.name), 303);
}

export async function showTagHistoryPage(req: FastifyRequest, reply: FastifyReply) {
  const tag = await wranglableTag(req, reply);
  if (!tag) return;
  const lines = await wranglingHistory(req.db, tag.id);
  const logins = await loginsOf(req.db, lines.flatMap((line) => (line.userId === null ? [] : [line.userId])));
  return reply.page(t("tags.history_of_name", { name: tag.name }), <TagHistoryPage tag={tag} lines={lines} logins={logins} />, { mainClass: "tags-history" });
}

/** `?show=characters` (or a form's `show` field) as a bin type; null for none or anything else. */
function binType(word: string): BinType | null {
  return BIN_TYPES.find((type) => BIN_WORDS[type] === word) ?? null;
}

async function renderBinPage(
  req: FastifyRequest,
  reply: FastifyReply,
  fandom: TagRow,
  show: BinType | null,
  page: number,
  values: MassFormValues,
  errors: FieldErrors,
  status = 200,
) {
  const [counts, list, jobs] = await Promise.all([
    unwrangledCounts(req.db, req.viewer, [fandom.id]),
    show ? unwrangledTags(req.db, req.viewer, fandom.id, show, page) : null,
    refilterJobs(req.db),
  ]);
  const pages = list ? Math.max(1, Math.ceil(list.total / BIN_PER_PAGE)) : 1;
  const notices = takeFlash(req, reply);
  return reply.page(
    t("tags.unwrangled_tags_in_name", { name: fandom.name }),
    <FandomBinPage
      fandom={fandom}
      counts={counts.get(fandom.id)!}
      show={show}
      list={list}
      page={page}
      pages={pages}
      values={values}
      errors={errors}
      notices={notices}
      jobs={jobs}
      csrf={reply.csrf()}
    />,
    { status, mainClass: "tags-wrangle" },
  );
}

export async function showFandomBinPage(req: FastifyRequest, reply: FastifyReply) {
  const fandom = await wranglableFandom(req, reply);
  if (!fandom) return;
  const values: MassFormValues = { selected: [], synonymOf: "", fandoms: fandom.name, canonical: false };
  return renderBinPage(req, reply, fandom, binType(queryParam(req, "show")), pageParam(req), values, {});
}

export async function massWrangle(req: FastifyRequest, reply: FastifyReply) {
  const fandom = await wranglableFandom(req, reply);
  if (!fandom) return;
  const show = binType(field(req.body, "show"));
  const page = Math.max(1, Math.min(1_000_000, Number.parseInt(field(req.body, "page"), 10) || 1));
  const values = readMassForm(req.body);
  const planned = planMassWrangle(values);
  if (!planned.ok) return renderBinPage(req, reply, fandom, show, page, values, planned.errors, 422);
  const result = await wrangle(req.db, req.viewer.user!.id, planned.plan.ops);
  if (!result.ok) return renderBinPage(req, reply, fandom, show, page, values, refusal(planned.plan, result, MASS_FIELDS.selected), 422);
  await finishWrangling(req, reply, result);
  return reply.redirect(binPath(fandom.name, show ?? undefined, page), 303);
}

export async function showWranglingHome(req: FastifyRequest, reply: FastifyReply) {
  const page = pageParam(req);
  const [{ total, fandoms }, withoutMedia, unwrangled, jobs] = await Promise.all([
    canonicalFandoms(req.db, page),
    fandomsWithoutMedia(req.db),
    unwrangledFandoms(req.db, req.viewer),
    refilterJobs(req.db),
  ]);
  const counts = await unwrangledCounts(
    req.db,
    req.viewer,
    [...fandoms, ...unwrangled.items].map((f) => f.id),
  );
  const pages = Math.max(1, Math.ceil(total / FANDOMS_PER_PAGE));
  return reply.page(
    t("tags.tag_wrangling"),
    <WranglingHomePage fandoms={fandoms} counts={counts} total={total} page={page} pages={pages} withoutMedia={withoutMedia} unwrangled={unwrangled} jobs={jobs} />,
    { mainClass: "tag-wranglings-index" },
  );
}

/** `/autocomplete/TYPE` words and the tag types they search; `tag` searches every type. */
const AUTOCOMPLETE_TYPES: Record<string, TagType | null> = {
  fandom: "Fandom",
  character: "Character",
  relationship: "Relationship",
  freeform: "Freeform",
  tag: null,
};

export async function autocomplete(req: FastifyRequest, reply: FastifyReply) {
  const word = (req.params as { type: string }).type;
  if (!Object.hasOwn(AUTOCOMPLETE_TYPES, word)) {
    return reply.code(404).type("application/problem+json").send({ status: 404, code: "NOT_FOUND", detail: t(ERRORS.NOT_FOUND.message) });
  }
  const term = queryParam(req, "term").slice(0, 150);
  const tags = await autocompleteTags(req.db, req.viewer, AUTOCOMPLETE_TYPES[word] ?? null, term);
  // Private: what is suggested depends on who asks (their own drafts' tags, registered-only works').
  return reply.header("cache-control", "private, max-age=60").header("vary", "Cookie").send(tags.map((tag) => ({ id: tag.id, name: tag.name })));
}

/* ---------------------------------------------------------------------------------------------
 * Creating tags and searching them.
 * ------------------------------------------------------------------------------------------- */

function renderNewTagPage(reply: FastifyReply, values: NewTagValues, errors: FieldErrors, status = 200) {
  return reply.page(t("tags.new.heading"), <NewTagPage values={values} errors={errors} csrf={reply.csrf()} />, { status, mainClass: "tags-new" });
}

export async function showNewTagPage(_req: FastifyRequest, reply: FastifyReply) {
  return renderNewTagPage(reply, { name: "", type: "Freeform", canonical: true }, {});
}

/** `POST /tags` (AO3's): creates the tag and opens its edit page, where its links are made. */
export async function createTagFromForm(req: FastifyRequest, reply: FastifyReply) {
  const values = readNewTagForm(req.body);
  const existing = await findTagByName(req.db, cleanTagName(values.name));
  const errors = newTagErrors(values, existing);
  if (Object.keys(errors).length) return renderNewTagPage(reply, values, errors, 422);
  const name = cleanTagName(values.name);
  const result = await wrangle(req.db, req.viewer.user!.id, [{ action: "create", name, type: values.type as TagType, canonical: values.canonical }]);
  // Checked above; a tag of the same name made a moment ago by someone else still lands here.
  if (!result.ok) return renderNewTagPage(reply, values, { [NEW_TAG_FIELDS.name]: [result.message] }, 422);
  await finishWrangling(req, reply, result);
  return reply.redirect(`${tagPath(name)}/edit`, 303);
}

export async function showTagSearch(req: FastifyRequest, reply: FastifyReply) {
  const asked = Object.values(TAG_SEARCH_FIELDS).some((name) => queryParam(req, name) !== "");
  const values = readTagSearch((name) => cleanSubmittedText(queryParam(req, name)));
  let results = null;
  if (asked) {
    const page = pageParam(req);
    const found = await searchTags(req.db, req.viewer, { ...values, page });
    results = { ...found, page, pages: Math.max(1, Math.ceil(found.total / TAG_SEARCH_PER_PAGE)) };
  }
  return reply.page(t("tags.search.heading"), <TagSearchPage values={values} results={results} />, { mainClass: "tags-search" });
}
