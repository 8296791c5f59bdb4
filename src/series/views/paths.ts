/** URLs of series pages, as AO3 has them (readers' tools and old links depend on them). */
export const seriesPath = (id: number) => `/series/${id}`;
export const editSeriesPath = (id: number) => `/series/${id}/edit`;
export const confirmDeleteSeriesPath = (id: number) => `/series/${id}/confirm_delete`;
export const userSeriesPath = (login: string) => `/users/${encodeURIComponent(login)}/series`;
export const seriesBookmarksPath = (id: number) => `/series/${id}/bookmarks`;
export const newSeriesBookmarkPath = (id: number) => `/series/${id}/bookmarks/new`;
export const seriesFeedPath = (id: number) => `/series/${id}/feed.atom`;
