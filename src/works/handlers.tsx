import type { FastifyReply, FastifyRequest } from "fastify";
import { field } from "../platform/http/forms-parser.js";
import { idParam, queryParam } from "../platform/http/routes.js";
import { rawHtml, ConfirmDeletePage } from "../platform/http/components.js";
import { hasRole } from "../platform/http/viewer.js";
import { todayIso } from "../platform/db/index.js";
import { htmlToTextarea } from "../platform/html/paragraphs.js";
import { t } from "../platform/i18n/index.js";
import { seriesJoin, workFormSeries } from "../series/index.js";
import { pseudsOf } from "../model/users.js";
import { ADULT_RATINGS, USER_TAG_TYPES } from "../model/vocabulary.js";
import { addChapter, createWork, deleteChapter, deleteWork, postDraft, reorderChapters, updateChapter, updateWork } from "./commands.js";
import { canEditWork, isCreator, workVisibility } from "../model/visibility.js";
import { chaptersOf, findWork, tagsOfWork, type Work } from "../model/works.js";
import { type ChapterFormValues, parseChapter, parseWork, readChapterForm, readWorkForm, type WorkFormValues } from "./schema.js";
import { ChapterFormPage, ManageChaptersPage } from "./views/pages.js";
import { chapterHeading } from "../model/views/meta.js";
import { chapterPath, workPath } from "../model/paths.js";
import { type AssociationChoices, WorkForm } from "./views/work-form.js";
import { type AssociationValues, checkAssociations } from "./associations.js";
import { pendingInvitationsOf } from "./cocreators.js";
import { giftRecipientsText } from "../gifts/index.js";
import { linkLabel, parentsOf } from "../related/index.js";
import type { Viewer } from "../platform/http/viewer.js";

const EMPTY_CHAPTER: ChapterFormValues = { title: "", summary: "", notes: "", endnotes: "", content: "" };

type LoggedIn = Viewer & { user: NonNullable<Viewer["user"]> };

/** The new-work form's co-creator, gift and related-work fields: all empty. */
const noAssociations = (): AssociationValues => ({ coCreators: "", cancelInvitations: [], recipients: "", parents: [{ url: "", title: "", author: "", translation: false }], removeParents: [], replaceParents: false });

/** The edit form's starting co-creator, gift and related-work fields: the gifts as stored, nothing new typed. */
async function storedAssociations(req: FastifyRequest, workId: number): Promise<AssociationValues> {
  return { ...noAssociations(), recipients: await giftRecipientsText(req.db, workId) };
}

/** What the edit form lists with a box each: the invitations still waiting and the related works kept. */
async function associationChoices(req: FastifyRequest, workId: number): Promise<AssociationChoices> {
  const [invitations, parents] = await Promise.all([pendingInvitationsOf(req.db, workId), parentsOf(req.db, workId)]);
  return { invitations: invitations.map((i) => ({ id: i.id, label: i.label })), parents: parents.map((p) => ({ id: p.linkId, label: linkLabel(p) })) };
}

/** The work behind `:id` when the viewer may edit it; otherwise 404 (not visible) or 403 is sent. */
async function editableWork(req: FastifyRequest, reply: FastifyReply): Promise<Work | undefined> {
  const id = idParam(req, "id");
  const work = id ? await findWork(req.db, id) : undefined;
  if (!work || workVisibility(req.viewer, work) !== "yes") {
    reply.error("WORK_NOT_FOUND");
    return undefined;
  }
  if (!canEditWork(req.viewer, work)) {
    reply.error("FORBIDDEN");
    return undefined;
  }
  return work;
}

/** A new work form's starting values (the JSON API starts from them too). */
export function defaultWorkValues(defaultPseudId: number | undefined): WorkFormValues {
  return {
    title: "",
    pseudIds: defaultPseudId ? [String(defaultPseudId)] : [],
    rating: "",
    warnings: [],
    categories: [],
    tags: { Fandom: "", Relationship: "", Character: "", Freeform: "" },
    language: "en",
    summary: "",
    notes: "",
    endnotes: "",
    restricted: false,
    commentPermission: "registered",
    expectedChapters: "1",
    backdate: false,
    publishedOn: "",
  };
}

