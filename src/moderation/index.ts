/**
 * The public module of src/moderation: what other folders may use. Moderation is the admins'
 * side of keeping an archive safe: the audit log, hidden works, suspensions and bans, spam.
 */
export { type AuditAction, type AuditEntry, type AuditRecord, auditLogOfUser, auditLogOfWork, recordAudit } from "./audit.js";
export { hideWorksOfUser, setWorkHidden } from "./hiding.js";
