import type { WorkRow } from "../../platform/db/tables.js";
import { downloadPath } from "../file-name.js";
import { pdfAvailable } from "../pdf.js";

/**
 * The work page's Download menu (an item of AO3's `ul.work.navigation.actions`): a disclosure
 * that opens without JavaScript. Drafts have none: they are not downloadable.
 */
export function DownloadMenu({ work }: { work: WorkRow }): JSX.Element {
  if (!work.posted) return "";
  return (
    <li class="download">
      <details>
        <summary>Download</summary>
        <ul class="expandable secondary">
          <li>
            <a href={downloadPath(work, "epub")}>EPUB</a>
          </li>
          {pdfAvailable() ? (
            <>
              <li>
                <a href={downloadPath(work, "pdf")}>PDF (Letter)</a>
              </li>
              <li>
                <a href={downloadPath(work, "pdf", "a5")}>PDF (A5)</a>
              </li>
            </>
          ) : (
            <li class="unavailable">PDF unavailable (this archive has no PDF maker installed)</li>
          )}
          <li>
            <a href={downloadPath(work, "html")}>HTML</a>
          </li>
          <li>
            <a href={downloadPath(work, "txt")}>TXT</a>
          </li>
        </ul>
      </details>
    </li>
  );
}
