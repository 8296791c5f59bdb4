import type { FastifyReply, FastifyRequest } from "fastify";
import { pageParam } from "../platform/http/routes.js";
import { SearchNavigation } from "../platform/http/search-nav.js";
import { t } from "../platform/i18n/index.js";
import { PEOPLE_NAME_PARAM, readPeopleSearch, searchPeople } from "./people-search.js";
import { PeopleFound, PeopleSearchForm } from "./views/people.js";

/** `/people/search`: the Name box, and the pseuds (with their users) whose names contain what was typed. */
export async function showPeopleSearchPage(req: FastifyRequest, reply: FastifyReply) {
  const name = readPeopleSearch(req);
  const options = { mainClass: "people-search" };
  if (!name) return reply.page(t("users.people.heading"), <><SearchNavigation current="people" /><PeopleSearchForm name="" /></>, options);
  const page = pageParam(req);
  const { total, people } = await searchPeople(req.db, req.viewer, name, page);
  const query = new URLSearchParams([[PEOPLE_NAME_PARAM, name]]).toString();
  return reply.page(
    t("users.people.results"),
    <>
      <SearchNavigation current="people" />
      <PeopleSearchForm name={name} />
      <PeopleFound total={total} page={page} people={people} href={(n) => `/people/search?${query}${n > 1 ? `&page=${n}` : ""}`} />
    </>,
    options,
  );
}
