/**
 * The public module of src/series: what other folders may use. Everything else in the folder is
 * its own business (.dependency-cruiser.cjs keeps it so).
 */
export { deleteSeriesIn, joinSeries, putWorkInSeries, removeWorkFromAllSeries } from "./commands.js";
export { describeImportedSeries, joinImportedSeries } from "./imported.js";
export { seriesJoin, seriesPlacesFor, workFormSeries } from "./handlers.js";
export { seriesRoutes } from "./routes.js";
export { parseSeriesChoice, SERIES_FIELDS, SERIES_LIMITS } from "./schema.js";
export type { SeriesChoice } from "./schema.js";
