export const tokensPath = (login: string) => `/users/${encodeURIComponent(login)}/api_tokens`;
export const API_PREFIX = "/api/v1";
export const API_DOCS_PATH = "/api";
