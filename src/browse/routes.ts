import { get } from "../platform/http/routes.js";
import * as h from "./handlers.js";

/** Listings of works: everything, a user's, a pseud's, a tag's (the tag page itself is in src/tags). */
export const browseRoutes = [
  get("/", h.showHomePage),
  get("/works", h.showWorksPage),
  get("/users/:login/works", h.showUserWorksPage),
  get("/users/:login/works/drafts", h.showDraftsPage, { guard: "user" }),
  get("/users/:login/pseuds/:pseud/works", h.showPseudWorksPage),
  get("/tags/:name/works", h.showTagWorksPage),
];
