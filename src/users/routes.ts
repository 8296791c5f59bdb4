import { get, post } from "../platform/http/routes.js";
import * as h from "./handlers.js";
import { showClaimPage, submitClaim } from "./claim-handlers.js";
import { showPeopleSearchPage } from "./people-handlers.js";

// AO3's throttles: five log-in attempts per 20 seconds per address; sign-ups more slowly. (Each
// account has its own limit too, from any address: src/users/throttle.ts.) Checking a two-factor
// code, at log-in or to change the set-up, is limited like a password.
const LOGIN_LIMIT = { max: 5, timeWindow: 20_000 };
const SIGNUP_LIMIT = { max: 5, timeWindow: 3_600_000 };

/** Accounts: sign up, log in and out, settings, pseuds, profiles. */
export const usersRoutes = [
  get("/users/login", h.showLoginPage),
  post("/users/login", h.logInUser, { rateLimit: LOGIN_LIMIT }),
  get("/users/login/two_factor", h.showSecondFactorStep),
  post("/users/login/two_factor", h.checkSecondFactor, { rateLimit: LOGIN_LIMIT }),
  get("/users/logout", h.showLogoutPage),
  post("/users/logout", h.logOutUser),
  get("/token_dispenser.json", h.showTokenDispenser),
  get("/signup", h.showSignupPage),
  post("/signup", h.signUpUser, { rateLimit: SIGNUP_LIMIT }),
  get("/claim/:token", showClaimPage),
  post("/claim/:token", submitClaim, { rateLimit: LOGIN_LIMIT }),

  get("/users/:login/edit", h.showAccountPage, { guard: "user" }),
  post("/users/:login/password", h.savePassword, { guard: "user" }),
  post("/users/:login/email", h.saveEmail, { guard: "user" }),
  get("/users/:login/pseuds/new", h.showNewPseudPage, { guard: "user", contributes: true }),
  post("/users/:login/pseuds", h.postPseud, { guard: "user", contributes: true }),
  get("/users/:login/two_factor", h.showTwoFactorPage, { guard: "user" }),
  post("/users/:login/two_factor/setup", h.startTwoFactorSetup, { guard: "user" }),
  post("/users/:login/two_factor/enable", h.confirmTwoFactor, { guard: "user", rateLimit: LOGIN_LIMIT }),
  post("/users/:login/two_factor/disable", h.turnOffTwoFactor, { guard: "user", rateLimit: LOGIN_LIMIT }),
  post("/users/:login/two_factor/recovery_codes", h.newRecoveryCodes, { guard: "user", rateLimit: LOGIN_LIMIT }),

  get("/people/search", showPeopleSearchPage),
  get("/users/:login/pseuds/:pseud", h.showPseudPage),
  get("/users/:login/pseuds/:pseud/edit", h.showEditPseudPage, { guard: "user", contributes: true }),
  post("/users/:login/pseuds/:pseud", h.savePseud, { guard: "user", contributes: true }),
  get("/users/:login/pseuds/:pseud/confirm_delete", h.showDeletePseudPage, { guard: "user" }),
  post("/users/:login/pseuds/:pseud/delete", h.removePseud, { guard: "user" }),
  get("/users/:login/profile/edit", h.showEditProfilePage, { guard: "user", contributes: true }),
  post("/users/:login/profile", h.saveProfile, { guard: "user", contributes: true }),
];
