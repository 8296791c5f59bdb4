import type { ColumnType, Generated, Insertable, Selectable } from "kysely";
import type { TrustedHtml } from "../html/trusted-html.js";

/**
 * This column holds sanitized HTML: every command that writes it stores the output of
 * `sanitizeUserHtml` (or "" for none), so a value read back is `TrustedHtml` and a view may place
 * it in a page unescaped. This declaration is the one place stored markup gets that brand; writes
 * take a plain string so that fixtures and migrations need no ceremony.
 */
export type SanitizedHtmlColumn = ColumnType<TrustedHtml, string, string>;

/**
 * The database's tables as Kysely sees them: one interface per table.
 * Portability rules, so the same typed code runs on SQLite and PostgreSQL:
 * booleans are integers 0/1, timestamps are ISO 8601 UTC text (sortable as text),
 * dates are YYYY-MM-DD text, and case-insensitive names carry a separate *_key column.
 */
export interface UsersTable {
  id: Generated<number>;
  login: string;
  login_key: string;
  email: string;
  password_hash: string;
  /** The hash an imported account arrived with ("md5:HEX"), until its first log-in upgrades it; NULL otherwise. */
  legacy_password: ColumnType<string | null, string | null | undefined, string | null>;
  /** "About me" on the profile page: sanitized HTML. */
  profile: ColumnType<TrustedHtml, string | undefined, string>;
  created_at: string;
}

export interface UserRolesTable {
  user_id: number;
  role: string;
}

export interface PseudsTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  name_key: string;
  /** Sanitized HTML. */
  description: SanitizedHtmlColumn;
  is_default: number;
  created_at: string;
}

