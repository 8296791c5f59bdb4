/**
 * The public module of src/transfer: what other folders may use. Everything else in the folder is
 * its own business (.dependency-cruiser.cjs keeps it so).
 */
export { exportWorkText, prepareImport } from "./work-text-archive.js";
export { checkImportedWork, saveImportedWork } from "./imported-work.js";
export type { ImportCheck, ImportedChapter, ImportedWork, ImportLoss, ImportRefusal, SavedImport, SaveImportOptions } from "./imported-work.js";
export { efictionReport, planMappingCsv, plannedCounts, prepareEfictionImport, runPreparedEfictionImport } from "./efiction/command.js";
