// The news' addresses, as AO3 names them (/admin_posts).
export const newsPath = "/admin_posts";
export const newsFeedPath = "/admin_posts.atom";
export const newsTagPath = (tagId: number) => `/admin_posts?tag=${tagId}`;
export const newPostPath = "/admin_posts/new";
export const postPath = (id: number) => `/admin_posts/${id}`;
export const editPostPath = (id: number) => `/admin_posts/${id}/edit`;
export const confirmDeletePostPath = (id: number) => `/admin_posts/${id}/confirm_delete`;
export const deletePostPath = (id: number) => `/admin_posts/${id}/delete`;
export const postCommentsPath = (id: number) => `/admin_posts/${id}/comments`;
export const newsCommentAnchor = (id: number) => `news_comment_${id}`;
export const confirmDeleteNewsCommentPath = (id: number) => `/admin_post_comments/${id}/confirm_delete`;
export const deleteNewsCommentPath = (id: number) => `/admin_post_comments/${id}/delete`;
export const bannerSettingsPath = "/admin/banner";
export const dismissBannerPath = "/banner/dismiss";
