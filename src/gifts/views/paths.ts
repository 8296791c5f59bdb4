/** URLs of the gifts pages, as AO3 has the listing. */
export const giftsPath = (login: string) => `/users/${encodeURIComponent(login)}/gifts`;
export const refusedGiftsPath = (login: string) => `${giftsPath(login)}?refused=true`;
export const refuseGiftPath = (login: string, workId: number) => `${giftsPath(login)}/${workId}/refuse`;
export const acceptGiftPath = (login: string, workId: number) => `${giftsPath(login)}/${workId}/accept`;
