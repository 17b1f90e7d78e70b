import { Resvg } from '@resvg/resvg-js';

/** Rasterises an SVG to PNG with resvg (native, no browser), using the machine's fonts. */
export function svgToPng(svg: string): Uint8Array {
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    background: '#ffffff',
  });
  return resvg.render().asPng();
}
