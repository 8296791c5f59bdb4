import { get } from "../platform/http/routes.js";
import * as h from "./handlers.js";

/** Search: one page for the box and the advanced form, with AO3's parameter names. */
export const searchRoutes = [get("/works/search", h.showSearchPage), get("/search", h.showSearchPage)];
