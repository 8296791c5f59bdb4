/**
 * The public module of src/invitations: invitations, the invite-request queue, and the terms of
 * service and privacy policy people accept to join. What other folders may use; everything else
 * in the folder is its own business (.dependency-cruiser.cjs keeps it so).
 */
export { invitationsRoutes } from "./routes.js";
export { invitationJobSteps, signupLink } from "./mail.js";
export { inviteRequestCount } from "./queue.js";
export { invitationForSignup, invitationProblem, redeemInvitation } from "./codes.js";
export { minimumAge } from "./settings.js";
export { acceptTerms, currentTerms, termsGate } from "./terms.js";
