import { CsrfField, FlashNotices } from "../../platform/http/components.js";
import { t } from "../../platform/i18n/index.js";
import { seriesPath, userPath, workPath } from "../../model/paths.js";
import type { NamedSubscription, SubscriptionKind } from "../queries.js";
import { deleteSubscriptionPath, subscriptionsPath, unsubscribePath } from "./paths.js";

/** Where a subscription's target lives. */
export function targetPath(subscription: NamedSubscription): string | null {
  if (subscription.name === null) return null;
  if (subscription.kind === "work") return workPath(subscription.target_id);
  if (subscription.kind === "user") return userPath(subscription.name);
  return seriesPath(subscription.target_id);
}

/**
 * The Subscribe / Unsubscribe button for a work, user or series page: a plain POST form (it
 * works without JavaScript); `returnTo` brings the reader back to the page they were on.
 */
export function SubscribeButton(props: { login: string; kind: SubscriptionKind; targetId: number; subscriptionId: number | null; returnTo: string; csrf: string }): JSX.Element {
  if (props.subscriptionId !== null) {
    return (
      <form method="post" action={deleteSubscriptionPath(props.login, props.subscriptionId)} class="subscribe">
        <CsrfField csrf={props.csrf} />
        <input type="hidden" name="return_to" value={props.returnTo} />
        <button type="submit" safe>{t("subscriptions.unsubscribe")}</button>
      </form>
    );
  }
  return (
    <form method="post" action={subscriptionsPath(props.login)} class="subscribe">
      <CsrfField csrf={props.csrf} />
      <input type="hidden" name="subscription[subscribable_type]" value={props.kind} />
      <input type="hidden" name="subscription[subscribable_id]" value={String(props.targetId)} />
      <input type="hidden" name="return_to" value={props.returnTo} />
      <button type="submit" safe>{t("subscriptions.subscribe")}</button>
    </form>
  );
}

const KINDS: SubscriptionKind[] = ["work", "user", "series"];

/** A user's own subscriptions, by kind, each with an Unsubscribe button. */
export function SubscriptionsPage(props: { login: string; kind: SubscriptionKind | null; subscriptions: NamedSubscription[]; notices: string[]; csrf: string }): JSX.Element {
  const here = subscriptionsPath(props.login);
  return (
    <div class="subscriptions-index">
      <h2 class="heading" safe>{t("subscriptions.heading")}</h2>
      <FlashNotices lines={props.notices} />
      <nav aria-label={t("subscriptions.heading")}>
        <ul class="navigation actions">
          <li>{props.kind === null ? <span class="current" aria-current="page" safe>{t("subscriptions.all")}</span> : <a href={here} safe>{t("subscriptions.all")}</a>}</li>
          {KINDS.map((kind) => (
            <li>
              {props.kind === kind ? (
                <span class="current" aria-current="page" safe>
                  {t(`subscriptions.kind.${kind}`)}
                </span>
              ) : (
                <a href={`${here}?type=${kind}`} safe>{t(`subscriptions.kind.${kind}`)}</a>
              )}
            </li>
          ))}
        </ul>
      </nav>
      {props.subscriptions.length === 0 ? (
        <p safe>{t("subscriptions.none")}</p>
      ) : (
        <table class="subscriptions">
          <caption class="landmark" safe>{t("subscriptions.heading")}</caption>
          <thead>
            <tr>
              <th safe scope="col">{t("users.name")}</th>
              <th safe scope="col">{t("subscriptions.type")}</th>
              <th scope="col">
                <span safe class="landmark">{t("blocking.actions_2")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.subscriptions.map((s) => {
              const path = targetPath(s);
              return (
                <tr>
                  <th scope="row">{path ? <a href={path} safe>{s.name}</a> : <span safe>{t("subscriptions.gone")}</span>}</th>
                  <td safe>{t(`subscriptions.kind.${s.kind}`)}</td>
                  <td>
                    <form method="post" action={deleteSubscriptionPath(props.login, s.id)}>
                      <CsrfField csrf={props.csrf} />
                      <input type="hidden" name="return_to" value={props.kind ? `${here}?type=${props.kind}` : here} />
                      <button type="submit" aria-label={`${t("subscriptions.unsubscribe")}: ${s.name ?? t("subscriptions.gone")}`} safe>
                        {t("subscriptions.unsubscribe")}
                      </button>
                    </form>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The page an email's unsubscribe link opens: a question and one button, no log-in needed. */
export function UnsubscribePage(props: { token: string; name: string; done: boolean; csrf: string }): JSX.Element {
  return (
    <div class="unsubscribe">
      <h2 class="heading" safe>{t("subscriptions.unsubscribe_heading")}</h2>
      {props.done ? (
        <p role="status" safe>
          {t("subscriptions.unsubscribe_done", { name: props.name })}
        </p>
      ) : (
        <form method="post" action={unsubscribePath(props.token)}>
          <CsrfField csrf={props.csrf} />
          <p safe>{t("subscriptions.unsubscribe_question", { name: props.name })}</p>
          <p class="actions">
            <button type="submit" safe>{t("subscriptions.unsubscribe")}</button>
          </p>
        </form>
      )}
    </div>
  );
}

export function UnknownUnsubscribePage(): JSX.Element {
  return (
    <div class="unsubscribe">
      <h2 class="heading" safe>{t("subscriptions.unsubscribe_heading")}</h2>
      <p safe>{t("subscriptions.unsubscribe_unknown")}</p>
    </div>
  );
}
