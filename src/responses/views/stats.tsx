import { SelectField } from "../../platform/http/components.js";
import { formatNumber, t } from "../../platform/i18n/index.js";
import { workPath, statsPath } from "../../model/paths.js";
import type { DayFigures, StatsSort, WorkStats } from "../stats.js";

// The chart is drawn by the server as inline SVG (no script, no stylesheet: presentation
// attributes only, which the Content-Security-Policy allows). Hits are a solid line and kudos a
// dashed one, so the two differ without colour. Its <title> and <desc> say what it shows, and
// the table under it holds the same figures for screen readers and for anyone who wants numbers.
// It sits on its own white ground, so its colours read the same in the light and the dark scheme.

const W = 640;
const H = 260;
const LEFT = 52;
const RIGHT = 16;
const TOP = 28;
const BOTTOM = 40;

/** The smallest 1, 2 or 5 times a power of ten at or above n (at least 1): the chart's top. */
export function niceCeiling(n: number): number {
  if (n <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 5, 10]) if (step * power >= n) return step * power;
  return 10 * power;
}

function points(values: number[], top: number): string {
  const width = W - LEFT - RIGHT;
  const height = H - TOP - BOTTOM;
  const x = (i: number) => (values.length === 1 ? LEFT + width / 2 : LEFT + (i * width) / (values.length - 1));
  return values.map((v, i) => `${x(i).toFixed(1)},${(TOP + height - (v / top) * height).toFixed(1)}`).join(" ");
}

/** Hits and kudos per day as an SVG line chart with its title and description. */
export function StatsChart({ figures, subject }: { figures: DayFigures[]; subject: string }): JSX.Element {
  const first = figures[0]?.day ?? "";
  const last = figures[figures.length - 1]?.day ?? "";
  const hits = figures.map((f) => f.hits);
  const kudos = figures.map((f) => f.kudos);
  const top = niceCeiling(Math.max(0, ...hits, ...kudos));
  const totalHits = hits.reduce((a, b) => a + b, 0);
  const totalKudos = kudos.reduce((a, b) => a + b, 0);
  const busiest = figures.reduce((best, f) => (f.hits > best.hits ? f : best), figures[0] ?? { day: first, hits: 0, kudos: 0 });
  const title = t("responses.hits_and_kudos_per_day", { subject });
  const desc =
    t("responses.a_line_chart_of_length", { length: figures.length, first, last, totalHits: formatNumber(totalHits) }) +
    (totalHits > 0 ? t("responses.the_most_on_day_hits", { day: busiest.day, hits: formatNumber(busiest.hits) }) : "") +
    t("responses.kudos_dashed_line_totalkudos_in", { totalKudos: formatNumber(totalKudos) });
  const height = H - TOP - BOTTOM;
  const ticks = [0, top / 2, top].filter((v, i) => i !== 1 || Number.isInteger(v));
  const middle = figures[Math.floor((figures.length - 1) / 2)]?.day ?? "";
  return (
    <svg xmlns="http://www.w3.org/2000/svg" class="stats-chart" viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-labelledby="stats-chart-title stats-chart-desc">
      <title id="stats-chart-title" safe>
        {title}
      </title>
      <desc id="stats-chart-desc" safe>
        {desc}
      </desc>
      <rect x="0" y="0" width={String(W)} height={String(H)} fill="#fff" />
      <g font-family="sans-serif" font-size="12" fill="#333">
        {ticks.map((v) => {
          const y = (TOP + height - (v / top) * height).toFixed(1);
          return (
            <>
              <line x1={String(LEFT)} x2={String(W - RIGHT)} y1={y} y2={y} stroke="#ccc" stroke-width="1" />
              <text x={String(LEFT - 6)} y={y} text-anchor="end" dominant-baseline="middle" safe>
                {formatNumber(v)}
              </text>
            </>
          );
        })}
        <text x={String(LEFT)} y={String(H - 12)} text-anchor="start" safe>
          {first}
        </text>
        <text x={String(LEFT + (W - LEFT - RIGHT) / 2)} y={String(H - 12)} text-anchor="middle" safe>
          {middle}
        </text>
        <text x={String(W - RIGHT)} y={String(H - 12)} text-anchor="end" safe>
          {last}
        </text>
        <line x1={String(W - 190)} x2={String(W - 160)} y1="12" y2="12" stroke="#900" stroke-width="2.5" />
        <text safe x={String(W - 154)} y="12" dominant-baseline="middle">{t("responses.hits")}</text>
        <line x1={String(W - 100)} x2={String(W - 70)} y1="12" y2="12" stroke="#246" stroke-width="2.5" stroke-dasharray="6 4" />
        <text safe x={String(W - 64)} y="12" dominant-baseline="middle">{t("responses.kudos")}</text>
      </g>
      <polyline class="hits" points={points(hits, top)} fill="none" stroke="#900" stroke-width="2.5" />
      <polyline class="kudos" points={points(kudos, top)} fill="none" stroke="#246" stroke-width="2.5" stroke-dasharray="6 4" />
    </svg>
  );
}

