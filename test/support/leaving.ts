import type { Db } from "../../src/platform/db/index.js";
import { postComment } from "../../src/comments/commands.js";
import { createBookmark, leaveKudos } from "../../src/responses/commands.js";
import { recordVisit } from "../../src/responses/history.js";
import { addWorkToSeries, createSeries } from "../../src/series/commands.js";
import { subscribe } from "../../src/subscriptions/commands.js";
import { createPseud, createUser } from "../../src/users/commands.js";
import { createWork } from "../../src/works/commands.js";
import type { WorkInput } from "../../src/works/schema.js";

/**
 * A small archive for the leaving tests (src/leaving): a writer with two pseuds, works of each
 * kind (posted, a draft, one shared with a co-creator, two in a series), and readers' responses
 * to them; and the writer's own responses to someone else's work.
 */

export const PASSWORD = "lamp oil and patience";

export interface LeavingSeed {
  writer: { id: number; login: string; defaultPseud: number; moth: number };
  coCreator: { id: number; pseud: number };
  reader: { id: number };
  works: { byMoth: number; byDefault: number; shared: number; draft: number; othersWork: number; sharedDraft: number };
  seriesId: number;
  commentOnMoth: number;
  writerComment: number;
}

async function user(db: Db, login: string): Promise<{ id: number; pseud: number }> {
  const made = await createUser(db, { login, email: `${login}@example.org`, password: PASSWORD });
  if (!made.ok) throw new Error(`could not create ${login}`);
  const pseud = await db.selectFrom("pseuds").select("id").where("user_id", "=", made.value.id).executeTakeFirstOrThrow();
  return { id: made.value.id, pseud: pseud.id };
}

/** A work credited to these pseuds, in this order (a co-created work, for the tests). */
export async function workBy(db: Db, pseudIds: number[], title: string, options: { draft?: boolean; chapters?: string[] } = {}): Promise<number> {
  const input: WorkInput = {
    title,
    pseudIds,
    rating: "General Audiences",
    warnings: ["No Archive Warnings Apply"],
    categories: ["Gen"],
    tags: { Fandom: ["Original Work"], Relationship: [], Character: ["Mira"], Freeform: ["Lighthouses"] },
    language: "en",
    summary: `<p>The summary of ${title}.</p>`,
    notes: "",
    endnotes: "",
    restricted: false,
    commentPermission: "registered",
    expectedChapters: options.chapters?.length ?? 1,
    publishedOn: null,
  };
  const chapters = (options.chapters ?? [`<p>The text of ${title}.</p>`]).map((content) => ({ title: "", summary: "", notes: "", endnotes: "", content }));
  return (await createWork(db, input, chapters, { draft: options.draft ?? false })).workId;
}

export async function seedLeaving(db: Db, login = "lampwright"): Promise<LeavingSeed> {
  const writer = await user(db, login);
  const moth = await createPseud(db, writer.id, "Moth", "A <em>pseud</em>.");
  if (!moth.ok) throw new Error("no pseud");
  const coCreator = await user(db, "tidewatcher");
  const reader = await user(db, "harbourreader");
  const byMoth = await workBy(db, [moth.value.id], "Salt and Light", { chapters: ["<p>The lamp turned.</p>", "<p>By morning the sea was glass.</p>"] });
  const byDefault = await workBy(db, [writer.pseud], "Fog Bell");
  const shared = await workBy(db, [writer.pseud, coCreator.pseud], "Two Keepers");
  const draft = await workBy(db, [writer.pseud], "Unfinished Tide", { draft: true });
  const sharedDraft = await workBy(db, [coCreator.pseud, writer.pseud], "Shared Draft", { draft: true });
  const othersWork = await workBy(db, [coCreator.pseud], "The Other Shore");
  const seriesId = await createSeries(db, [moth.value.id], "The Lamp Cycle");
  await addWorkToSeries(db, seriesId, byMoth, null);
  await addWorkToSeries(db, seriesId, byDefault, null);

  // Readers' responses to the writer's works.
  await leaveKudos(db, byMoth, { userId: reader.id });
  await leaveKudos(db, byMoth, { guestIp: "192.0.2.9" });
  await createBookmark(db, reader.id, byMoth, { notes: "<p>Lovely.</p>", tags: ["comfort"], private: false, rec: true });
  const comment = await postComment(db, { workId: byMoth, creatorUserIds: [writer.id], chapterId: null, parent: null, author: { userId: reader.id }, input: { content: "<p>I loved the lamp.</p>", guest: null, token: null }, held: false });
  await subscribe(db, reader.id, "work", byMoth);
  await subscribe(db, reader.id, "user", writer.id);

  // The writer's own responses to someone else's work.
  await leaveKudos(db, othersWork, { userId: writer.id });
  await createBookmark(db, writer.id, othersWork, { notes: "<p>Read again in winter.</p>", tags: ["winter", "shore"], private: true, rec: false });
  await createBookmark(db, writer.id, byDefault, { notes: "", tags: [], private: false, rec: false });
  const writerComment = await postComment(db, {
    workId: othersWork,
    creatorUserIds: [coCreator.id],
    chapterId: null,
    parent: null,
    author: { userId: writer.id },
    input: { content: "<p>The shore, at last.</p>", guest: null, token: null },
    held: false,
  });
  await recordVisit(db, writer.id, { id: othersWork, revised_at: new Date().toISOString() }, null);
  await subscribe(db, writer.id, "user", coCreator.id);

  return {
    writer: { id: writer.id, login, defaultPseud: writer.pseud, moth: moth.value.id },
    coCreator: { id: coCreator.id, pseud: coCreator.pseud },
    reader: { id: reader.id },
    works: { byMoth, byDefault, shared, draft, othersWork, sharedDraft },
    seriesId,
    commentOnMoth: comment.id,
    writerComment: writerComment.id,
  };
}

/** A work's byline as (pseud name, login) pairs, in order. */
export async function bylineOf(db: Db, workId: number): Promise<string[]> {
  const rows = await db
    .selectFrom("work_creators")
    .innerJoin("pseuds", "pseuds.id", "work_creators.pseud_id")
    .innerJoin("users", "users.id", "pseuds.user_id")
    .select(["pseuds.name", "users.login"])
    .where("work_creators.work_id", "=", workId)
    .orderBy("work_creators.position")
    .execute();
  return rows.map((r) => `${r.name} (${r.login})`);
}

/** The same for a series. */
export async function seriesBylineOf(db: Db, seriesId: number): Promise<string[]> {
  const rows = await db
    .selectFrom("series_creators")
    .innerJoin("pseuds", "pseuds.id", "series_creators.pseud_id")
    .innerJoin("users", "users.id", "pseuds.user_id")
    .select(["pseuds.name", "users.login"])
    .where("series_creators.series_id", "=", seriesId)
    .orderBy("series_creators.position")
    .execute();
  return rows.map((r) => `${r.name} (${r.login})`);
}