export interface SessionsTable {
  /** SHA-256 of the cookie's token: a stolen database copy cannot be replayed as a cookie. */
  id: string;
  user_id: number;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface InvitationsTable {
  id: Generated<number>;
  code: string;
  created_by_user_id: number | null;
  created_at: string;
  used_by_user_id: number | null;
  used_at: string | null;
  /** The user who may hand it out (an admin granted it to them); null for the archive's own. */
  owner_user_id: ColumnType<number | null, number | null | undefined, number | null>;
  /** The address it was sent to: only that address may sign up with it. */
  invitee_email: ColumnType<string | null, string | null | undefined, string | null>;
  sent_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** When it stops working; null for never. */
  expires_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** 1 when the invite-request queue sent it. */
  from_queue: ColumnType<number, number | undefined, number>;
}

/** The invite-request queue (src/invitations): one row per address waiting, or invited. */
export interface InviteRequestsTable {
  id: Generated<number>;
  email: string;
  /** The address simplified (lower case, no +tag, Gmail's dots ignored): one mailbox waits once. */
  email_key: string;
  address: ColumnType<string, string | undefined, string>;
  created_at: string;
  invitation_id: number | null;
  invited_at: string | null;
}

/** Each published version of the terms of service and privacy policy: sanitized HTML. */
export interface TermsVersionsTable {
  version: number;
  tos: SanitizedHtmlColumn;
  privacy: SanitizedHtmlColumn;
  created_by_user_id: number | null;
  created_at: string;
}

/** Which version of the terms each user accepted, and when. */
export interface TermsAcceptancesTable {
  user_id: number;
  version: number;
  accepted_at: string;
}

export interface TagsTable {
  id: Generated<number>;
  name: string;
  name_key: string;
  type: string;
  canonical: number;
  /** The canonical tag this one is a synonym of. */
  merger_id: ColumnType<number | null, number | null | undefined, number | null>;
  /** Wranglers decided it fits nowhere; it stays out of the bins. */
  unwrangleable: ColumnType<number, number | undefined, number>;
  created_at: string;
}

export interface TagParentsTable {
  child_id: number;
  parent_id: number;
}

export interface TagMetaTable {
  sub_id: number;
  meta_id: number;
}

export interface WorkFiltersTable {
  work_id: number;
  tag_id: number;
  /** 1 when the filter comes only through a metatag. */
  inherited: number;
}

export interface ChangeFeedTable {
  id: Generated<number>;
  work_id: number;
  /** "filters" (the work's filter set or listing fields changed) or "deleted". */
  kind: string;
  created_at: string;
}

export interface JobsTable {
  id: Generated<number>;
  kind: string;
  payload: string;
  /** queued, running, done or failed. */
  state: string;
  /** The last work id processed: a restarted job resumes after it. */
  cursor: ColumnType<number, number | undefined, number>;
  done_count: ColumnType<number, number | undefined, number>;
  total: ColumnType<number, number | undefined, number>;
  attempts: ColumnType<number, number | undefined, number>;
  locked_by: string | null;
  locked_at: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
  /** Not claimed before this time (a scheduled job); null: at once. */
  run_after: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface WranglingLogTable {
  id: Generated<number>;
  tag_id: number;
  user_id: number | null;
  action: string;
  detail: string;
  created_at: string;
}

export interface WorksTable {
  id: Generated<number>;
  title: string;
  summary: SanitizedHtmlColumn;
  notes: SanitizedHtmlColumn;
  endnotes: SanitizedHtmlColumn;
  language: string;
  word_count: number;
  /** NULL means the creator does not know yet ("?"). */
  expected_chapters: number | null;
  complete: number;
  posted: number;
  restricted: number;
  comment_permission: string;
  /** Publication date as shown (backdating sets it in the past). */
  published_on: string;
  backdated: number;
  /** "Date Updated": when the newest chapter was posted. */
  revised_at: string;
  /** Derived with the filter set: two or more fandoms that share no metatag. */
  crossover: ColumnType<number, number | undefined, number>;
  /** Counters the responses capability keeps (0 until it does). */
  kudos_count: ColumnType<number, number | undefined, number>;
  hits_count: ColumnType<number, number | undefined, number>;
  comments_count: ColumnType<number, number | undefined, number>;
  bookmarks_count: ColumnType<number, number | undefined, number>;
  /** 1: comments from anyone but the creators wait for their approval (src/comments). */
  moderated_comments: ColumnType<number, number | undefined, number>;
  /** 1 while a policy admin has hidden the work (src/moderation): only its creators and admins see it. */
  hidden_by_admin: ColumnType<number, number | undefined, number>;
  /** Why it was hidden, as the creator is told. */
  hidden_reason: ColumnType<string, string | undefined, string>;
  /** 0; 1 held for an admin's review as possible spam (it stays unposted meanwhile); 2 judged spam (src/model/spam.ts). */
  spam_hold: ColumnType<number, number | undefined, number>;
  /** Downloads of any format (src/downloads). */
  downloads_count: ColumnType<number, number | undefined, number>;
  /** Sort keys for the Title and Creator orders (src/works/sort-keys.ts). */
  title_sort: ColumnType<string, string | undefined, string>;
  creators_sort: ColumnType<string, string | undefined, string>;
  /** JSON list of {label, value} from an imported work-text file; NULL once edited. */
  import_headers: string | null;
  /** Where an imported work was first published (AO3, an eFiction archive); NULL for works posted here. */
  original_url: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: string;
  updated_at: string;
}

export interface WorkCreatorsTable {
  work_id: number;
  pseud_id: number;
  position: number;
}

export interface ChaptersTable {
  id: Generated<number>;
  work_id: number;
  position: number;
  title: string;
  summary: SanitizedHtmlColumn;
  notes: SanitizedHtmlColumn;
  endnotes: SanitizedHtmlColumn;
  content: SanitizedHtmlColumn;
  word_count: number;
  posted: number;
  published_on: string;
  created_at: string;
  updated_at: string;
}

export interface WorkTagsTable {
  work_id: number;
  tag_id: number;
  position: number;
}

/** One kudos: from a user (user_id) or a guest (guest_ip), never both. */
export interface KudosTable {
  id: Generated<number>;
  work_id: number;
  user_id: number | null;
  guest_ip: string | null;
  created_at: string;
}

export interface BookmarksTable {
  id: Generated<number>;
  /** A bookmark is of a work or of a series: exactly one of work_id and series_id is set. */
  work_id: ColumnType<number | null, number | null | undefined, number | null>;
  series_id: ColumnType<number | null, number | null | undefined, number | null>;
  user_id: number;
  /** Sanitized HTML. */
  notes: SanitizedHtmlColumn;
  private: number;
  rec: number;
  created_at: string;
  updated_at: string;
}

/** The bookmarker's own tags, as typed (not wrangled). */
export interface BookmarkTagsTable {
  bookmark_id: number;
  position: number;
  name: string;
}

/** A user's reading of a work (history) and its Marked for Later flag. */
export interface ReadingsTable {
  user_id: number;
  work_id: number;
  view_count: ColumnType<number, number | undefined, number>;
  last_viewed_at: string;
  last_chapter_id: number | null;
  /** The work's revised_at when the user last opened it: newer means "updated since you last read". */
  revised_at_read: string | null;
  marked_for_later: ColumnType<number, number | undefined, number>;
}

export interface ReadingPreferencesTable {
  user_id: number;
  history_enabled: number;
}

/** The dedup key of one counted hit: (UTC day, work, hashed visitor). */
export interface HitVisitsTable {
  day: string;
  work_id: number;
  visitor: string;
}

export interface WorkHitsDailyTable {
  work_id: number;
  day: string;
  hits: number;
}

/** A personal access token for the JSON API and OPDS: only its hash is stored. */
export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  /** "read" or "write" (write implies read). */
  scope: string;
  /** SHA-256 (hex) of the token. */
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
}

export interface SeriesTable {
  id: Generated<number>;
  title: string;
  /** Sanitized HTML. */
  summary: SanitizedHtmlColumn;
  notes: SanitizedHtmlColumn;
  complete: number;
  created_at: string;
  updated_at: string;
}

export interface SeriesCreatorsTable {
  series_id: number;
  pseud_id: number;
  position: number;
}

/** A work's place in a series: positions run 1..n without gaps. */
export interface SerialWorksTable {
  series_id: number;
  work_id: number;
  position: number;
}

export interface Database {
  users: UsersTable;
  user_roles: UserRolesTable;
  pseuds: PseudsTable;
  sessions: SessionsTable;
  settings: SettingsTable;
  invitations: InvitationsTable;
  invite_requests: InviteRequestsTable;
  terms_versions: TermsVersionsTable;
  terms_acceptances: TermsAcceptancesTable;
  tags: TagsTable;
  works: WorksTable;
  work_creators: WorkCreatorsTable;
  chapters: ChaptersTable;
  work_tags: WorkTagsTable;
  tag_parents: TagParentsTable;
  tag_meta: TagMetaTable;
  work_filters: WorkFiltersTable;
  change_feed: ChangeFeedTable;
  jobs: JobsTable;
  wrangling_log: WranglingLogTable;
  kudos: KudosTable;
  bookmarks: BookmarksTable;
  bookmark_tags: BookmarkTagsTable;
  readings: ReadingsTable;
  reading_preferences: ReadingPreferencesTable;
  hit_visits: HitVisitsTable;
  work_hits_daily: WorkHitsDailyTable;
  api_tokens: ApiTokensTable;
  subscriptions: SubscriptionsTable;
  blocks: UserRelationTable;
  mutes: UserRelationTable;
  comments: CommentsTable;
  comment_inbox: CommentInboxTable;
  series: SeriesTable;
  series_creators: SeriesCreatorsTable;
  serial_works: SerialWorksTable;
  login_throttles: LoginThrottlesTable;
  login_events: LoginEventsTable;
  user_totp: UserTotpTable;
  recovery_codes: RecoveryCodesTable;
  audit_log: AuditLogTable;
  abuse_reports: AbuseReportsTable;
  admin_posts: AdminPostsTable;
  admin_post_tags: AdminPostTagsTable;
  admin_post_taggings: AdminPostTaggingsTable;
  admin_post_comments: AdminPostCommentsTable;
  admin_banners: AdminBannersTable;
  admin_banner_dismissals: AdminBannerDismissalsTable;
  creator_invitations: CreatorInvitationsTable;
  gifts: GiftsTable;
  related_works: RelatedWorksTable;
  rate_limits: RateLimitsTable;
  user_sanctions: UserSanctionsTable;
  user_warnings: UserWarningsTable;
  takeouts: TakeoutsTable;
  legacy_ids: LegacyIdsTable;
  account_claims: AccountClaimsTable;
}

/** A one-time link mailed to an imported account's address to take it (src/users/claims.ts). */
export interface AccountClaimsTable {
  id: Generated<number>;
  user_id: number;
  /** SHA-256 (hex) of the link's token; null until the mail job has made and sent it. */
  token_sha256: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: string;
  expires_at: string;
  sent_at: ColumnType<string | null, string | null | undefined, string | null>;
  /** When the link was used, or voided because the account was taken another way. */
  used_at: ColumnType<string | null, string | null | undefined, string | null>;
}

/** What an imported archive's numbers became here (src/transfer): old URLs redirect through it. */
export interface LegacyIdsTable {
  source: string;
  kind: string;
  legacy_id: string;
  target_id: number;
}

/** A news post by an admin (src/news). */
export interface AdminPostsTable {
  id: Generated<number>;
  title: string;
  content: SanitizedHtmlColumn;
  /** "all" (guests too), "users" or "none"; comments also close 14 days after posting. */
  comment_permission: string;
  created_by_user_id: number | null;
  created_at: string;
  updated_at: string;
}

/** A news tag: the admin posts' own small vocabulary. */
export interface AdminPostTagsTable {
  id: Generated<number>;
  name: string;
  /** The name folded for comparison (unique). */
  name_key: string;
}

export interface AdminPostTaggingsTable {
  post_id: number;
  tag_id: number;
}

/** A comment on a news post: by a user, or a guest (name and email, never shown, and address). */
export interface AdminPostCommentsTable {
  id: Generated<number>;
  post_id: number;
  user_id: number | null;
  guest_name: string | null;
  guest_email: string | null;
  guest_ip: string | null;
  content: SanitizedHtmlColumn;
  /** The one-time token of the form that posted it (unique). */
  form_token: string | null;
  created_at: string;
}

/** The site-wide banner: the newest row is the banner, shown while active. */
export interface AdminBannersTable {
  id: Generated<number>;
  content: SanitizedHtmlColumn;
  active: number;
  created_at: string;
  updated_at: string;
}

/** The banner a user last dismissed (guests keep theirs in a cookie). */
export interface AdminBannerDismissalsTable {
  user_id: number;
  banner_id: number;
  dismissed_at: string;
}

/** A user's suspension or ban (src/moderation/sanctions.ts): one row per user at most. */
export interface UserSanctionsTable {
  user_id: number;
  /** "suspended" (until ends_at) or "banned" (ends_at NULL). */
  kind: string;
  reason: string;
  ends_at: string | null;
  /** 1 when the admin chose to hide the user's works with it. */
  hide_works: number;
  /** JSON list of the work ids this sanction hid. */
  hidden_work_ids: ColumnType<string, string | undefined, string>;
  actor_user_id: number | null;
  created_at: string;
}

/** An admin's warning to a user, shown to them until they dismiss it. */
export interface UserWarningsTable {
  id: Generated<number>;
  user_id: number;
  reason: string;
  actor_user_id: number | null;
  created_at: string;
  dismissed_at: string | null;
}

/** One admin action (src/moderation/audit.ts): who, what, to whom or which work, why, when. */
export interface AuditLogTable {
  id: Generated<number>;
  actor_user_id: number | null;
  action: string;
  target_user_id: number | null;
  work_id: number | null;
  reason: ColumnType<string, string | undefined, string>;
  /** Machine-readable particulars (JSON), e.g. the days of a suspension. */
  detail: ColumnType<string, string | undefined, string>;
  created_at: string;
}

/** Recent wrong passwords or codes for one account, from any address (src/users/throttle.ts). */
export interface LoginThrottlesTable {
  user_id: number;
  failures: number;
  window_started_at: string;
  /** No attempt on the account is checked before this (the progressive delay). */
  next_attempt_at: string | null;
  locked_until: string | null;
}

/** What happened at a log-in attempt, as its owner sees it in the log. */
export type LoginOutcome = "success" | "wrong_password" | "wrong_code" | "too_soon" | "locked" | "password_ok";

/** One log-in attempt on an account: shown to its owner on the account page. */
export interface LoginEventsTable {
  id: Generated<number>;
  user_id: number;
  at: string;
  address: string;
  user_agent: string;
  outcome: LoginOutcome;
}

/** A user's TOTP secret; never selected with `users`, so nothing that reads users carries it. */
export interface UserTotpTable {
  user_id: number;
  /** Base32. */
  secret: string;
  /** NULL while set-up waits for the first code. */
  enabled_at: string | null;
  /** The last 30-second step a code was accepted for: a code works once. */
  last_step: ColumnType<number, number | undefined, number>;
  created_at: string;
}

/** A two-factor recovery code, by its SHA-256; spent once. */
export interface RecoveryCodesTable {
  id: Generated<number>;
  user_id: number;
  code_hash: string;
  used_at: string | null;
}

/** A comment on a work (chapter_id NULL) or a chapter; replies point at their parent. */
export interface CommentsTable {
  id: Generated<number>;
  work_id: number;
  chapter_id: number | null;
  parent_id: number | null;
  /** NULL for a guest (or an account since deleted). */
  user_id: number | null;
  guest_name: string | null;
  /** Required of guests, never shown. */
  guest_email: string | null;
  guest_ip: string | null;
  /** Sanitized HTML; "" once deleted. */
  content: SanitizedHtmlColumn;
  /** 1 while held for the creator's approval. */
  unreviewed: ColumnType<number, number | undefined, number>;
  /** 1: deleted but kept because it has replies. */
  deleted: ColumnType<number, number | undefined, number>;
  /** 1: no replies or edits (a frozen thread). */
  frozen: ColumnType<number, number | undefined, number>;
  /** 1: held for an admin's review as possible spam (unreviewed too, and seen by its writer alone); 0 otherwise. */
  spam_hold: ColumnType<number, number | undefined, number>;
  /** The posting form's one-time token (unique): a second submit inserts nothing. */
  form_token: string | null;
  edited_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface CommentInboxTable {
  user_id: number;
  comment_id: number;
  read: ColumnType<number, number | undefined, number>;
  created_at: string;
}

export type UserRow = Selectable<UsersTable>;
export type PseudRow = Selectable<PseudsTable>;
export type TagRow = Selectable<TagsTable>;
export type WorkRow = Selectable<WorksTable>;
export type ChapterRow = Selectable<ChaptersTable>;
export type NewWork = Insertable<WorksTable>;
export type NewChapter = Insertable<ChaptersTable>;
export type JobRow = Selectable<JobsTable>;
export type BookmarkRow = Selectable<BookmarksTable>;
export type CommentRow = Selectable<CommentsTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;

/** A user following a work, a user or a series; `token` is the secret of its unsubscribe link. */
export interface SubscriptionsTable {
  id: Generated<number>;
  user_id: number;
  kind: "work" | "user" | "series";
  target_id: number;
  token: string;
  created_at: string;
}
export type SubscriptionRow = Selectable<SubscriptionsTable>;
export type SeriesRow = Selectable<SeriesTable>;

/** A block or a mute: user_id blocks (or mutes) target_id. */
export interface UserRelationTable {
  user_id: number;
  target_id: number;
  created_at: string;
}

/** A report of a page of the archive to its policy & abuse admins (src/reports). */
export interface AbuseReportsTable {
  id: Generated<number>;
  /** The reported page, an absolute URL of this archive. */
  url: string;
  /** What the page is about, for the per-subject cap: "work:12", "user:7", "comment:3", "page:/tags" ... */
  subject_key: string;
  summary: string;
  details: string;
  email: string;
  /** The email lower-cased, for the per-address cap. */
  email_key: string;
  reporter_user_id: number | null;
  reporter_ip: ColumnType<string, string | undefined, string>;
  work_id: number | null;
  chapter_id: number | null;
  reported_user_id: number | null;
  /** The page's plain facts at report time, as JSON (src/reports/snapshot.ts). */
  snapshot: ColumnType<string, string | undefined, string>;
  /** Its summary (or profile, notes) at report time: sanitized HTML. */
  snapshot_summary: ColumnType<TrustedHtml, string | undefined, string>;
  /** The beginning of its text (or the comment) at report time: sanitized HTML. */
  snapshot_text: ColumnType<TrustedHtml, string | undefined, string>;
  resolved: ColumnType<number, number | undefined, number>;
  resolved_at: string | null;
  resolved_by_user_id: number | null;
  resolution_note: ColumnType<string, string | undefined, string>;
  created_at: string;
}
export type AbuseReportRow = Selectable<AbuseReportsTable>;
/**
 * Hits on one rate-limited key in its current fixed window, shared by every process
 * (src/platform/http/rate-limits.ts). The key names the limiter and what it counts (an address,
 * an account, a token).
 */
export interface RateLimitsTable {
  key: string;
  hits: number;
  /** When the window ends; the next hit after it starts a new one. */
  expires_at: string;
}

/** A pseud invited to be a co-creator of a work (src/works): in work_creators only once accepted. */
export interface CreatorInvitationsTable {
  id: Generated<number>;
  work_id: number;
  pseud_id: number;
  invited_by_user_id: number | null;
  created_at: string;
}

/** A work given to a pseud or to a plain name (src/gifts); `rejected` once the recipient refused it. */
export interface GiftsTable {
  id: Generated<number>;
  work_id: number;
  pseud_id: number | null;
  recipient_name: string | null;
  /** "p:PSEUD_ID" or "n:NAME_KEY": one gift per recipient and work. */
  recipient_key: string;
  rejected: ColumnType<number, number | undefined, number>;
  created_at: string;
}

/** A work inspired by (or a translation of) another work here (parent_id) or outside (url, title, author); src/related. */
export interface RelatedWorksTable {
  id: Generated<number>;
  child_id: number;
  parent_id: number | null;
  /** "w:WORK_ID" or "u:URL": one link per child and parent. */
  parent_key: string;
  url: ColumnType<string, string | undefined, string>;
  title: ColumnType<string, string | undefined, string>;
  author: ColumnType<string, string | undefined, string>;
  translation: ColumnType<number, number | undefined, number>;
  /** "pending", "approved" or "hidden" (by a creator of the parent). */
  status: string;
  notified_at: string | null;
  created_at: string;
  updated_at: string;
}

/** A user's takeout: the zip of everything of theirs, built by a job (src/leaving/takeout.ts). */
export interface TakeoutsTable {
  id: Generated<number>;
  user_id: number;
  job_id: number | null;
  state: "queued" | "running" | "ready" | "failed" | "expired";
  /** The zip's file name in DATA_DIR/takeouts, once it is ready. */
  file: string | null;
  size: ColumnType<number, number | undefined, number>;
  created_at: string;
  ready_at: string | null;
  expires_at: string | null;
}
export type TakeoutRow = Selectable<TakeoutsTable>;
