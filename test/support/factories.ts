import type { Db } from "../../src/platform/db/index.js";
import { createUser } from "../../src/users/commands.js";
import { createWork } from "../../src/works/commands.js";
import type { WorkInput } from "../../src/works/schema.js";

/** A user with its default pseud, for tests that post works through the commands. */
export async function makeCreator(db: Db, login = "maker"): Promise<{ userId: number; pseudId: number }> {
  const user = await createUser(db, { login, email: `${login}@example.com`, password: "factory password" });
  if (!user.ok) throw new Error(`could not create ${login}`);
  const pseud = await db.selectFrom("pseuds").select("id").where("user_id", "=", user.value.id).executeTakeFirstOrThrow();
  return { userId: user.value.id, pseudId: pseud.id };
}

export interface WorkTags {
  fandoms?: string[];
  relationships?: string[];
  characters?: string[];
  freeforms?: string[];
  rating?: string;
  restricted?: boolean;
  draft?: boolean;
  title?: string;
  language?: string;
  summary?: string;
  notes?: string;
  /** Absent: a one-shot (1). */
  expectedChapters?: number | null;
  /** Each chapter's HTML (default: one short chapter). */
  chapters?: string[];
}

/** Posts a work through the same command the form uses; returns its id. */
export async function makeWork(db: Db, pseudId: number, tags: WorkTags = {}): Promise<number> {
  const input: WorkInput = {
    title: tags.title ?? "Factory Work",
    pseudIds: [pseudId],
    rating: tags.rating ?? "General Audiences",
    warnings: ["No Archive Warnings Apply"],
    categories: [],
    tags: {
      Fandom: tags.fandoms ?? ["Original Work"],
      Relationship: tags.relationships ?? [],
      Character: tags.characters ?? [],
      Freeform: tags.freeforms ?? [],
    },
    language: tags.language ?? "en",
    summary: tags.summary ?? "",
    notes: tags.notes ?? "",
    endnotes: "",
    restricted: tags.restricted ?? false,
    commentPermission: "registered",
    expectedChapters: tags.expectedChapters === undefined ? 1 : tags.expectedChapters,
    publishedOn: null,
  };
  const chapters = (tags.chapters ?? ["<p>Some words for the factory.</p>"]).map((content) => ({ title: "", summary: "", notes: "", endnotes: "", content }));
  const { workId } = await createWork(db, input, chapters, { draft: tags.draft ?? false });
  return workId;
}
