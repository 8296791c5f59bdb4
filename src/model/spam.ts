import type { DbOrTrx } from "../platform/db/index.js";
import { ADMIN_ROLES } from "../platform/http/viewer.js";
import { setSetting } from "./archive-settings.js";

// The spam rule, in one place, low enough that the commands that post (src/works, src/comments)
// can ask it before anything is published, and the admins' queue (src/moderation) can say why an
// item was held. No outside service: an admin sets three things on /admin/spam/settings.
//
// A work being posted, or a comment, is held for review when
//   - its writer's account is younger than N days (guests count as new) and it has more than M
//     links, or
//   - it names any entry of the admins' list of words and domains (whoever wrote it).
// N = 0 turns the first rule off (the default: an archive opts in); an empty list, the second.
// Accounts holding an admin role are never held.

export interface SpamRules {
  /** Accounts younger than this many days are new (0: no account is). */
  newAccountDays: number;
  /** A new account's text may hold this many links; one more and it is held. */
  maxLinks: number;
  /** Words and domains, lowercased, one entry each: text naming any of them is held. */
  blockList: string[];
}

export const SPAM_DEFAULTS: SpamRules = { newAccountDays: 0, maxLinks: 2, blockList: [] };

/** The limits an admin may set (the settings form checks them). */
export const SPAM_LIMITS = { maxDays: 3650, maxLinks: 1000, maxEntries: 1000, maxEntryLength: 200 };

const KEYS = { days: "spam_new_account_days", links: "spam_max_links", list: "spam_block_list" } as const;

function wholeNumber(value: string | undefined, fallback: number): number {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : fallback;
}

/** The list as stored (one entry a line) to entries: trimmed, lowercased, blank lines and duplicates gone. */
export function parseBlockList(text: string): string[] {
  return [...new Set(text.split(/\r?\n/).map((line) => line.trim().toLowerCase()).filter(Boolean))];
}

/** The archive's spam rules (defaults until an admin sets them). */
export async function spamRules(db: DbOrTrx): Promise<SpamRules> {
  // One query: every posted work and comment asks.
  const rows = await db.selectFrom("settings").select(["key", "value"]).where("key", "in", [KEYS.days, KEYS.links, KEYS.list]).execute();
  const value = (key: string) => rows.find((r) => r.key === key)?.value;
  const [days, links, list] = [value(KEYS.days), value(KEYS.links), value(KEYS.list)];
  return {
    newAccountDays: wholeNumber(days, SPAM_DEFAULTS.newAccountDays),
    maxLinks: wholeNumber(links, SPAM_DEFAULTS.maxLinks),
    blockList: list ? parseBlockList(list) : [],
  };
}

export async function setSpamRules(db: DbOrTrx, rules: SpamRules): Promise<void> {
  await setSetting(db, KEYS.days, String(rules.newAccountDays));
  await setSetting(db, KEYS.links, String(rules.maxLinks));
  await setSetting(db, KEYS.list, rules.blockList.join("\n"));
}

const ANCHOR_WITH_HREF = /<a\b[^>]*\bhref\s*=/gi;
const ANCHOR_ELEMENT = /<a\b[^>]*>[\s\S]*?<\/a\s*>/gi;
const BARE_URL = /(?:\bhttps?:\/\/|\bwww\.)[^\s<>"']+/gi;
const HREF_VALUE = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi;

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|#x27|nbsp);/g, (_whole, name: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", "#x27": "'", nbsp: " " })[name] ?? " ");
}

/**
 * The links in a text (sanitized HTML or plain): each link element, and each address written out
 * in the text outside one (`https://…`, `www.…`). A link whose text is its address counts once.
 */
export function countLinks(text: string): number {
  const anchors = text.match(ANCHOR_WITH_HREF)?.length ?? 0;
  const rest = decodeEntities(text.replace(ANCHOR_ELEMENT, " ").replace(/<[^>]*>/g, " "));
  return anchors + (rest.match(BARE_URL)?.length ?? 0);
}

/** What the list is matched against: the text without markup, and every link's address. */
function searchable(text: string): string {
  const hrefs = [...text.matchAll(HREF_VALUE)].map((m) => m[1] ?? m[2] ?? m[3] ?? "");
  return decodeEntities(`${text.replace(/<[^>]*>/g, " ")} ${hrefs.join(" ")}`).normalize("NFKC").toLowerCase();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The list's entries a text names, each as a whole word or domain: "pills" is in "cheap pills!"
 * but not in "pillsbury"; "spam.example" is in "https://www.spam.example/buy".
 */
export function blockListMatches(texts: string[], list: string[]): string[] {
  if (list.length === 0) return [];
  const haystack = searchable(texts.join("\n"));
  return list.filter((entry) => new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(entry.normalize("NFKC").toLowerCase())}(?![\\p{L}\\p{N}])`, "u").test(haystack));
}

export interface SpamVerdict {
  held: boolean;
  /** The writer's account is younger than the rule's N days (or a guest), with the rule on. */
  newAccount: boolean;
  links: number;
  /** The list's entries the text names. */
  matches: string[];
}

export interface SpamSubject {
  /** When the writer's account was made; null for a guest. */
  accountCreatedAt: string | null;
  /** The writer holds an admin role: never held. */
  trusted?: boolean;
  /** Every text the item publishes (title, summary, notes, chapter text; a comment's text). */
  texts: string[];
}

/** The rule itself, without the database: whether these texts from this writer are held, and why. */
export function judgeSpam(rules: SpamRules, subject: SpamSubject, now = Date.now()): SpamVerdict {
  const links = subject.texts.reduce((sum, text) => sum + countLinks(text), 0);
  const matches = blockListMatches(subject.texts, rules.blockList);
  const age = subject.accountCreatedAt === null ? 0 : now - Date.parse(subject.accountCreatedAt);
  const newAccount = rules.newAccountDays > 0 && age < rules.newAccountDays * 86_400_000;
  const held = !subject.trusted && ((newAccount && links > rules.maxLinks) || matches.length > 0);
  return { held, newAccount, links, matches };
}

/**
 * Whether texts written by these users (a work's creators: the youngest account decides; none for
 * a guest) are held for review under the archive's rules.
 */
export async function checkForSpam(db: DbOrTrx, authorUserIds: number[], texts: string[]): Promise<SpamVerdict> {
  const rules = await spamRules(db);
  if (rules.newAccountDays === 0 && rules.blockList.length === 0) return { held: false, newAccount: false, links: 0, matches: [] };
  let accountCreatedAt: string | null = null;
  let trusted = false;
  if (authorUserIds.length > 0) {
    const [users, admins] = await Promise.all([
      db.selectFrom("users").select("created_at").where("id", "in", authorUserIds).execute(),
      db.selectFrom("user_roles").select("user_id").where("user_id", "in", authorUserIds).where("role", "in", [...ADMIN_ROLES]).limit(1).execute(),
    ]);
    accountCreatedAt = users.map((u) => u.created_at).sort().at(-1) ?? null;
    trusted = admins.length > 0;
  }
  return judgeSpam(rules, { accountCreatedAt, trusted, texts });
}
