/**
 * A uPlot time-series chart sized to its container. With onZoom, dragging across the chart
 * selects a time range (the histogram's drag-to-zoom) instead of zooming the chart itself.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface ChartSeries {
  label: string;
  color: string;
  bars?: boolean;
}

interface Props {
  /** x = epoch seconds, then one array per series. */
  data: [number[], ...(number | null)[][]];
  series: ChartSeries[];
  height?: number;
  label: string;
  /** The window shown, epoch ms (else uPlot fits the data: one point would span years). */
  window?: [number, number];
  onZoom?: (fromMs: number, toMs: number) => void;
}

export function Chart({ data, series, height = 180, label, window, onZoom }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const zoom = useRef(onZoom);
  zoom.current = onZoom;
  const win = useRef(window);
  win.current = window;

  useEffect(() => {
    const el = box.current!;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      cursor: { drag: { x: true, y: false, setScale: !onZoom } },
      legend: { show: true },
      scales: { x: { time: true, range: (_u, min, max) => (win.current ? [win.current[0] / 1000, win.current[1] / 1000] : [min, max]) } },
      axes: [{ stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,.2)' } }, { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,.2)' }, size: 56 }],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          fill: s.bars ? s.color + '99' : undefined,
          width: s.bars ? 0 : 1.5,
          points: { show: false },
          ...(s.bars ? { paths: uPlot.paths.bars!({ size: [0.9, 40] }) } : {}),
        })),
      ],
      hooks: {
        setSelect: [
          (u) => {
            if (!zoom.current || u.select.width < 3) return;
            const from = u.posToVal(u.select.left, 'x') * 1000;
            const to = u.posToVal(u.select.left + u.select.width, 'x') * 1000;
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            zoom.current(Math.floor(from), Math.ceil(to));
          },
        ],
      },
    };
    plot.current = new uPlot(opts, data as uPlot.AlignedData, el);
    const ro = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // The series layout is fixed per chart; data changes go through setData below.
  }, [series.length, height]);

  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData);
  }, [data, window?.[0], window?.[1]]);

  return <div class="chart" ref={box} role="img" aria-label={label} />;
}
