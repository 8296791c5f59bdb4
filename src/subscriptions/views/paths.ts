// Subscription URLs, as on AO3 where it has them (/users/LOGIN/subscriptions).
export const subscriptionsPath = (login: string) => `/users/${encodeURIComponent(login)}/subscriptions`;
export const deleteSubscriptionPath = (login: string, id: number) => `/users/${encodeURIComponent(login)}/subscriptions/${id}/delete`;
/** The email's link: works without logging in; the token is the only key. */
export const unsubscribePath = (token: string) => `/subscriptions/unsubscribe/${encodeURIComponent(token)}`;
