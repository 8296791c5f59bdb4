import { type RawBuilder, sql } from "kysely";
import { FACET_SIZE, FACET_TYPES, type ListingQuery, type ListingResult, type NumberColumn, SORT_COLUMNS, storedBound } from "../listing/index.js";
import { type DbOrTrx, dialectOf } from "../platform/db/index.js";

/**
 * A works listing (src/listing's ListingQuery) answered by plain SQL, written as well as we know
 * how (indexed sort columns, semi-joins on work_filters' (tag_id, work_id) index, one
 * materialized set for the facets). It is the baseline `fanfold bench browse` measures the index
 * against, and the second opinion the property test checks it with; no listing the archive
 * serves comes from here (the listing engine answers them all).
 */
export async function sqlListing(db: DbOrTrx, q: ListingQuery): Promise<ListingResult> {
  const where = whereClause(db, q);
  const total = await countMatching(db, where);
  const workIds = await pageOfMatching(db, where, q);
  const facets = await facetsOfMatching(db, where);
  return { total, workIds, facets };
}

export async function countMatching(db: DbOrTrx, where: RawBuilder<unknown>): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from works w where ${where}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

export async function pageOfMatching(db: DbOrTrx, where: RawBuilder<unknown>, q: ListingQuery): Promise<number[]> {
  const column = sql.ref(`w.${SORT_COLUMNS[q.sort].column}`);
  const direction = q.direction === "asc" ? sql`asc` : sql`desc`;
  const { rows } = await sql<{ id: number }>`select w.id from works w where ${where}
    order by ${column} ${direction}, w.id ${direction} limit ${q.perPage} offset ${(q.page - 1) * q.perPage}`.execute(db);
  return rows.map((r) => Number(r.id));
}

export async function facetsOfMatching(db: DbOrTrx, where: RawBuilder<unknown>): Promise<ListingResult["facets"]> {
  // Top ten per type without ranking every group: one bounded query per type over one counted set.
  const arms = FACET_TYPES.map(
    ({ type }) => sql`select * from (select t.type as type, c.tag_id as tag_id, c.n as n from c join tags t on t.id = c.tag_id
      where t.type = ${type} order by c.n desc, c.tag_id asc limit ${FACET_SIZE}) as ${sql.id(`top_${type}`)}`,
  );
  const { rows } = await sql<{ type: string; tag_id: number; n: number }>`with m as materialized (select w.id from works w where ${where}),
    c as materialized (select f.tag_id, count(*) as n from work_filters f join m on m.id = f.work_id where f.inherited = 0 group by f.tag_id)
    ${sql.join(arms, sql` union all `)}`.execute(db);
  const facets: ListingResult["facets"] = {};
  for (const { type } of FACET_TYPES) facets[type] = [];
  for (const row of rows) facets[row.type as keyof typeof facets]!.push({ tagId: Number(row.tag_id), count: Number(row.n) });
  for (const list of Object.values(facets)) list!.sort((a, b) => b.count - a.count || a.tagId - b.tagId);
  return facets;
}

/** The query's conditions on `works w`. */
export function whereClause(db: DbOrTrx, q: ListingQuery): RawBuilder<unknown> {
  const conditions: RawBuilder<unknown>[] = [sql`w.posted = 1`];
  if (!q.loggedIn) conditions.push(sql`w.restricted = 0`);
  if (!q.seesHidden) {
    conditions.push(
      q.viewerUserId !== undefined
        ? sql`(w.hidden_by_admin = 0 or w.id in (select wc.work_id from work_creators wc join pseuds p on p.id = wc.pseud_id where p.user_id = ${q.viewerUserId}))`
        : sql`w.hidden_by_admin = 0`,
    );
  }
  const inFilter = (tagId: number) => sql`w.id in (select work_id from work_filters where tag_id = ${tagId})`;
  if (q.scope.kind === "filter") conditions.push(inFilter(q.scope.tagId));
  if (q.scope.kind === "pseud") conditions.push(sql`w.id in (select work_id from work_creators where pseud_id = ${q.scope.pseudId})`);
  if (q.scope.kind === "user") {
    conditions.push(sql`w.id in (select wc.work_id from work_creators wc join pseuds p on p.id = wc.pseud_id where p.user_id = ${q.scope.userId})`);
  }
  for (const tagId of q.includeTagIds) conditions.push(inFilter(tagId));
  if (q.excludeTagIds.length) {
    const list = sql.join(q.excludeTagIds.map((id) => sql`${id}`));
    // SQLite runs an uncorrelated NOT IN list faster when nothing else narrows the works first;
    // PostgreSQL plans NOT EXISTS as an anti-join.
    conditions.push(
      dialectOf(db) === "sqlite"
        ? sql`w.id not in (select work_id from work_filters where tag_id in (${list}))`
        : sql`not exists (select 1 from work_filters x where x.work_id = w.id and x.tag_id in (${list}))`,
    );
  }
  if (q.excludeUserIds?.length) {
    const users = sql.join(q.excludeUserIds.map((id) => sql`${id}`));
    conditions.push(sql`w.id not in (select wc.work_id from work_creators wc join pseuds p on p.id = wc.pseud_id where p.user_id in (${users}))`);
  }
  if (q.excludeWorkIds?.length) conditions.push(sql`w.id not in (${sql.join(q.excludeWorkIds.map((id) => sql`${id}`))})`);
  for (const ids of q.withinWorkIds ?? []) conditions.push(ids.length ? sql`w.id in (${sql.join(ids.map((id) => sql`${id}`))})` : sql`1 = 0`);
  if (q.language) conditions.push(sql`w.language = ${q.language}`);
  if (q.completion === "complete") conditions.push(sql`w.complete = 1`);
  if (q.completion === "in_progress") conditions.push(sql`w.complete = 0`);
  if (q.crossover === "only") conditions.push(sql`w.crossover = 1`);
  if (q.crossover === "exclude") conditions.push(sql`w.crossover = 0`);
  for (const [column, range] of Object.entries(q.ranges ?? {}) as [NumberColumn, { min?: number; max?: number }][]) {
    const ref = sql.ref(`w.${column}`);
    if (range.min !== undefined) conditions.push(sql`${ref} >= ${storedBound(column, range.min, "min")}`);
    if (range.max !== undefined) conditions.push(sql`${ref} <= ${storedBound(column, range.max, "max")}`);
  }
  return sql.join(conditions, sql` and `);
}
