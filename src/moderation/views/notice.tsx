import { t } from "../../platform/i18n/index.js";
import { hasRole, type Viewer } from "../../platform/http/viewer.js";
import { isCreator, type WorkAccess } from "../../model/visibility.js";
import { adminWorkPath } from "../paths.js";

/**
 * The moderation block of a work's reading pages, read from the work's row: for a hidden work, why
 * it was hidden and who can see it (its creators and admins are the only ones who reach the page);
 * for a policy admin, a link to the work's admin page. "" for everyone else.
 */
export function ModerationNotice({ work, viewer }: { work: WorkAccess & { id: number; hidden_reason: string }; viewer: Viewer }): JSX.Element {
  const admin = hasRole(viewer, "policy_and_abuse");
  const hidden = work.hidden_by_admin === 1;
  if (!hidden && !admin) return "";
  return (
    <div class="moderation">
      {hidden ? (
        <div class="notice hidden-by-admin" role="note">
          <p safe>{t("moderation.notice.hidden", { reason: work.hidden_reason })}</p>
          <p safe>{isCreator(viewer, work) ? t("moderation.notice.creator") : t("moderation.notice.admin")}</p>
        </div>
      ) : (
        ""
      )}
      {admin ? (
        <p class="admin-link">
          <a href={adminWorkPath(work.id)} safe>{t("moderation.notice.admin_page")}</a>
        </p>
      ) : (
        ""
      )}
    </div>
  );
}
