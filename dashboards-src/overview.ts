/** CATALOGUE I.1 — Game servers overview. */
import { PanelBuilder as BarGaugeBuilder } from '@grafana/grafana-foundation-sdk/bargauge';
import { PanelBuilder as TableBuilder } from '@grafana/grafana-foundation-sdk/table';
import { BarGaugeDisplayMode, ReduceDataOptionsBuilder, VizOrientation } from '@grafana/grafana-foundation-sdk/common';
import { DATASOURCE, FILL_THRESHOLDS, M, RI, UP_THRESHOLDS, buildDashboard, instant, query, stat, thresholds, timeseries } from './common.ts';

const servers = new TableBuilder()
  .title('Servers')
  .description('Every server: up, players online / slots, fill (colours at 50 / 75 / 90 %), tick rate, map and version.')
  .datasource(DATASOURCE)
  .withTarget(instant(`gust_server_up{${M}}`, 'A'))
  .withTarget(instant(`gust_players_online{${M}}`, 'B'))
  .withTarget(instant(`gust_players_max{${M}}`, 'C'))
  .withTarget(instant(`gust:players_fill:ratio{${M}}`, 'D'))
  .withTarget(instant(`gust_server_tick_rate_hertz{${M}}`, 'E'))
  .withTarget(instant(`gust_server_info{${M}}`, 'F'))
  .withTransformation({ id: 'merge', options: {} })
  .withTransformation({
    id: 'organize',
    options: {
      excludeByName: { Time: true, __name__: true, job: true, 'Value #F': true, game: false },
      renameByName: {
        'Value #A': 'Up',
        'Value #B': 'Players',
        'Value #C': 'Slots',
        'Value #D': 'Fill',
        'Value #E': 'Tick rate (Hz)',
      },
    },
  })
  .overrideByName('Fill', [
    { id: 'unit', value: 'percentunit' },
    { id: 'thresholds', value: FILL_THRESHOLDS },
    { id: 'custom.cellOptions', value: { type: 'color-background' } },
  ])
  .overrideByName('Up', [
    { id: 'thresholds', value: UP_THRESHOLDS },
    { id: 'mappings', value: [{ type: 'value', options: { '0': { text: 'DOWN' }, '1': { text: 'UP' } } }] },
    { id: 'custom.cellOptions', value: { type: 'color-background' } },
  ]);

const fill = new BarGaugeBuilder()
  .title('Player fill')
  .description('Players online / slots per server; green < 50 %, yellow < 75 %, orange < 90 %, red >= 90 % (GustServerNearlyFull).')
  .datasource(DATASOURCE)
  .unit('percentunit')
  .min(0)
  .max(1)
  .thresholds(thresholds(FILL_THRESHOLDS))
  .displayMode(BarGaugeDisplayMode.Gradient)
  .orientation(VizOrientation.Horizontal)
  .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']))
  .withTarget(query(`gust:players_fill:ratio{${M}}`, '{{server}}'));

const alerts = new TableBuilder()
  .title('Firing alerts')
  .description('Alerts of the shipped rules firing in Prometheus (ALERTS) for the selected agents.')
  .datasource(DATASOURCE)
  .withTarget(instant(`ALERTS{alertstate="firing", alertname=~"Gust.+", ${M}}`, 'A'))
  .withTransformation({ id: 'organize', options: { excludeByName: { Time: true, __name__: true, Value: true, alertstate: true } } });

const agentAlerts = new TableBuilder()
  .title('In-agent alerts')
  .description('Alerts the agent evaluates itself on its own state (gust_alert_active == 1), available without Prometheus rules.')
  .datasource(DATASOURCE)
  .withTarget(instant(`gust_alert_active{${M}} == 1`, 'A'))
  .withTransformation({ id: 'organize', options: { excludeByName: { Time: true, __name__: true, Value: true } } });

export default buildDashboard({
  uid: 'gust-overview',
  title: 'Gust / Game servers overview',
  description: 'Every game server of the selected gust-agents: state, players, restarts and firing alerts.',
  withServer: false,
  rows: [
    {
      title: 'State',
      panels: [
        [stat('Servers up', 'none', `sum(gust_server_up{${M}})`, 'up'), 4, 4],
        [stat('Servers configured', 'none', `sum(gust_servers_configured{${M}})`, 'configured'), 4, 4],
        [stat('Players online', 'none', `sum(gust_players_online{${M}})`, 'players'), 4, 4],
        [stat('Servers down', 'none', `count(gust_server_up{${M}} == 0) or vector(0)`, 'down'), 4, 4],
        [stat('Prometheus alerts firing', 'none', `count(ALERTS{alertstate="firing", alertname=~"Gust.+", ${M}}) or vector(0)`, 'firing'), 4, 4],
        [stat('In-agent alerts active', 'none', `sum(gust_alert_active{${M}}) or vector(0)`, 'active'), 4, 4],
        [servers, 16, 10],
        [fill, 8, 10],
      ],
    },
    {
      title: 'Players',
      panels: [
        [timeseries('Players online', 'none', [[`gust_players_online{${M}}`, '{{server}}'], [`gust_players_max{${M}}`, '{{server}} slots']]), 12],
        [
          timeseries('Joins and leaves', 'ops', [
            [`sum by (instance, server) (rate(gust_player_joins_total{${M}}${RI}))`, '{{server}} joins'],
            [`-sum by (instance, server) (rate(gust_player_leaves_total{${M}}${RI}))`, '{{server}} leaves'],
          ]),
          12,
        ],
      ],
    },
    {
      title: 'Health',
      panels: [
        [timeseries('Server up', 'none', [[`gust_server_up{${M}}`, '{{server}}']]).min(0).max(1), 8],
        [timeseries('Tick rate', 'hertz', [[`gust_server_tick_rate_hertz{${M}}`, '{{server}}']]), 8],
        [timeseries('Restarts', 'none', [[`sum by (instance, server) (increase(gust_server_restarts_total{${M}}${RI}))`, '{{server}}']]), 8],
        [alerts, 12, 8],
        [agentAlerts, 12, 8],
      ],
    },
  ],
});