/** The chart's figures as a table. */
export function FiguresTable({ figures }: { figures: DayFigures[] }): JSX.Element {
  const first = figures[0]?.day ?? "";
  const last = figures[figures.length - 1]?.day ?? "";
  return (
    <table class="stats-days">
      <caption safe>{t("responses.hits_and_kudos_per_day_2", { first, last })}</caption>
      <thead>
        <tr>
          <th safe scope="col">{t("responses.date")}</th>
          <th safe scope="col">{t("responses.hits")}</th>
          <th safe scope="col">{t("responses.kudos")}</th>
        </tr>
      </thead>
      <tbody>
        {figures.map((f) => (
          <tr>
            <th scope="row">
              <time datetime={f.day} safe>
                {f.day}
              </time>
            </th>
            <td safe>{formatNumber(f.hits)}</td>
            <td safe>{formatNumber(f.kudos)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const columns = (): { sort: StatsSort; label: string; value: (w: WorkStats) => number }[] => ([
  { sort: "words", label: t("responses.words"), value: (w) => w.words },
  { sort: "hits", label: t("responses.hits"), value: (w) => w.hits },
  { sort: "kudos", label: t("responses.kudos"), value: (w) => w.kudos },
  { sort: "comments", label: t("comments.comments"), value: (w) => w.comments },
  { sort: "bookmarks", label: t("series.bookmarks"), value: (w) => w.bookmarks },
]);

export interface StatsPageProps {
  login: string;
  works: WorkStats[];
  sort: StatsSort;
  /** Subscribers per work (from the subscriptions capability). */
  subscriptions: Map<number, number>;
  figures: DayFigures[];
  /** The work the chart is about, or null for all of them. */
  chartWorkId: number | null;
}

/** `/users/LOGIN/stats`: each posted work's figures, and hits and kudos per day. */
export function StatsPage(props: StatsPageProps): JSX.Element {
  const base = statsPath(props.login);
  const chartWork = props.works.find((w) => w.id === props.chartWorkId);
  const subject = chartWork ? t("responses.chart_of_work", { title: chartWork.title }) : t("responses.chart_of_all_works");
  const sortHref = (sort: StatsSort) => `${base}?sort=${sort}${props.chartWorkId ? `&work=${props.chartWorkId}` : ""}`;
  const header = (sort: StatsSort, label: string) => (
    <th scope="col" aria-sort={props.sort === sort ? (sort === "title" ? "ascending" : "descending") : undefined}>
      {props.sort === sort ? <span safe>{label}</span> : <a href={sortHref(sort)} safe>{label}</a>}
    </th>
  );
  const total = (value: (w: WorkStats) => number) => props.works.reduce((sum, w) => sum + value(w), 0);
  return (
    <div class="stats-index">
      <h2 class="heading" safe>{t("responses.stats_for_login", { login: props.login })}</h2>
      {props.works.length === 0 ? (
        <p safe class="empty">{t("responses.no_posted_works_yet_stats")}</p>
      ) : (
        <>
          <h3 safe class="heading">{t("responses.per_work")}</h3>
          <table class="stats-works">
            <caption safe>{t("responses.figures_for_each_posted_work")}</caption>
            <thead>
              <tr>
                {header("title", t("search.title"))}
                {columns().map((c) => header(c.sort, c.label))}
                <th safe scope="col">{t("users.subscriptions")}</th>
              </tr>
            </thead>
            <tbody>
              {props.works.map((w) => (
                <tr id={`stats-work-${w.id}`}>
                  <th scope="row">
                    <a href={workPath(w.id)} safe>
                      {w.title}
                    </a>
                  </th>
                  {columns().map((c) => (
                    <td class={c.sort} safe>
                      {formatNumber(c.value(w))}
                    </td>
                  ))}
                  <td class="subscriptions" safe>
                    {formatNumber(props.subscriptions.get(w.id) ?? 0)}
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th safe scope="row">{t("responses.all_works")}</th>
                {columns().map((c) => (
                  <td class={c.sort} safe>
                    {formatNumber(total(c.value))}
                  </td>
                ))}
                <td class="subscriptions" safe>
                  {formatNumber([...props.subscriptions.values()].reduce((a, b) => a + b, 0))}
                </td>
              </tr>
            </tfoot>
          </table>
          <h3 safe class="heading">{t("responses.over_time")}</h3>
          <form method="get" action={base} class="stats-chart-choice">
            <input type="hidden" name="sort" value={props.sort} />
            <SelectField
              name="work"
              label={t("responses.chart_of")}
              value={props.chartWorkId ? String(props.chartWorkId) : ""}
              choices={[{ value: "", label: t("responses.all_works") }, ...props.works.map((w) => ({ value: String(w.id), label: w.title }))]}
            />
            <p class="actions">
              <button safe type="submit">{t("responses.show")}</button>
            </p>
          </form>
          <StatsChart figures={props.figures} subject={subject} />
          <FiguresTable figures={props.figures} />
        </>
      )}
    </div>
  );
}
