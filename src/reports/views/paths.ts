import type { QueueFilter } from "../queries.js";

/** Where reports are sent (POST) and the form that sends them. */
export const REPORTS_PATH = "/abuse_reports";
export const NEW_REPORT_PATH = "/abuse_reports/new";
export const REPORT_SENT_PATH = "/abuse_reports/sent";

/** The report form, filled in with the URL of the page to report. */
export function newReportPath(url?: string): string {
  return url ? `${NEW_REPORT_PATH}?url=${encodeURIComponent(url)}` : NEW_REPORT_PATH;
}

/** The admins' queue, filtered and paged. */
export function adminReportsPath(filter: QueueFilter = "all", page = 1): string {
  const params = new URLSearchParams();
  if (filter !== "all") params.set("status", filter);
  if (page > 1) params.set("page", String(page));
  const query = params.toString();
  return query ? `/admin/abuse_reports?${query}` : "/admin/abuse_reports";
}

/** One report's admin page. */
export const adminReportPath = (id: number) => `/admin/abuse_reports/${id}`;
