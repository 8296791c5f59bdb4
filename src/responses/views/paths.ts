export const kudosPath = (workId: number) => `/works/${workId}/kudos`;
export const newBookmarkPath = (workId: number) => `/works/${workId}/bookmarks/new`;
export const bookmarksOfWorkPath = (workId: number) => `/works/${workId}/bookmarks`;
export const bookmarkPath = (id: number) => `/bookmarks/${id}`;
export const editBookmarkPath = (id: number) => `/bookmarks/${id}/edit`;
export const confirmDeleteBookmarkPath = (id: number) => `/bookmarks/${id}/confirm_delete`;
export const userBookmarksPath = (login: string) => `/users/${encodeURIComponent(login)}/bookmarks`;
