import { escapeHtml } from "@kitajs/html";
import { formatNumber, t } from "../../platform/i18n/index.js";
import type { TagSummary } from "../queries.js";
import { TAG_TYPES, tagPath, tagTypeLabel } from "../../model/vocabulary.js";

/** Pieces the tag and wrangling pages share. */

/** A tag type as people read it ("Additional Tags" for Freeform); Media has no label of its own. */
export function typeLabel(type: string, plural = false): string {
  return tagTypeLabel(type, plural);
}

/** Types in the order a work shows them, Media first (it sits above fandoms). */
export const TYPE_ORDER: string[] = ["Media", ...TAG_TYPES];

/** Groups tags by type, in display order. */
export function byType(tags: TagSummary[]): [string, TagSummary[]][] {
  const groups = new Map<string, TagSummary[]>();
  for (const tag of tags) groups.set(tag.type, [...(groups.get(tag.type) ?? []), tag]);
  return [...groups].sort((a, b) => TYPE_ORDER.indexOf(a[0]) - TYPE_ORDER.indexOf(b[0]));
}

export function editTagPath(name: string): string {
  return `${tagPath(name)}/edit`;
}

export function tagHistoryPath(name: string): string {
  return `${tagPath(name)}/history`;
}

export function tagWorksPath(name: string): string {
  return `${tagPath(name)}/works`;
}

/** The `?show=` word for each bin type. */
export const BIN_WORDS = { Character: "characters", Relationship: "relationships", Freeform: "freeforms" } as const;

export function binPath(fandomName: string, type?: keyof typeof BIN_WORDS, page = 1): string {
  const base = `${tagPath(fandomName)}/wrangle`;
  if (!type) return base;
  return `${base}?show=${BIN_WORDS[type]}${page > 1 ? `&page=${page}` : ""}`;
}

/** A tag linked to its page, marked canonical by a class (readers' styles may show it). */
export function TagLinkTo({ tag, href }: { tag: TagSummary; href?: string }): JSX.Element {
  return (
    <a class={tag.canonical ? "tag canonical" : "tag"} href={href ?? tagPath(tag.name)} safe>
      {tag.name}
    </a>
  );
}

/** Tags as a comma-separated list, with "and N more" when the list was capped. */
export function TagList({ tags, total, href }: { tags: TagSummary[]; total?: number; href?: (tag: TagSummary) => string }): JSX.Element {
  const more = (total ?? tags.length) - tags.length;
  return (
    <>
      <ul class="tags commas">
        {tags.map((tag) => (
          <li>
            <TagLinkTo tag={tag} href={href?.(tag)} />
          </li>
        ))}
      </ul>
      {more > 0 ? <p class="more" safe>{t("tags.and_more_more", { more: formatNumber(more) })}</p> : ""}
    </>
  );
}

/** What a wrangling change did, shown once on the page after the redirect. */
export function Notices({ lines }: { lines: string[] }): JSX.Element {
  if (lines.length === 0) return "";
  return (
    <div class="flash notice" role="status">
      <ul>
        {lines.map((line) => (
          <li safe>{line}</li>
        ))}
      </ul>
    </div>
  );
}

export interface JobProgressRow {
  id: number;
  done_count: number;
  total: number;
  state: string;
}

/** Unfinished re-filter jobs with their progress ("Re-filtering works: 3,000 of 100,000"). */
export function JobProgress({ jobs }: { jobs: JobProgressRow[] }): JSX.Element {
  if (jobs.length === 0) return "";
  return (
    <section class="jobs" aria-labelledby="jobs-heading">
      <h3 safe class="heading" id="jobs-heading">{t("tags.background_work")}</h3>
      <ul>
        {jobs.map((job) => (
          <li>
            <span safe>{t("tags.refilter_progress", { done: formatNumber(Math.min(job.done_count, job.total)), total: formatNumber(job.total) })}</span>{" "}
            <span class="hint">{job.state === "running" ? t("tags.running") : escapeHtml(t("tags.waiting_for_the_worker"))}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
