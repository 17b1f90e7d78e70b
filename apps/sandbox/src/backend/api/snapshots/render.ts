import { createRequire } from 'node:module';

// resvg's native addon (a few MB of RSS) is loaded by the first snapshot, not at startup.
const require = createRequire(import.meta.url);
let resvgModule: typeof import('@resvg/resvg-js') | undefined;

/** Rasterises an SVG to PNG with resvg (native, no browser), using the machine's fonts. */
export function svgToPng(svg: string): Uint8Array {
  resvgModule ??= require('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
  const resvg = new resvgModule.Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    background: '#ffffff',
  });
  return resvg.render().asPng();
}
