import type { WorkRow } from "../../platform/db/tables.js";
import { workPath } from "../../model/paths.js";

/** Said when a PDF is asked for and Chromium is not installed on the server. */
export function PdfUnavailablePage({ work }: { work: WorkRow }): JSX.Element {
  return (
    <div class="notice">
      <h2 class="heading">PDF unavailable</h2>
      <p>
        This archive cannot make PDFs at the moment: it needs Chromium, which is not installed on the server. The work can still be downloaded as EPUB, HTML or
        text from <a href={workPath(work.id)}>its page</a>.
      </p>
    </div>
  );
}

/** Said when too many PDFs are being printed at once. */
export function PdfBusyPage({ work }: { work: WorkRow }): JSX.Element {
  return (
    <div class="notice">
      <h2 class="heading">PDF busy</h2>
      <p>
        Many PDFs are being made right now. Please try again in a minute, or download the work as EPUB, HTML or text from <a href={workPath(work.id)}>its page</a>.
      </p>
    </div>
  );
}
