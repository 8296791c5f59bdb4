export const workCommentsPath = (workId: number) => `/works/${workId}/comments`;
export const commentPath = (id: number) => `/comments/${id}`;
export const replyPath = (id: number) => `/comments/${id}/reply`;
export const editCommentPath = (id: number) => `/comments/${id}/edit`;
export const confirmDeleteCommentPath = (id: number) => `/comments/${id}/confirm_delete`;
export const inboxPath = (login: string) => `/users/${encodeURIComponent(login)}/inbox`;
