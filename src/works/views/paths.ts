/** URLs of work pages, in one place: they are permanent (readers' tools depend on them). */
export const workPath = (id: number) => `/works/${id}`;
export const chapterPath = (workId: number, chapterId: number) => `/works/${workId}/chapters/${chapterId}`;
export const fullWorkPath = (id: number) => `/works/${id}?view_full_work=true`;
export const navigatePath = (id: number) => `/works/${id}/navigate`;
export const editWorkPath = (id: number) => `/works/${id}/edit`;
export const userPath = (login: string) => `/users/${encodeURIComponent(login)}`;
export const pseudPath = (login: string, pseud: string) => `/users/${encodeURIComponent(login)}/pseuds/${encodeURIComponent(pseud)}`;