export async function showNewWorkPage(req: FastifyRequest, reply: FastifyReply) {
  const [pseuds, series] = await Promise.all([pseudsOf(req.db, req.viewer.user!.id), workFormSeries(req, false)]);
  return reply.page(
    t("works.post_new_work"),
    <WorkForm mode="new" action="/works" values={{ ...defaultWorkValues(pseuds[0]?.id), associations: noAssociations() }} chapter={EMPTY_CHAPTER} errors={{}} pseuds={pseuds} csrf={reply.csrf()} series={series.fields({})} />,
    { mainClass: "works-new" },
  );
}

export async function postWork(req: FastifyRequest, reply: FastifyReply) {
  const pseuds = await pseudsOf(req.db, req.viewer.user!.id);
  const values = readWorkForm(req.body);
  const chapterValues = readChapterForm(req.body);
  const rules = { ownPseudIds: pseuds.map((p) => p.id), isAdmin: hasRole(req.viewer, "admin"), chapterCount: 1, today: todayIso() };
  const work = parseWork(values, rules);
  const chapter = parseChapter(chapterValues);
  const series = await workFormSeries(req, true);
  const associations = await checkAssociations(req.db, values.associations ?? {}, { viewer: req.viewer as LoggedIn, work: null, publicUrl: req.config.publicUrl });
  const render = (status: number, errors: Record<string, string[]>, preview?: JSX.Element) =>
    reply.page(
      t("works.post_new_work"),
      <WorkForm mode="new" action="/works" values={values} chapter={chapterValues} errors={errors} pseuds={pseuds} csrf={reply.csrf()} preview={preview} series={series.fields(errors)} />,
      { status, mainClass: "works-new" },
    );
  if (!work.ok || !chapter.ok || !series.parsed.ok || !associations.ok) {
    return render(422, { ...(work.ok ? {} : work.errors), ...(chapter.ok ? {} : chapter.errors), ...(series.parsed.ok ? {} : series.parsed.errors), ...(associations.ok ? {} : associations.errors) });
  }
  const commit = field(req.body, "commit");
  if (commit === "Preview") {
    return render(
      200,
      {},
      <div class="work">
        <h3 class="title heading" safe>
          {work.value.title}
        </h3>
        {work.value.summary ? <blockquote class="userstuff summary">{rawHtml(work.value.summary)}</blockquote> : ""}
        <div class="userstuff" lang={work.value.language}>
          {rawHtml(chapter.value.content)}
        </div>
      </div>,
    );
  }
  const created = await createWork(req.db, { ...work.value, associations: associations.value }, [chapter.value], { draft: commit === "Save As Draft", series: seriesJoin(series.parsed.value, work.value.pseudIds) });
  return reply.redirect(workPath(created.workId), 303);
}

/** The edit form's values from what is stored: HTML fields turned back into text-box form (the JSON API edits from them too). */
export function valuesFromWork(work: Work, tags: Awaited<ReturnType<typeof tagsOfWork>>): WorkFormValues {
  const names = (type: string) => tags.filter((tag) => tag.type === type).map((tag) => tag.name);
  const userTags = Object.fromEntries(USER_TAG_TYPES.map((type) => [type, names(type).join(", ")])) as WorkFormValues["tags"];
  return {
    title: work.title,
    pseudIds: work.creators.map((c) => String(c.pseudId)),
    rating: names("Rating")[0] ?? "",
    warnings: names("ArchiveWarning"),
    categories: names("Category"),
    tags: userTags,
    language: work.language,
    summary: htmlToTextarea(work.summary),
    notes: htmlToTextarea(work.notes),
    endnotes: htmlToTextarea(work.endnotes),
    restricted: work.restricted === 1,
    commentPermission: work.comment_permission,
    moderatedComments: work.moderated_comments === 1,
    expectedChapters: work.expected_chapters === null ? "?" : String(work.expected_chapters),
    backdate: work.backdated === 1,
    publishedOn: work.backdated ? work.published_on : "",
  };
}

export async function showEditWorkPage(req: FastifyRequest, reply: FastifyReply) {
  const work = await editableWork(req, reply);
  if (!work) return;
  const [pseuds, tags, series, associations, choices] = await Promise.all([
    pseudsOf(req.db, req.viewer.user!.id),
    tagsOfWork(req.db, work.id),
    workFormSeries(req, false, work.id),
    storedAssociations(req, work.id),
    associationChoices(req, work.id),
  ]);
  const values = { ...valuesFromWork(work, tags), associations };
  return reply.page(t("series.edit_title", { title: work.title }), <WorkForm mode="edit" action={workPath(work.id)} values={values} errors={{}} pseuds={pseuds} csrf={reply.csrf()} series={series.fields({})} choices={choices} />, {
    mainClass: "works-edit",
  });
}

