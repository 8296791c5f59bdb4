import { Pagination, rawHtml, TextField } from "../../platform/http/components.js";
import { formatNumber, t } from "../../platform/i18n/index.js";
import { pseudPath, userPath } from "../../model/paths.js";
import { PEOPLE_NAME_PARAM, PEOPLE_PER_PAGE, type PersonFound } from "../people-search.js";

/** AO3's people search: one Name box. */
export function PeopleSearchForm({ name }: { name: string }): JSX.Element {
  return (
    <form method="get" action="/people/search" class="search" role="search" aria-label={t("users.people.heading")}>
      <h2 safe class="heading">{t("users.people.heading")}</h2>
      <TextField name={PEOPLE_NAME_PARAM} label={t("users.people.name")} value={name} type="search" hint={t("users.people.name_hint")} />
      <p class="submit actions">
        <button type="submit" safe>
          {t("users.people.submit")}
        </button>
      </p>
    </form>
  );
}

/** The pseuds found, as AO3's pseud blurbs: the pseud and its user, its description, its works. */
export function PeopleFound({ total, page, people, href }: { total: number; page: number; people: PersonFound[]; href: (page: number) => string }): JSX.Element {
  return (
    <section class="people-found" aria-labelledby="people-found-heading">
      <h3 class="heading" id="people-found-heading" safe>
        {t(total === 1 ? "users.people.found.one" : "users.people.found.other", { count: formatNumber(total) })}
      </h3>
      {people.length ? (
        <ol class="pseud index group">
          {people.map((person) => (
            <li class="pseud blurb group">
              <h4 class="heading">
                <a href={pseudPath(person.login, person.pseud)} safe>
                  {person.pseud}
                </a>
                {person.pseud === person.login ? (
                  ""
                ) : (
                  <>
                    {" ("}
                    <a href={userPath(person.login)} safe>
                      {person.login}
                    </a>
                    {")"}
                  </>
                )}
              </h4>
              {person.description ? (
                <blockquote class="userstuff">{rawHtml(person.description)}</blockquote>
              ) : (
                ""
              )}
              <p class="works" safe>
                {t(person.works === 1 ? "users.people.works.one" : "users.people.works.other", { count: formatNumber(person.works) })}
              </p>
            </li>
          ))}
        </ol>
      ) : (
        <p class="empty" safe>
          {t("users.people.none")}
        </p>
      )}
      <Pagination page={page} pages={Math.max(1, Math.ceil(total / PEOPLE_PER_PAGE))} href={href} />
    </section>
  );
}
