// The sessions-per-day chart of the dashboard, drawn by uPlot (loaded before this module as the
// global `uPlot` from /assets/uPlot.iife.min.js). Successful and failed sessions are bars side by
// side on the left axis, the failure rate a line on the right axis. Days are UTC.
import { fill, h } from './dom.js';

const kHeight = 300;
let chart = null;
let resizeObserver = null;

function chartWidth(container) {
  return Math.max(280, Math.floor(container.clientWidth));
}

// days: [{day: 'YYYY-MM-DD', successful, failed}] in ascending order.
export function drawSessionsChart(container, days) {
  if (chart) {
    chart.destroy();
    chart = null;
  }
  if (resizeObserver) {
    resizeObserver.disconnect();
    resizeObserver = null;
  }
  if (typeof window.uPlot !== 'function') {
    fill(container, h('p', { class: 'error' }, 'The chart library did not load.'));
    return;
  }
  fill(container);
  if (!days.length) {
    fill(container, h('p', { class: 'empty' }, 'No sessions to draw in this period.'));
    return;
  }
  const uPlot = window.uPlot;
  // The x axis counts days (0, 1, 2…) rather than time, so that long periods with few reports
  // still get one readable bar pair per day; the caller fills in empty days of short periods.
  const x = days.map((d, i) => i);
  const successful = days.map((d) => d.successful);
  const failed = days.map((d) => d.failed);
  const rate = days.map((d) => (d.successful + d.failed > 0 ? (100 * d.failed) / (d.successful + d.failed) : null));
  const dayOf = (i) => (Number.isInteger(i) && days[i] ? days[i].day : '');
  const number = new Intl.NumberFormat('en');
  const bars = (align) => uPlot.paths.bars({ size: [0.4, 48], align, gap: 1 });

  const options = {
    width: chartWidth(container),
    height: kHeight,
    cursor: { drag: { x: false, y: false } },
    legend: { live: true },
    scales: {
      x: { time: false, range: (u, min, max) => [min - 0.6, max + 0.6] },
      sessions: { range: (u, min, max) => [0, Math.max(1, max) * 1.1] },
      rate: { range: (u, min, max) => [0, Math.min(100, Math.max(1, max || 0) * 1.15)] },
    },
    series: [
      { label: 'Day', value: (u, v) => dayOf(v) || '–' },
      {
        label: 'Successful sessions',
        scale: 'sessions',
        stroke: '#2f7d32',
        fill: 'rgba(47, 125, 50, 0.75)',
        width: 1,
        paths: bars(-1),
        points: { show: false },
        value: (u, v) => (v == null ? '–' : number.format(v)),
      },
      {
        label: 'Failed sessions',
        scale: 'sessions',
        stroke: '#b3261e',
        fill: 'rgba(179, 38, 30, 0.85)',
        width: 1,
        paths: bars(1),
        points: { show: false },
        value: (u, v) => (v == null ? '–' : number.format(v)),
      },
      {
        label: 'Failure rate',
        scale: 'rate',
        stroke: '#1a4fa0',
        width: 2,
        points: { show: true, size: 6 },
        value: (u, v) => (v == null ? '–' : `${v.toFixed(2)} %`),
      },
    ],
    axes: [
      { stroke: '#333', space: 90, incrs: [1, 2, 3, 5, 7, 14, 30, 60, 90, 180, 365], values: (u, splits) => splits.map(dayOf) },
      { scale: 'sessions', stroke: '#333', label: 'Sessions', values: (u, vals) => vals.map((v) => number.format(v)), size: 60 },
      {
        scale: 'rate',
        side: 1,
        stroke: '#1a4fa0',
        label: 'Failure rate',
        grid: { show: false },
        values: (u, vals) => vals.map((v) => `${+v.toFixed(2)} %`),
        size: 60,
      },
    ],
  };
  chart = new uPlot(options, [x, successful, failed, rate], container);

  if (typeof ResizeObserver === 'function') {
    let lastWidth = chartWidth(container);
    resizeObserver = new ResizeObserver(() => {
      const width = chartWidth(container);
      if (chart && width !== lastWidth) {
        lastWidth = width;
        chart.setSize({ width, height: kHeight });
      }
    });
    resizeObserver.observe(container);
  }
}
