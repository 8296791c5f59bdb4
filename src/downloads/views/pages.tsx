import { escapeHtml } from "@kitajs/html";
import type { WorkRow } from "../../platform/db/tables.js";
import { workPath } from "../../model/paths.js";
import { t } from "../../platform/i18n/index.js";

/** Said when a PDF is asked for and Chromium is not installed on the server. */
export function PdfUnavailablePage({ work }: { work: WorkRow }): JSX.Element {
  return (
    <div class="notice">
      <h2 safe class="heading">{t("downloads.pdf_unavailable")}</h2>
      <p>{escapeHtml(t("downloads.this_archive_cannot_make_pdfs"))}{" "}<a safe href={workPath(work.id)}>{t("downloads.its_page")}</a>.
      </p>
    </div>
  );
}

/** Said when too many PDFs are being printed at once. */
export function PdfBusyPage({ work }: { work: WorkRow }): JSX.Element {
  return (
    <div class="notice">
      <h2 safe class="heading">{t("downloads.pdf_busy")}</h2>
      <p>{escapeHtml(t("downloads.many_pdfs_are_being_made"))}{" "}<a safe href={workPath(work.id)}>{t("downloads.its_page")}</a>.
      </p>
    </div>
  );
}
