import { escapeHtml } from "@kitajs/html";
import { CsrfField, FlashNotices } from "../../platform/http/components.js";
import type { Viewer } from "../../platform/http/viewer.js";
import { t } from "../../platform/i18n/index.js";
import { findLanguage } from "../../model/languages.js";
import { workVisibility } from "../../model/visibility.js";
import { Byline } from "../../model/views/meta.js";
import { workPath } from "../../model/paths.js";
import type { ChildRef, IncomingLink, ParentRef } from "../queries.js";
import { approveLinkPath, hideLinkPath } from "./paths.js";

/**
 * "Inspired by TITLE by CREATORS." (or "A translation of …") for each related work, as items of
 * the work's `ul.associations` (AO3's markup, which readers' tools copy into their notes). A
 * registered-only work shows to guests as "[Restricted Work]"; one the viewer may not see at all
 * is left out.
 */
export function ParentLines({ parents, viewer }: { parents: ParentRef[]; viewer: Viewer }): JSX.Element {
  return (
    <>
      {parents.map((ref) => {
        const lead = ref.translation ? "related.translation_of" : "related.inspired_by";
        if (ref.parent.kind === "url") {
          return (
            <li class="parent">
              {escapeHtml(t(lead))}{" "}
              <a href={ref.parent.url} rel="nofollow" safe>
                {ref.parent.title}
              </a>
              {escapeHtml(t("model.by"))}
              <span safe>{ref.parent.author}</span>.
            </li>
          );
        }
        const { work } = ref.parent;
        const visibility = workVisibility(viewer, work);
        if (visibility === "no") return "";
        return (
          <li class="parent">
            {escapeHtml(t(lead))}{" "}
            {visibility === "yes" ? (
              <a href={workPath(work.id)} safe>
                {work.title}
              </a>
            ) : (
              <span safe>{t("related.restricted_work")}</span>
            )}
            {escapeHtml(t("model.by"))}
            <Byline creators={work.creators} />.
          </li>
        );
      })}
    </>
  );
}

/** "Translation into LANGUAGE available: TITLE by CREATORS" for the parent's approved translations. */
export function TranslationLines({ translations }: { translations: ChildRef[] }): JSX.Element {
  return (
    <>
      {translations.map((child) => (
        <li class="translation">
          {escapeHtml(t("related.translation_into", { language: findLanguage(child.language)?.name ?? child.language }))}{" "}
          <a href={workPath(child.workId)} safe>
            {child.title}
          </a>
          {escapeHtml(t("model.by"))}
          <Byline creators={child.creators} />
        </li>
      ))}
    </>
  );
}

/** "Works inspired by this one" (`div#children`, AO3's markup), approved links only; "" when none. */
export function ChildrenModule({ children }: { children: ChildRef[] }): JSX.Element {
  if (children.length === 0) return "";
  return (
    <div id="children" class="children module" role="complementary" aria-labelledby="children-heading">
      <h3 class="heading" id="children-heading" safe>
        {t("related.works_inspired")}
      </h3>
      <ul>
        {children.map((child) => (
          <li>
            <a href={workPath(child.workId)} safe>
              {child.title}
            </a>
            {escapeHtml(t("model.by"))}
            <Byline creators={child.creators} />
          </li>
        ))}
      </ul>
    </div>
  );
}

function StatusButton({ link, to, csrf }: { link: IncomingLink; to: "approved" | "hidden"; csrf: string }): JSX.Element {
  const label = to === "approved" ? t("related.approve") : t("related.hide");
  return (
    <form method="post" action={to === "approved" ? approveLinkPath(link.linkId) : hideLinkPath(link.linkId)}>
      <CsrfField csrf={csrf} />
      <button type="submit" aria-label={`${label}: ${link.childTitle}`} safe>
        {label}
      </button>
    </form>
  );
}

/** `/users/LOGIN/related_works`: the works that name the user's works, each with Approve or Hide. */
export function RelatedWorksPage({ incoming, notices, csrf }: { incoming: IncomingLink[]; notices: string[]; csrf: string }): JSX.Element {
  return (
    <div class="related-works-index">
      <h2 class="heading" safe>
        {t("related.page_heading")}
      </h2>
      <FlashNotices lines={notices} />
      <p safe>{t("related.page_explain")}</p>
      {incoming.length ? (
        <table>
          <caption safe>{t("related.page_caption")}</caption>
          <thead>
            <tr>
              <th scope="col" safe>{t("related.col_work")}</th>
              <th scope="col" safe>{t("related.col_yours")}</th>
              <th scope="col" safe>{t("related.col_status")}</th>
              <th scope="col">
                <span class="landmark" safe>{t("related.col_actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {incoming.map((link) => (
              <tr>
                <th scope="row">
                  <a href={workPath(link.childId)} safe>
                    {link.childTitle}
                  </a>
                  {escapeHtml(t("model.by"))}
                  <Byline creators={link.childCreators} />
                  <span safe>{` (${t(link.translation ? "related.kind_translation" : "related.kind_inspired")})`}</span>
                </th>
                <td>
                  <a href={workPath(link.parentId)} safe>
                    {link.parentTitle}
                  </a>
                </td>
                <td safe>{t(`related.status_${link.status}`)}</td>
                <td>
                  <ul class="actions">
                    {link.status !== "approved" ? (
                      <li>
                        <StatusButton link={link} to="approved" csrf={csrf} />
                      </li>
                    ) : (
                      ""
                    )}
                    {link.status !== "hidden" ? (
                      <li>
                        <StatusButton link={link} to="hidden" csrf={csrf} />
                      </li>
                    ) : (
                      ""
                    )}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="empty" safe>
          {t("related.none")}
        </p>
      )}
    </div>
  );
}
