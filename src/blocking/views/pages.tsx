import { CsrfField, ErrorSummary, type FieldErrors, isoDate, TextField, FlashNotices } from "../../platform/http/components.js";
import { formatNumber, t } from "../../platform/i18n/index.js";
import { userPath } from "../../model/paths.js";
import { RELATION_LIMIT, type Relation, type RelatedUser } from "../queries.js";
import { relationListPath, undoRelationPath } from "./paths.js";

/** The form field that names the user to block or mute. */
export const TARGET_FIELD = { block: "block[login]", mute: "mute[login]" } as const;

/** Block / Unblock and Mute / Unmute for another user's profile: plain POST forms. */
export function RelationButtons(props: { viewerLogin: string; target: { id: number; login: string }; state: { block: boolean; mute: boolean }; returnTo: string; csrf: string }): JSX.Element {
  return (
    <ul class="actions" aria-label={t("blocking.actions")}>
      {(["block", "mute"] as const).map((relation) => (
        <li>
          <form method="post" action={props.state[relation] ? undoRelationPath(relation, props.viewerLogin, props.target.id) : relationListPath(relation, props.viewerLogin)}>
            <CsrfField csrf={props.csrf} />
            {props.state[relation] ? "" : <input type="hidden" name={TARGET_FIELD[relation]} value={props.target.login} />}
            <input type="hidden" name="return_to" value={props.returnTo} />
            <button type="submit" safe>
              {t(props.state[relation] ? `blocking.${relation}.undo` : `blocking.${relation}.do`)}
            </button>
          </form>
        </li>
      ))}
    </ul>
  );
}

/** Someone's blocked (or muted) users, with the form to add one and a button to undo each. */
export function RelationListPage(props: { relation: Relation; login: string; users: RelatedUser[]; typed: string; errors: FieldErrors; notices: string[]; csrf: string }): JSX.Element {
  const { relation } = props;
  const field = TARGET_FIELD[relation];
  return (
    <div class={`${relation}s-index`}>
      <h2 class="heading" safe>
        {t(`blocking.${relation}.heading`)}
      </h2>
      <FlashNotices lines={props.notices} />
      <p safe>{t(`blocking.${relation}.explain`)}</p>
      <p safe>{t("blocking.count", { count: formatNumber(props.users.length), limit: formatNumber(RELATION_LIMIT) })}</p>
      <ErrorSummary errors={props.errors} labels={{ [field]: t("blocking.field") }} />
      <form method="post" action={relationListPath(relation, props.login)}>
        <CsrfField csrf={props.csrf} />
        <TextField name={field} label={t("blocking.field")} value={props.typed} errors={props.errors[field]} />
        <p class="actions">
          <button type="submit" safe>
            {t(`blocking.${relation}.do`)}
          </button>
        </p>
      </form>
      {props.users.length ? (
        <table>
          <caption safe>{t(`blocking.${relation}.heading`)}</caption>
          <thead>
            <tr>
              <th safe scope="col">{t("blocking.user")}</th>
              <th safe scope="col">{t("blocking.since")}</th>
              <th scope="col">
                <span safe class="landmark">{t("blocking.actions_2")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.users.map((u) => (
              <tr>
                <th scope="row">
                  <a href={userPath(u.login)} safe>
                    {u.login}
                  </a>
                </th>
                <td safe>{isoDate(u.since)}</td>
                <td>
                  <form method="post" action={undoRelationPath(relation, props.login, u.id)}>
                    <CsrfField csrf={props.csrf} />
                    <button type="submit" aria-label={`${t(`blocking.${relation}.undo`)} ${u.login}`} safe>
                      {t(`blocking.${relation}.undo`)}
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        ""
      )}
    </div>
  );
}
