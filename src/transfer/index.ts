/**
 * The public module of src/transfer: what other folders may use. Everything else in the folder is
 * its own business (.dependency-cruiser.cjs keeps it so).
 */
export { exportWorkText, prepareImport } from "./work-text-archive.js";
export { checkImportedWork, saveImportedWork } from "./imported-work.js";
export type { ImportCheck, ImportedChapter, ImportedWork, ImportLoss, ImportRefusal, SavedImport, SaveImportOptions } from "./imported-work.js";
export { legacyTarget, legacyTargetsOf } from "./legacy-lookup.js";
export { legacyUrlRoutes } from "./legacy-urls.js";
export { efictionReport, planMappingCsv, plannedCounts, prepareEfictionImport, runPreparedEfictionImport } from "./efiction/command.js";
export { IMPORT_FILE_KINDS, importingPseudIds, readImportFile } from "./import-file.js";
export type { ImportFileKind, ReadImportFile } from "./import-file.js";
export { DumpError, readMysqlDump } from "./efiction/mysql-dump.js";
export type { DumpTable, SqlValue } from "./efiction/mysql-dump.js";
