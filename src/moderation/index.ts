/**
 * The public module of src/moderation: what other folders may use. Moderation is the admins'
 * side of keeping an archive safe: the audit log, hidden works, suspensions and bans, spam.
 */
export { type AuditAction, type AuditEntry, type AuditRecord, auditLogOfUser, auditLogOfWork, recordAudit } from "./audit.js";
export { changeWorkHidden, type HidingOutcome, hideWorksOfUser, setWorkHidden, WORK_HIDDEN_MAIL } from "./hiding.js";
export { deleteWorkAsAdmin, editWorkTagsAsAdmin, hideWork, unhideWork } from "./commands.js";
export { moderationJobSteps } from "./mail-job.js";
export { adminDeleteWorkPath, adminWorkPath, adminWorksPath, adminWorkTagsPath, hideWorkPath, unhideWorkPath } from "./paths.js";
export { countHiddenWorks } from "./queries.js";
export { moderationRoutes } from "./routes.js";
export { AuditLog, actionLabel } from "./views/audit-log.js";
export { ModerationNotice } from "./views/notice.js";
// Suspensions, bans, warnings and spam (issue 15, points 3 and 4).
export { sanctionRoutes } from "./sanction-routes.js";
export { applySanction, liftSanction, sanctionUser, warnUser, type SanctionOutcome, type SanctionRequest } from "./sanctions.js";
export { heldItemCount } from "./spam.js";
