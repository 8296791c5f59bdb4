import type { WorkRow } from "../../platform/db/tables.js";
import { downloadPath } from "../file-name.js";
import { pdfAvailable } from "../pdf.js";
import { t } from "../../platform/i18n/index.js";

/**
 * The work page's Download menu (an item of AO3's `ul.work.navigation.actions`): a disclosure
 * that opens without JavaScript. Drafts have none: they are not downloadable.
 */
export function DownloadMenu({ work }: { work: WorkRow }): JSX.Element {
  if (!work.posted) return "";
  return (
    <li class="download">
      <details>
        <summary safe>{t("downloads.download")}</summary>
        <ul class="expandable secondary">
          <li>
            <a safe href={downloadPath(work, "epub")}>{t("downloads.epub")}</a>
          </li>
          {pdfAvailable() ? (
            <>
              <li>
                <a safe href={downloadPath(work, "pdf")}>{t("downloads.pdf_letter")}</a>
              </li>
              <li>
                <a safe href={downloadPath(work, "pdf", "a5")}>{t("downloads.pdf_a5")}</a>
              </li>
            </>
          ) : (
            <li safe class="unavailable">{t("downloads.pdf_unavailable_this_archive_has")}</li>
          )}
          <li>
            <a safe href={downloadPath(work, "html")}>{t("downloads.html")}</a>
          </li>
          <li>
            <a safe href={downloadPath(work, "txt")}>{t("downloads.txt")}</a>
          </li>
        </ul>
      </details>
    </li>
  );
}
