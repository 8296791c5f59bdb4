import { FlashNotices } from "../../platform/http/components.js";
import { t } from "../../platform/i18n/index.js";

/** One figure of "Needs attention": what it counts, how many, and the page to act on it. */
export interface AttentionItem {
  label: string;
  count: number;
  href: string;
}

/** One admin page the viewer may open. */
export interface AdminLink {
  href: string;
  label: string;
  about: string;
}

/** The admin home page: what needs attention, then every admin page this admin may open. */
export function AdminHomePage({ links, attention, notices }: { links: AdminLink[]; attention: AttentionItem[]; notices: string[] }): JSX.Element {
  return (
    <div class="admin home">
      <FlashNotices lines={notices} />
      <section aria-labelledby="attention-heading">
        <h2 safe class="heading" id="attention-heading">{t("admin_home.attention")}</h2>
        {attention.length ? (
          <ul class="attention">
            {attention.map((item) => (
              <li>
                <a href={item.href} safe>{item.label}</a>
                {": "}
                <strong class={item.count > 0 ? "count nonzero" : "count"} safe>{String(item.count)}</strong>
              </li>
            ))}
          </ul>
        ) : (
          <p safe>{t("admin_home.attention.nothing")}</p>
        )}
      </section>
      <section aria-labelledby="admin-pages-heading">
        <h2 safe class="heading" id="admin-pages-heading">{t("admin_home.pages")}</h2>
        {links.length ? (
          <dl class="admin-pages">
            {links.map((link) => (
              <>
                <dt>
                  <a href={link.href} safe>{link.label}</a>
                </dt>
                <dd safe>{link.about}</dd>
              </>
            ))}
          </dl>
        ) : (
          <p safe>{t("admin_home.pages.none")}</p>
        )}
      </section>
    </div>
  );
}
