/**
 * The public module of src/users: what other folders may use. Everything else in the folder is
 * its own business (.dependency-cruiser.cjs keeps it so).
 */
export { createUser, passwordLogIn } from "./commands.js";
export { accountJobSteps } from "./lock-mail.js";
export { adminSecondFactorGate, hasSecondFactor } from "./two-factor.js";
export { userFromUrl } from "./handlers.js";
export { verifyNothing, verifyPassword } from "./passwords.js";
export { usersRoutes } from "./routes.js";
export { emailErrors, loginErrors, readSignupForm, validateSignup } from "./schema.js";
export { loadViewer, startSession } from "./sessions.js";
export { ProfilePage } from "./views/pages.js";
export { IMPORTED_PASSWORD_HASH, type ImportedAccount, importedLoginProblem, insertImportedAccount } from "./imported-accounts.js";
