import type { FastifyReply, FastifyRequest } from "fastify";
import type { DbOrTrx } from "../platform/db/index.js";
import { takeFlash } from "../platform/http/flash.js";
import { hasAnyRole, type Role } from "../platform/http/viewer.js";
import { type MessageKey, t } from "../platform/i18n/index.js";
import { adminWorksPath, countHiddenWorks, heldItemCount } from "../moderation/index.js";
import { openReportCount } from "../reports/index.js";
import { inviteRequestCount } from "../invitations/index.js";
import { unclaimedAccountCount } from "../users/index.js";
import { AdminHomePage, type AdminLink, type AttentionItem } from "./views/admin-home.js";

/*
 * `/admin`: the admins' home, assembled here because it gathers several capabilities: a link to
 * every admin page the viewer's roles open, and what needs their attention, each figure from the
 * capability that owns it. To add an admin page or a figure, add one line to ADMIN_PAGES or
 * ATTENTION: the roles named there decide who sees it (the superadmin sees everything).
 */

interface AdminPage {
  href: string;
  label: MessageKey;
  about: MessageKey;
  roles: readonly Role[];
}

/** Every admin page, in the order the home page lists them. */
const ADMIN_PAGES: AdminPage[] = [
  { href: "/admin/abuse_reports", label: "admin_home.page.reports", about: "admin_home.page.reports_about", roles: ["policy_and_abuse"] },
  { href: "/admin/spam", label: "admin_home.page.spam", about: "admin_home.page.spam_about", roles: ["policy_and_abuse"] },
  { href: "/admin/users", label: "admin_home.page.users", about: "admin_home.page.users_about", roles: ["policy_and_abuse", "support"] },
  { href: adminWorksPath(), label: "admin_home.page.works", about: "admin_home.page.works_about", roles: ["policy_and_abuse"] },
  { href: "/admin/invitations", label: "admin_home.page.invitations", about: "admin_home.page.invitations_about", roles: ["support"] },
  { href: "/admin_posts/new", label: "admin_home.page.news", about: "admin_home.page.news_about", roles: ["communications"] },
  { href: "/admin/banner", label: "admin_home.page.banner", about: "admin_home.page.banner_about", roles: ["communications"] },
  { href: "/wrangling", label: "admin_home.page.wrangling", about: "admin_home.page.wrangling_about", roles: ["tag_wrangling"] },
  { href: "/admin/settings", label: "admin_home.page.settings", about: "admin_home.page.settings_about", roles: ["admin"] },
  { href: "/admin/terms", label: "admin_home.page.terms", about: "admin_home.page.terms_about", roles: ["admin"] },
];

interface AttentionSource {
  roles: readonly Role[];
  /** The figure, counted when the viewer holds one of the roles; null when it does not concern this archive. */
  load(db: DbOrTrx): Promise<{ label: string; count: number; href: string } | null>;
}

/** What may need an admin's attention: each capability's own count and the page to act on it. */
const ATTENTION: AttentionSource[] = [
  {
    roles: ["policy_and_abuse"],
    load: async (db) => ({ label: t("admin_home.attention.held_items"), count: await heldItemCount(db), href: "/admin/spam" }),
  },
  {
    roles: ["support"],
    load: async (db) => ({ label: t("admin_home.attention.invite_requests"), count: await inviteRequestCount(db), href: "/admin/invitations" }),
  },
  {
    roles: ["policy_and_abuse"],
    load: async (db) => ({ label: t("admin_home.attention.open_reports"), count: await openReportCount(db), href: "/admin/abuse_reports?status=open" }),
  },
  {
    roles: ["policy_and_abuse"],
    load: async (db) => ({ label: t("admin_home.attention.hidden_works"), count: await countHiddenWorks(db), href: adminWorksPath() }),
  },
  {
    // Only on an archive that imported accounts and has some left to claim (`fanfold claims send`).
    roles: ["support"],
    load: async (db) => {
      const count = await unclaimedAccountCount(db);
      return count ? { label: t("admin_home.attention.unclaimed_accounts"), count, href: "/admin/users" } : null;
    },
  },
];

/** `GET /admin` (any admin role): the admin pages this admin may open, and what needs attention. */
export async function showAdminHome(req: FastifyRequest, reply: FastifyReply) {
  const links: AdminLink[] = ADMIN_PAGES.filter((page) => hasAnyRole(req.viewer, page.roles)).map((page) => ({ href: page.href, label: t(page.label), about: t(page.about) }));
  const figures = await Promise.all(ATTENTION.filter((source) => hasAnyRole(req.viewer, source.roles)).map((source) => source.load(req.db)));
  const attention: AttentionItem[] = figures.filter((figure) => figure !== null);
  return reply.page(t("admin_home.title"), <AdminHomePage links={links} attention={attention} notices={takeFlash(req, reply)} />, { mainClass: "admin" });
}
