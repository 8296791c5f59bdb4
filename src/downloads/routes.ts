import { get } from "../platform/http/routes.js";
import * as h from "./handlers.js";

/** Downloads: AO3's URL, `/downloads/ID/NAME.FORMAT` (NAME from the title; see ./file-name.ts). */
export const downloadsRoutes = [get("/downloads/:id/:file", h.download)];
