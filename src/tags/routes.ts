import { get, post } from "../platform/http/routes.js";
import { WRANGLERS } from "./policy.js";
import * as fandoms from "./fandom-handlers.js";
import * as h from "./handlers.js";

// Autocomplete is called as a wrangler or writer types; generous, but bounded per address.
const AUTOCOMPLETE_LIMIT = { max: 300, timeWindow: 60_000 };

/** Tags: finding fandoms and tags, tag pages, creating and searching tags, wrangling (edit, bins, mass wrangling, history) and autocomplete. */
export const tagsRoutes = [
  get("/media", fandoms.showMediaPage),
  get("/media/:name/fandoms", fandoms.showMediumFandomsPage),
  get("/fandoms", fandoms.showAllFandomsPage),
  get("/tags", fandoms.showTagCloudPage),
  // Before /tags/:name in meaning (static paths win in the router): as on AO3, no tag is reached
  // at /tags/new or /tags/search.
  get("/tags/new", h.showNewTagPage, { guard: WRANGLERS }),
  post("/tags", h.createTagFromForm, { guard: WRANGLERS }),
  get("/tags/search", h.showTagSearch),
  get("/tags/:name", h.showTagPage),
  get("/tags/:name/edit", h.showEditTagPage, { guard: WRANGLERS }),
  post("/tags/:name", h.saveTag, { guard: WRANGLERS }),
  get("/tags/:name/history", h.showTagHistoryPage, { guard: WRANGLERS }),
  get("/tags/:name/wrangle", h.showFandomBinPage, { guard: WRANGLERS }),
  post("/tags/:name/wrangle", h.massWrangle, { guard: WRANGLERS }),
  get("/wrangling", h.showWranglingHome, { guard: WRANGLERS }),
  get("/autocomplete/:type", h.autocomplete, { rateLimit: AUTOCOMPLETE_LIMIT }),
];