export async function saveWork(req: FastifyRequest, reply: FastifyReply) {
  const work = await editableWork(req, reply);
  if (!work) return;
  const pseuds = await pseudsOf(req.db, req.viewer.user!.id);
  // The editor ticks their own pseuds; every other creator keeps theirs (only they can leave).
  const ownPseudIds = pseuds.map((p) => p.id);
  const values = readWorkForm(req.body);
  const chapterCount = (await chaptersOf(req.db, work.id)).length;
  const parsed = parseWork(values, { ownPseudIds, isAdmin: hasRole(req.viewer, "admin"), chapterCount, today: todayIso() });
  const series = await workFormSeries(req, true, work.id);
  const associations = await checkAssociations(req.db, values.associations ?? {}, { viewer: req.viewer as LoggedIn, work, publicUrl: req.config.publicUrl });
  if (!parsed.ok || !series.parsed.ok || !associations.ok) {
    const errors = { ...(parsed.ok ? {} : parsed.errors), ...(series.parsed.ok ? {} : series.parsed.errors), ...(associations.ok ? {} : associations.errors) };
    const choices = await associationChoices(req, work.id);
    return reply.page(
      t("series.edit_title", { title: work.title }),
      <WorkForm mode="edit" action={workPath(work.id)} values={values} errors={errors} pseuds={pseuds} csrf={reply.csrf()} series={series.fields(errors)} choices={choices} />,
      { status: 422, mainClass: "works-edit" },
    );
  }
  // A new series is credited to the editor's own pseuds on the work, never a co-creator's.
  const ownOnWork = parsed.value.pseudIds;
  await updateWork(
    req.db,
    work.id,
    { ...parsed.value, associations: associations.value, editorUserId: req.viewer.user!.id },
    seriesJoin(series.parsed.value, ownOnWork.length ? ownOnWork : pseuds.slice(0, 1).map((p) => p.id)),
  );
  return reply.redirect(workPath(work.id), 303);
}

export async function showNewChapterPage(req: FastifyRequest, reply: FastifyReply) {
  const work = await editableWork(req, reply);
  if (!work) return;
  return reply.page(
    t("works.new_chapter_title", { title: work.title }),
    <ChapterFormPage work={work} heading={t("works.new_chapter")} action={`/works/${work.id}/chapters`} values={EMPTY_CHAPTER} errors={{}} csrf={reply.csrf()} />,
  );
}

export async function postChapter(req: FastifyRequest, reply: FastifyReply) {
  const work = await editableWork(req, reply);
  if (!work) return;
  const values = readChapterForm(req.body);
  const parsed = parseChapter(values);
  if (!parsed.ok) {
    return reply.page(t("works.new_chapter_title", { title: work.title }), <ChapterFormPage work={work} heading={t("works.new_chapter")} action={`/works/${work.id}/chapters`} values={values} errors={parsed.errors} csrf={reply.csrf()} />, {
      status: 422,
    });
  }
  const chapterId = await addChapter(req.db, work.id, parsed.value);
  return reply.redirect(chapterPath(work.id, chapterId), 303);
}

async function editableChapter(req: FastifyRequest, reply: FastifyReply) {
  const work = await editableWork(req, reply);
  if (!work) return undefined;
  const chapterId = idParam(req, "chapterId");
  const chapters = await chaptersOf(req.db, work.id);
  const chapter = chapters.find((c) => c.id === chapterId);
  if (!chapter) {
    reply.error("NOT_FOUND");
    return undefined;
  }
  return { work, chapter, chapters };
}

export async function showEditChapterPage(req: FastifyRequest, reply: FastifyReply) {
  const found = await editableChapter(req, reply);
  if (!found) return;
  const { work, chapter } = found;
  const values: ChapterFormValues = {
    title: chapter.title,
    summary: htmlToTextarea(chapter.summary),
    notes: htmlToTextarea(chapter.notes),
    endnotes: htmlToTextarea(chapter.endnotes),
    content: htmlToTextarea(chapter.content),
  };
  return reply.page(
    t("works.edit_value_title", { value: chapterHeading(chapter), title: work.title }),
    <ChapterFormPage work={work} heading={t("works.edit_value", { value: chapterHeading(chapter) })} action={chapterPath(work.id, chapter.id)} values={values} errors={{}} csrf={reply.csrf()} />,
  );
}

