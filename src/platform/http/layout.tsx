import { languageTag, t } from "../i18n/index.js";
import { StandingBanner } from "./sanction-page.js";
import { hasAnyRole, hasRole, isAnyAdmin, type Viewer } from "./viewer.js";

export interface PageProps {
  title: string;
  viewer: Viewer;
  csrf: string;
  /** Extra class on div#main, as AO3 names its pages ("works-show", "works-index"). */
  mainClass?: string;
  /** The page's Atom feed, linked as rel="alternate" for feed readers. */
  feed?: { href: string; title: string } | null;
  /** The address of this page, for the footer's "Report abuse" link (none on pages that are not a plain GET). */
  pageUrl?: string | null;
  /** The site banner (rendered by the news capability), placed under the header; "" for none. */
  banner?: JSX.Element;
  /** Rendered HTML of the page's main content. */
  children: JSX.Element;
}

/** The site layout: skip link, header with search and account links, main content, footer. */
export function Layout({ title, viewer, csrf, mainClass, feed, pageUrl, banner = "", children }: PageProps): JSX.Element {
  const user = viewer.user;
  return (
    "<!DOCTYPE html>" +
    (
      <html lang={languageTag()}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="color-scheme" content="light dark" />
          <meta name="csrf-token" content={csrf} />
          <title safe>{`${title} | ${t("site.name")}`}</title>
          <link rel="stylesheet" href="/static/fanfold.css" />
          {feed ? <link rel="alternate" type="application/atom+xml" href={feed.href} title={feed.title} /> : ""}
          <script src="/static/autocomplete.js" defer></script>
        </head>
        <body>
          <ul id="skiplinks">
            <li>
              <a href="#main" safe>{t("nav.skip")}</a>
            </li>
          </ul>
          <header id="header" class="region">
            <p class="site-name">
              <a href="/" rel="home" safe>
                {t("site.name")}
              </a>
            </p>
            <nav aria-label={t("ui.site")}>
              <ul class="primary navigation actions">
                <li>
                  <a href="/works" safe>{t("nav.works")}</a>
                </li>
                <li>
                  <a href="/media" safe>{t("nav.fandoms")}</a>
                </li>
                {user ? (
                  <li>
                    <a href="/works/new" safe>{t("nav.post")}</a>
                  </li>
                ) : (
                  ""
                )}
                {hasAnyRole(viewer, ["wrangler", "tag_wrangling"]) ? (
                  <li>
                    <a href="/wrangling" safe>{t("nav.wrangling")}</a>
                  </li>
                ) : (
                  ""
                )}
                {isAnyAdmin(viewer) ? (
                  <li>
                    <a href="/admin" safe>{t("nav.admin")}</a>
                  </li>
                ) : (
                  ""
                )}
              </ul>
            </nav>
            <form class="search" method="get" action="/works/search" role="search" aria-label={t("ui.site_search")}>
              <label for="site-search" safe>{t("nav.search.label")}</label>
              <input type="search" id="site-search" name="work_search[query]" />
              <button type="submit" safe>{t("nav.search")}</button>
            </form>
            <nav aria-label={t("ui.account")}>
              <ul class="user navigation actions">
                {user ? (
                  <>
                    <li>
                      <a href={`/users/${encodeURIComponent(user.login)}`} safe>
                        {user.login}
                      </a>
                    </li>
                    <li>
                      {/* A link to the confirmation page (whose button logs out), as AO3 has: readers' tools look for it to know they are logged in. */}
                      <a href="/users/logout" safe>
                        {t("nav.logout")}
                      </a>
                    </li>
                  </>
                ) : (
                  <>
                    <li>
                      <a href="/users/login" safe>{t("nav.login")}</a>
                    </li>
                    <li>
                      <a href="/signup" safe>{t("nav.signup")}</a>
                    </li>
                  </>
                )}
              </ul>
            </nav>
          </header>
          {banner}
          <main id="main" class={mainClass ?? ""} tabindex="-1">
            <h1 class="landmark heading" safe>
              {title}
            </h1>
            <StandingBanner viewer={viewer} />
            {children}
          </main>
          <footer id="footer" class="region">
            <p safe>{`${t("site.name")} · ${t("site.tagline")}`}</p>
            <p>
              <a href="/admin_posts" safe>{t("nav.news")}</a> · <a href="/api" safe>{t("nav.api")}</a> · <a href="/tos" safe>{t("nav.tos")}</a> · <a href="/privacy" safe>{t("nav.privacy")}</a>
            </p>
            <p>
              {/* The abuse report form (src/reports), filled in with this page's address. */}
              <a href={pageUrl ? `/abuse_reports/new?url=${encodeURIComponent(pageUrl)}` : "/abuse_reports/new"} safe>
                {t("reports.footer_link")}
              </a>
            </p>
          </footer>
        </body>
      </html>
    )
  );
}
