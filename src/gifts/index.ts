/**
 * The public module of src/gifts: what other folders may use. Everything else in the folder is
 * its own business (.dependency-cruiser.cjs keeps it so). Gifts never import src/works: the
 * works capability calls these when a work is saved.
 */
export { resolveGiftRecipients, type GiftContext } from "./check.js";
export { dropGiftsOf, setGifts } from "./commands.js";
export { giftLineFor, giftRecipientsText } from "./handlers.js";
export { giftLabel, giftsOfWork, type Gift } from "./queries.js";
export { giftsRoutes } from "./routes.js";
export { GIFT_LIMITS, RECIPIENTS_FIELD, type GiftRecipient } from "./schema.js";
export { giftsPath } from "./views/paths.js";
