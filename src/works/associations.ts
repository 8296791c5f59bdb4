import type { DbOrTrx } from "../platform/db/index.js";
import type { FieldErrors } from "../platform/http/components.js";
import { field, fieldList } from "../platform/http/forms-parser.js";
import { parseId } from "../platform/http/routes.js";
import type { Viewer } from "../platform/http/viewer.js";
import { dropGiftsOf, type GiftRecipient, RECIPIENTS_FIELD, resolveGiftRecipients, setGifts } from "../gifts/index.js";
import { announceParents, dropRelatedOf, linkOf, type ParentFormValues, type ParentLink, parentsOf, readParentForm, readRemovedParents, resolveParents, setParents } from "../related/index.js";
import type { Creator } from "../model/works.js";
import { cancelInvitations, checkCoCreators, inviteCoCreators, pendingInvitationsOf } from "./cocreators.js";

/*
 * The work form's co-creator, gift and related-work fields: read, checked against the database
 * (names, blocks, visibility), and saved in the work's own transaction through the gifts and
 * related capabilities' commands. Each field left undefined means "leave as it is" (the JSON API
 * sends only what it changes).
 */

export const CO_CREATORS_FIELD = "work[co_creators]";
export const CANCEL_INVITATIONS_FIELD = "work[cancel_invitation_ids][]";

/** The fields as typed, so a refused form shows them again untouched. */
export interface AssociationValues {
  /** Pseud names to invite as co-creators. */
  coCreators?: string;
  /** Unanswered invitations to withdraw (edit form). */
  cancelInvitations?: string[];
  /** "Gift this work to": every recipient, as the field holds them. */
  recipients?: string;
  /** Related works to add. */
  parents?: ParentFormValues[];
  /** Links already stored to remove (edit form). */
  removeParents?: string[];
  /** True: `parents` is the whole list (the JSON API); false: it is added to the links kept. */
  replaceParents?: boolean;
}

/** What the work's commands save. */
export interface WorkAssociations {
  invite: { pseudIds: number[]; byUserId: number };
  cancelInvitationIds: number[];
  /** Undefined: the gifts stay as they are. */
  gifts?: GiftRecipient[];
  /** Undefined: the related works stay as they are. */
  parents?: ParentLink[];
}

/** Reads the fields of a submitted work form. */
export function readAssociations(body: unknown): AssociationValues {
  return {
    coCreators: field(body, CO_CREATORS_FIELD),
    cancelInvitations: fieldList(body, CANCEL_INVITATIONS_FIELD),
    recipients: field(body, RECIPIENTS_FIELD),
    parents: [readParentForm(body)],
    removeParents: readRemovedParents(body),
    replaceParents: false,
  };
}

export interface AssociationContext {
  /** The writer saving the form. */
  viewer: Viewer & { user: NonNullable<Viewer["user"]> };
  /** The work being edited, with its creators; null for a new one. */
  work: { id: number; creators: Creator[] } | null;
  publicUrl: string;
}

export type AssociationCheck = { ok: true; value: WorkAssociations } | { ok: false; errors: FieldErrors };

/** Checks the fields against the archive (who exists, who blocked whom, what the writer may see). Problems come per field. */
export async function checkAssociations(db: DbOrTrx, values: AssociationValues, context: AssociationContext): Promise<AssociationCheck> {
  const writer = context.viewer.user.id;
  const creators = context.work?.creators ?? [];
  const creatorUserIds = [...new Set([writer, ...creators.map((c) => c.userId)])];
  const errors: FieldErrors = {};
  const pending = context.work ? await pendingInvitationsOf(db, context.work.id) : [];
  const cancelled = (values.cancelInvitations ?? []).map((id) => parseId(id)).filter((id): id is number => id !== null && pending.some((p) => p.id === id));
  const pendingKept = pending.filter((p) => !cancelled.includes(p.id)).map((p) => p.pseudId);

  let invite: number[] = [];
  if (values.coCreators !== undefined) {
    const checked = await checkCoCreators(db, values.coCreators, { writerUserId: writer, creators, pendingPseudIds: pendingKept });
    if (checked.ok) invite = checked.value;
    else errors[CO_CREATORS_FIELD] = checked.errors;
  }

  let gifts: GiftRecipient[] | undefined;
  if (values.recipients !== undefined) {
    const checked = await resolveGiftRecipients(db, values.recipients, { writerUserId: writer, creatorUserIds, workId: context.work?.id ?? null });
    if (checked.ok) gifts = checked.value;
    else errors[RECIPIENTS_FIELD] = checked.errors;
  }

  let parents: ParentLink[] | undefined;
  if (values.parents !== undefined) {
    const checked = await resolveParents(db, context.viewer, values.parents, { childId: context.work?.id ?? null, publicUrl: context.publicUrl });
    if (!checked.ok) Object.assign(errors, checked.errors);
    else if (values.replaceParents || !context.work) parents = checked.value;
    else {
      const removed = new Set((values.removeParents ?? []).map(Number));
      const kept = (await parentsOf(db, context.work.id)).filter((ref) => !removed.has(ref.linkId)).map(linkOf);
      parents = [...kept, ...checked.value];
    }
  }

  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { invite: { pseudIds: invite, byUserId: writer }, cancelInvitationIds: cancelled, gifts, parents } };
}

/** Saves the checked fields in the work's transaction (its creators are stored already). */
export async function saveAssociations(trx: DbOrTrx, workId: number, associations: WorkAssociations, options: { posted: boolean }): Promise<void> {
  await cancelInvitations(trx, workId, associations.cancelInvitationIds);
  await inviteCoCreators(trx, workId, associations.invite.pseudIds, associations.invite.byUserId);
  if (associations.gifts) await setGifts(trx, workId, associations.gifts);
  if (associations.parents) await setParents(trx, workId, associations.parents, options);
}

/** At posting a draft: what its associations wait for (the related works' notices). */
export async function announceAssociations(trx: DbOrTrx, workId: number): Promise<void> {
  await announceParents(trx, workId);
}

/** Before a work is deleted: its invitations, gifts and links from or to it go too. */
export async function dropAssociations(trx: DbOrTrx, workId: number): Promise<void> {
  await trx.deleteFrom("creator_invitations").where("work_id", "=", workId).execute();
  await dropGiftsOf(trx, workId);
  await dropRelatedOf(trx, workId);
}
