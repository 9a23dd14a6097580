// `dsg graph --format svg`: the page's graph as a standalone picture, for READMEs and reviews.
import type { GraphModel } from './page-model.ts';
import { svgDocument } from './page/draw.ts';

/** The model drawn as an SVG document (same layout and styles as the HTML page, without a run). */
export function formatSvg(model: GraphModel): string {
  return svgDocument(model);
}
