import { get, post } from "../platform/http/routes.js";
import * as h from "./handlers.js";

/** Series: AO3's URLs. A series is made from the work form ("Add to series"); bookmarks of series are in responses. */
export const seriesRoutes = [
  get("/series/:id", h.showSeriesPage),
  get("/series/:id/edit", h.showEditSeriesPage, { guard: "user", contributes: true }),
  post("/series/:id", h.saveSeries, { guard: "user", contributes: true }),
  get("/series/:id/confirm_delete", h.showDeleteSeriesPage, { guard: "user" }),
  post("/series/:id/delete", h.removeSeries, { guard: "user" }),
  get("/users/:login/series", h.showUserSeries),
];
