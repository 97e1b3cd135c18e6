/**
 * Shared pieces of the shipped dashboards (CONVENTIONS "Grafana"): a `datasource` variable
 * instead of __inputs, `job`/`instance`(/`server`) variables, every selector filtered by them,
 * `$__rate_interval` in every rate, stable uids and `id: null`.
 */
import * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  DashboardBuilder,
  DashboardCursorSync,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  RowBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableRefresh,
  VariableSort,
  type Panel,
  type ThresholdsConfig,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { LegendDisplayMode, LegendPlacement, ReduceDataOptionsBuilder, VizLegendOptionsBuilder } from '@grafana/grafana-foundation-sdk/common';
import { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { PanelBuilder as StatBuilder } from '@grafana/grafana-foundation-sdk/stat';

export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
/** Matchers every selector carries. */
export const M = 'job=~"$job", instance=~"$instance"';
/** Matchers of per-server selectors on dashboards with a `server` variable. */
export const MS = `${M}, server=~"$server"`;
/** The range of every rate()/increase(). */
export const RI = '[$__rate_interval]';

/** Player fill colours of the seed's progress bar: 50 / 75 / 90 %. */
export const FILL_THRESHOLDS: ThresholdsConfig = {
  mode: ThresholdsMode.Absolute,
  steps: [
    { value: null, color: 'green' },
    { value: 0.5, color: 'yellow' },
    { value: 0.75, color: 'orange' },
    { value: 0.9, color: 'red' },
  ],
};

/** The same thresholds as a builder (panel builders take builders). */
export const thresholds = (config: ThresholdsConfig) => new ThresholdsConfigBuilder().mode(config.mode).steps(config.steps);

export const UP_THRESHOLDS: ThresholdsConfig = {
  mode: ThresholdsMode.Absolute,
  steps: [
    { value: null, color: 'red' },
    { value: 1, color: 'green' },
  ],
};

export function query(expr: string, legend: string, refId = 'A'): DataqueryBuilder {
  return new DataqueryBuilder().expr(expr).legendFormat(legend).refId(refId);
}

export function instant(expr: string, refId: string): DataqueryBuilder {
  return new DataqueryBuilder().expr(expr).instant().format(PromQueryFormat.Table).legendFormat('__auto').refId(refId);
}

export function legend(): VizLegendOptionsBuilder {
  return new VizLegendOptionsBuilder().displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom).showLegend(true);
}

/** A time series panel with one or more queries (refIds A, B, ...). */
export function timeseries(title: string, unit: string, targets: Array<[expr: string, legend: string]>, description = ''): TimeseriesBuilder {
  const panel = new TimeseriesBuilder().title(title).unit(unit).datasource(DATASOURCE).legend(legend()).fillOpacity(10).lineWidth(1);
  targets.forEach(([expr, leg], i) => panel.withTarget(query(expr, leg, String.fromCharCode(65 + i))));
  return description ? panel.description(description) : panel;
}

export function stat(title: string, unit: string, expr: string, legendFormat: string, description = ''): StatBuilder {
  const panel = new StatBuilder()
    .title(title)
    .unit(unit)
    .datasource(DATASOURCE)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']))
    .withTarget(query(expr, legendFormat));
  return description ? panel.description(description) : panel;
}

type PanelLike = cog.Builder<Panel> & { span(w: number): PanelLike; height(h: number): PanelLike };

export type Row = { title: string; panels: Array<[panel: PanelLike, width: number, height?: number]> };

function variables(withServer: boolean): Array<cog.Builder<never>> {
  const v = (name: string, label: string, q: string) =>
    new QueryVariableBuilder(name)
      .label(label)
      .query(q)
      .definition(q)
      .datasource(DATASOURCE)
      .multi(true)
      .includeAll(true)
      .allValue('.+')
      .current({ text: 'All', value: '$__all' })
      .refresh(VariableRefresh.OnTimeRangeChanged)
      .sort(VariableSort.AlphabeticalAsc);
  const list = [
    new DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'),
    v('job', 'Job', 'label_values(gust_build_info, job)'),
    v('instance', 'Instance', 'label_values(gust_build_info{job=~"$job"}, instance)'),
  ];
  if (withServer) list.push(v('server', 'Server', `label_values(gust_server_up{${M}}, server)`));
  return list as unknown as Array<cog.Builder<never>>;
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  withServer: boolean;
  rows: Row[];
}

/** Rows top to bottom; the SDK places panels left to right (24 columns) and wraps. */
export function buildDashboard(spec: DashboardSpec): object {
  const d = new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .id(null)
    .description(spec.description)
    .tags(['gust', 'game-servers'])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser')
    .refresh('30s')
    .variables(variables(spec.withServer));
  for (const row of spec.rows) {
    d.withRow(new RowBuilder(row.title));
    for (const [panel, w, h = 8] of row.panels) d.withPanel(panel.span(w).height(h));
  }
  const built = d.build();
  // Stable, unique panel ids (links like ?viewPanel=N keep working across regenerations).
  built.panels?.forEach((panel, i) => {
    panel.id = i + 1;
  });
  return built;
}
