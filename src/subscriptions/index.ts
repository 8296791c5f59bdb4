/**
 * The public module of src/subscriptions: what other folders may use. Everything else in the folder is
 * its own business (.dependency-cruiser.cjs keeps it so).
 */
export { dropSubscriptionsTo, queueSubscriptionMail, subscribe } from "./commands.js";
export { subscribeButtonFor } from "./handlers.js";
export { subscriptionJobSteps } from "./mail-job.js";
export { subscriberCounts } from "./queries.js";
export { subscriptionsRoutes } from "./routes.js";
