/** Shows a Vega-Lite spec (from `src/charts.ts`, shared with the CLI) in a container, as SVG. */
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

const views = new WeakMap<HTMLElement, View>();

export async function showChart(container: HTMLElement, spec: TopLevelSpec): Promise<View> {
  views.get(container)?.finalize();
  const view = new View(parse(compile(spec).spec), { renderer: 'svg', container, hover: true });
  views.set(container, view);
  await view.runAsync();
  return view;
}
