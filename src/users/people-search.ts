import type { TrustedHtml } from "../platform/html/trusted-html.js";
import { sql } from "kysely";
import type { FastifyRequest } from "fastify";
import type { DbOrTrx } from "../platform/db/index.js";
import { stripControlChars } from "../platform/html/sanitize.js";
import { queryParam } from "../platform/http/routes.js";
import type { Viewer } from "../platform/http/viewer.js";
import { listableWorkIds } from "../model/visibility.js";

/** AO3's people search form: `people_search[name]`, matched against pseuds and logins. */
export const PEOPLE_NAME_PARAM = "people_search[name]";
export const PEOPLE_PER_PAGE = 20;

/** Longer than any name: the rest is cut, never refused with a 500. */
const MAX_NAME = 200;

/** The name as typed: trimmed, runs of blanks made one, bounded, control characters (which PostgreSQL refuses in text) dropped. */
export function readPeopleSearch(req: FastifyRequest): string {
  return stripControlChars(queryParam(req, PEOPLE_NAME_PARAM)).replace(/\s+/g, " ").trim().slice(0, MAX_NAME);
}

/** One pseud found, with its user and how many works this viewer may see under it. */
export interface PersonFound {
  pseudId: number;
  pseud: string;
  login: string;
  /** Sanitized HTML, as stored. */
  description: TrustedHtml;
  works: number;
}

/**
 * Pseuds whose name, or whose user's login, contains the typed text (case folded; LIKE's own
 * wildcards match themselves), alphabetically. Each counts only the works the viewer may see
 * listed (the one visibility predicate), so drafts and registered-only works are never counted
 * for those who may not see them.
 */
export async function searchPeople(db: DbOrTrx, viewer: Viewer, name: string, page: number): Promise<{ total: number; people: PersonFound[] }> {
  const pattern = `%${name.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const contains = (column: string) => sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
  const base = db
    .selectFrom("pseuds")
    .innerJoin("users", "users.id", "pseuds.user_id")
    .where((eb) => eb.or([contains("pseuds.name"), contains("users.login")]));
  const [count, rows] = await Promise.all([
    base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirst(),
    base
      .select(["pseuds.id", "pseuds.name", "pseuds.description", "users.login"])
      .select((eb) =>
        eb
          .selectFrom("work_creators")
          .select((w) => w.fn.countAll<number>().as("n"))
          .whereRef("work_creators.pseud_id", "=", "pseuds.id")
          .where("work_creators.work_id", "in", listableWorkIds(db, viewer))
          .as("works"),
      )
      .orderBy("pseuds.name_key")
      .orderBy("users.login_key")
      .orderBy("pseuds.id")
      .limit(PEOPLE_PER_PAGE)
      .offset((page - 1) * PEOPLE_PER_PAGE)
      .execute(),
  ]);
  return {
    total: Number(count?.n ?? 0),
    people: rows.map((r) => ({ pseudId: r.id, pseud: r.name, login: r.login, description: r.description, works: Number(r.works ?? 0) })),
  };
}
