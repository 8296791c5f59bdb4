import { escapeHtml } from "@kitajs/html";
import type { TagRow } from "../../platform/db/tables.js";
import { HISTORY_LIMIT, type HistoryLine } from "../queries.js";
import { WranglerLinks } from "./tag-page.js";
import { t } from "../../platform/i18n/index.js";

/** A stored timestamp as people read it: "2026-03-01 14:05 UTC". */
function readableTime(iso: string): string {
  return t("tags.value_value2_utc", { value: iso.slice(0, 10), value2: iso.slice(11, 16) });
}

/** `/tags/NAME/history`: who changed the tag, what and when, newest first. */
export function TagHistoryPage({ tag, lines, logins }: { tag: TagRow; lines: HistoryLine[]; logins: Map<number, string> }): JSX.Element {
  return (
    <div class="tag history">
      <h2 class="heading" safe>
        {t("tags.wrangling_history_name", { name: tag.name })}
      </h2>
      <WranglerLinks tag={tag} current="history" />
      {lines.length ? (
        <table>
          <caption>{lines.length >= HISTORY_LIMIT ? t("tags.the_newest_history_limit_changes", { HISTORY_LIMIT }) : escapeHtml(t("tags.every_change_newest_first"))}</caption>
          <thead>
            <tr>
              <th safe scope="col">{t("tags.when")}</th>
              <th safe scope="col">{t("tags.who")}</th>
              <th safe scope="col">{t("tags.change")}</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line) => {
              const login = line.userId === null ? undefined : logins.get(line.userId);
              return (
                <tr>
                  <td>
                    <time datetime={line.createdAt} safe>
                      {readableTime(line.createdAt)}
                    </time>
                  </td>
                  <td>
                    {login ? (
                      <a href={`/users/${encodeURIComponent(login)}`} safe>
                        {login}
                      </a>
                    ) : (
                      <span safe class="hint">{t("tags.the_command_line_or_a")}</span>
                    )}
                  </td>
                  <td safe>{line.detail}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : (
        <p safe>{t("tags.no_wrangler_has_changed_this")}</p>
      )}
    </div>
  );
}
