import type { TagRow } from "../../platform/db/tables.js";
import { formatNumber, t } from "../../platform/i18n/index.js";
import type { TagRelations, TagSummary } from "../queries.js";
import { tagPath } from "../../model/vocabulary.js";
import { byType, editTagPath, binPath, JobProgress, type JobProgressRow, Notices, TagList, tagHistoryPath, tagWorksPath, typeLabel } from "./parts.js";

/** One sentence on where a tag stands in wrangling. */
export function statusSentence(tag: TagRow, merger: TagSummary | null): string {
  const kind = t("tags.this_tag_belongs_to_the", { value: typeLabel(tag.type) });
  if (merger) return t("tags.kind_it_is_a_synonym", { kind, name: merger.name });
  if (tag.canonical) return t("tags.kind_it_is_a_canonical", { kind });
  if (tag.unwrangleable) return t("tags.kind_it_has_been_marked", { kind });
  return t("tags.kind_it_has_not_been", { kind });
}

/** Whether a tag has wrangling bins: a canonical fandom, or a fandom nobody has wrangled yet. */
export function hasBins(tag: TagRow): boolean {
  return tag.type === "Fandom" && (tag.canonical === 1 || (tag.merger_id === null && tag.unwrangleable === 0));
}

/** Links a wrangler uses from any tag page. */
export function WranglerLinks({ tag, current }: { tag: TagRow; current: "show" | "edit" | "history" | "bin" }): JSX.Element {
  const isBin = hasBins(tag);
  const link = (key: typeof current, href: string, text: string) => (
    <li>{key === current ? <span aria-current="page" safe>{text}</span> : <a href={href} safe>{text}</a>}</li>
  );
  return (
    <nav aria-label={t("nav.wrangling")}>
      <ul class="navigation actions">
        {link("show", tagPath(tag.name), t("tags.tag_page"))}
        {link("edit", editTagPath(tag.name), t("tags.edit_tag"))}
        {link("history", tagHistoryPath(tag.name), t("tags.wrangling_history"))}
        {isBin ? link("bin", binPath(tag.name), t("tags.unwrangled_tags_in_this_fandom")) : ""}
        <li>
          <a safe href="/wrangling">{t("tags.wrangling_home")}</a>
        </li>
      </ul>
    </nav>
  );
}

interface TagPageProps {
  tag: TagRow;
  relations: TagRelations;
  works: number;
  wrangler: boolean;
  notices: string[];
  jobs: JobProgressRow[];
}

/** `/tags/NAME`: what a tag is and how it is wrangled. */
export function TagPage({ tag, relations, works, wrangler, notices, jobs }: TagPageProps): JSX.Element {
  const childGroups = byType([...relations.children.values()].flatMap((list) => list.items)).map(
    ([type, tags]): [string, TagSummary[], number] => [type, tags, relations.children.get(type)?.total ?? tags.length],
  );
  return (
    <div class={`tag home ${tag.type.toLowerCase()}`}>
      <h2 class="heading" safe>
        {tag.name}
      </h2>
      <Notices lines={notices} />
      {wrangler ? <JobProgress jobs={jobs} /> : ""}
      {wrangler ? <WranglerLinks tag={tag} current="show" /> : ""}
      <p class="status" safe>
        {statusSentence(tag, relations.merger)}
      </p>
      <p class="works">
        <a safe href={tagWorksPath(tag.name)}>{t("tags.works_in_this_tag")}</a>
        <span safe>{` (${formatNumber(works)})`}</span>{" "}
        <a class="feed" type="application/atom+xml" href={`${tagPath(tag.name)}/feed.atom`} safe>
          {t("fandoms.atom_feed_of_these_works")}
        </a>
      </p>
      {relations.synonyms.items.length ? (
        <section class="synonym listbox">
          <h3 safe class="heading">{t("tags.synonyms")}</h3>
          {wrangler ? (
            <TagList tags={relations.synonyms.items} total={relations.synonyms.total} href={(syn) => editTagPath(syn.name)} />
          ) : (
            <PlainList tags={relations.synonyms.items} total={relations.synonyms.total} />
          )}
        </section>
      ) : (
        ""
      )}
      {relations.parents.length ? (
        <section class="parent listbox">
          <h3 safe class="heading">{t("tags.parent_tags")}</h3>
          <TypeGroups groups={byType(relations.parents).map(([type, tags]): [string, TagSummary[], number] => [type, tags, tags.length])} />
        </section>
      ) : (
        ""
      )}
      {relations.metatags.length ? (
        <section class="meta listbox">
          <h3 safe class="heading">{t("tags.metatags")}</h3>
          <TagList tags={relations.metatags} />
        </section>
      ) : (
        ""
      )}
      {relations.subtags.items.length ? (
        <section class="sub listbox">
          <h3 safe class="heading">{t("tags.subtags")}</h3>
          <TagList tags={relations.subtags.items} total={relations.subtags.total} />
        </section>
      ) : (
        ""
      )}
      {childGroups.length ? (
        <section class="child listbox">
          <h3 safe class="heading">{t("tags.child_tags")}</h3>
          <TypeGroups groups={childGroups} />
        </section>
      ) : (
        ""
      )}
    </div>
  );
}

/** Tags that have no page of their own to link to (a synonym's page leads to its canonical). */
function PlainList({ tags, total }: { tags: TagSummary[]; total: number }): JSX.Element {
  const more = total - tags.length;
  return (
    <>
      <ul class="tags commas">
        {tags.map((tag) => (
          <li class="tag" safe>
            {tag.name}
          </li>
        ))}
      </ul>
      {more > 0 ? <p class="more" safe>{t("tags.and_more_more", { more: formatNumber(more) })}</p> : ""}
    </>
  );
}

/** Tags under a heading per type: "Fandoms", "Characters", … */
function TypeGroups({ groups }: { groups: [string, TagSummary[], number][] }): JSX.Element {
  return (
    <>
      {groups.map(([type, tags, total]) => (
        <div class={`${type.toLowerCase()} group`}>
          <h4 class="heading" safe>
            {`${typeLabel(type, true)} (${formatNumber(total)})`}
          </h4>
          <TagList tags={tags} total={total} />
        </div>
      ))}
    </>
  );
}
