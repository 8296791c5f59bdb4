import { t } from "../i18n/index.js";

/**
 * AO3's Search menu, on every search page: works, bookmarks and people, the current one marked
 * (for screen readers too, with aria-current, not by colour alone).
 */
export function SearchNavigation({ current }: { current: "works" | "bookmarks" | "people" }): JSX.Element {
  const links = [
    { key: "works", href: "/works/search", label: t("search.nav.works") },
    { key: "bookmarks", href: "/bookmarks/search", label: t("search.nav.bookmarks") },
    { key: "people", href: "/people/search", label: t("search.nav.people") },
  ] as const;
  return (
    <nav class="search-navigation" aria-label={t("search.nav.label")}>
      <ul class="navigation actions">
        {links.map((link) =>
          link.key === current ? (
            <li>
              <a href={link.href} aria-current="page">
                <strong safe>{link.label}</strong>
              </a>
            </li>
          ) : (
            <li>
              <a href={link.href} safe>
                {link.label}
              </a>
            </li>
          ),
        )}
      </ul>
    </nav>
  );
}
