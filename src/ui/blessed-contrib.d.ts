// The blessed-contrib widgets the pulses view uses (src/ui/views/pulses.ts), imported one by
// one (the package's index loads every widget, maps and pictures included); blessed-contrib
// ships no types. Each is a blessed Box whose data is set after it is attached to a screen.
declare module 'blessed-contrib/lib/widget/charts/line.js' {
  import type { Widgets } from 'blessed';
  export interface LineSeries {
    title: string;
    x: string[];
    y: number[];
    style?: { line?: string | number[] };
  }
  export interface LineElement extends Widgets.BoxElement {
    options: { maxY?: number; minY?: number };
    setData(series: LineSeries[]): void;
  }
  const line: (options: Record<string, unknown>) => LineElement;
  export default line;
}
declare module 'blessed-contrib/lib/widget/sparkline.js' {
  import type { Widgets } from 'blessed';
  export interface SparklineElement extends Widgets.BoxElement {
    setData(titles: string[], data: number[][]): void;
  }
  const sparkline: (options: Record<string, unknown>) => SparklineElement;
  export default sparkline;
}
declare module 'blessed-contrib/lib/widget/gauge.js' {
  import type { Widgets } from 'blessed';
  export interface GaugeElement extends Widgets.BoxElement {
    setPercent(percent: number): void;
  }
  const gauge: (options: Record<string, unknown>) => GaugeElement;
  export default gauge;
}
