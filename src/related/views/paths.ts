/** URLs of the related-works pages: a user's list as on AO3, and each link's answers. */
export const relatedWorksPath = (login: string) => `/users/${encodeURIComponent(login)}/related_works`;
export const approveLinkPath = (id: number) => `/related_works/${id}/approve`;
export const hideLinkPath = (id: number) => `/related_works/${id}/hide`;