export async function saveChapter(req: FastifyRequest, reply: FastifyReply) {
  const found = await editableChapter(req, reply);
  if (!found) return;
  const { work, chapter } = found;
  const values = readChapterForm(req.body);
  const parsed = parseChapter(values);
  if (!parsed.ok) {
    return reply.page(
      t("works.edit_value_title", { value: chapterHeading(chapter), title: work.title }),
      <ChapterFormPage work={work} heading={t("works.edit_value", { value: chapterHeading(chapter) })} action={chapterPath(work.id, chapter.id)} values={values} errors={parsed.errors} csrf={reply.csrf()} />,
      { status: 422 },
    );
  }
  await updateChapter(req.db, work.id, chapter.id, parsed.value);
  return reply.redirect(chapterPath(work.id, chapter.id), 303);
}

export async function showManageChaptersPage(req: FastifyRequest, reply: FastifyReply) {
  const work = await editableWork(req, reply);
  if (!work) return;
  const chapters = await chaptersOf(req.db, work.id);
  return reply.page(t("works.manage_chapters_title", { title: work.title }), <ManageChaptersPage work={work} chapters={chapters} errors={{}} positions={{}} csrf={reply.csrf()} />);
}

export async function saveChapterOrder(req: FastifyRequest, reply: FastifyReply) {
  const work = await editableWork(req, reply);
  if (!work) return;
  const chapters = await chaptersOf(req.db, work.id);
  const positions: Record<number, string> = {};
  for (const chapter of chapters) positions[chapter.id] = field(req.body, `position[${chapter.id}]`).trim();
  const numbers = chapters.map((c) => Number(positions[c.id]));
  const valid = numbers.every((n) => Number.isInteger(n) && n >= 1 && n <= chapters.length) && new Set(numbers).size === chapters.length;
  if (!valid) {
    const errors = { positions: [t("works.reorder_invalid", { count: chapters.length })] };
    return reply.page(t("works.manage_chapters_title", { title: work.title }), <ManageChaptersPage work={work} chapters={chapters} errors={errors} positions={positions} csrf={reply.csrf()} />, { status: 422 });
  }
  const ordered = [...chapters].sort((a, b) => Number(positions[a.id]) - Number(positions[b.id])).map((c) => c.id);
  await reorderChapters(req.db, work.id, ordered);
  return reply.redirect(`/works/${work.id}/navigate`, 303);
}

export async function showDeleteChapterPage(req: FastifyRequest, reply: FastifyReply) {
  const found = await editableChapter(req, reply);
  if (!found) return;
  const { work, chapter, chapters } = found;
  if (chapters.length === 1) return reply.page(t("works.delete_chapter"), <p class="notice" safe>{t("works.last_chapter")}</p>, { status: 409 });
  return reply.page(
    t("works.delete_chapter"),
    <ConfirmDeletePage what={t("works.value_of_title", { value: chapterHeading(chapter), title: work.title })} action={`${chapterPath(work.id, chapter.id)}/delete`} cancelHref={chapterPath(work.id, chapter.id)} csrf={reply.csrf()} />,
  );
}

export async function removeChapter(req: FastifyRequest, reply: FastifyReply) {
  const found = await editableChapter(req, reply);
  if (!found) return;
  const { work, chapter, chapters } = found;
  if (chapters.length === 1) return reply.page(t("works.delete_chapter"), <p class="notice" safe>{t("works.last_chapter")}</p>, { status: 409 });
  await deleteChapter(req.db, work.id, chapter.id);
  return reply.redirect(workPath(work.id), 303);
}

export async function publishDraft(req: FastifyRequest, reply: FastifyReply) {
  const work = await editableWork(req, reply);
  if (!work) return;
  if (!work.posted) await postDraft(req.db, work.id);
  return reply.redirect(workPath(work.id), 303);
}

export async function showDeleteWorkPage(req: FastifyRequest, reply: FastifyReply) {
  const work = await editableWork(req, reply);
  if (!work) return;
  return reply.page(t("works.delete_work_2"), <ConfirmDeletePage what={work.title} action={`/works/${work.id}/delete`} cancelHref={workPath(work.id)} csrf={reply.csrf()} />);
}

export async function removeWork(req: FastifyRequest, reply: FastifyReply) {
  const work = await editableWork(req, reply);
  if (!work) return;
  await deleteWork(req.db, work.id);
  return reply.redirect(`/users/${encodeURIComponent(req.viewer.user!.login)}/works`, 303);
}
