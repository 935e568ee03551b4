/**
 * Turning DOT into pictures without a Graphviz install: SVG with Graphviz compiled to WebAssembly
 * (@hpcc-js/wasm-graphviz, smaller and faster than @viz-js/viz: see the README), PNG by
 * rasterising that SVG with resvg (WebAssembly) and embedded DejaVu fonts. Other Graphviz formats
 * (pdf, jpg, ps, gif...) go through a system `dot` when there is one. Everything heavy loads on
 * first use.
 */
import { RuffusError } from "../core/errors.ts";
import { rt } from "../core/runtime.ts";

/** Formats made in-process, whatever the machine has. */
export const BUILTIN_FORMATS = ["svg", "png", "dot", "json", "html"] as const;

/** Bytes the compiled binary embeds (set by its entry point); elsewhere they are read from node_modules. */
const assets: { resvgWasm?: () => Uint8Array; fonts?: () => Uint8Array[] } = {};

/** The PNG fonts: a serif close to Graphviz's Times in look and width, regular and bold (HTML labels' `<B>`). */
export const PNG_FONT_FILES = ["dejavu-fonts-ttf/ttf/DejaVuSerifCondensed.ttf", "dejavu-fonts-ttf/ttf/DejaVuSerifCondensed-Bold.ttf"] as const;

/** @internal Called by the binary's entry point. */
export function setRenderAssets(a: { resvgWasm: () => Uint8Array; fonts: () => Uint8Array[] }): void {
  assets.resvgWasm = a.resvgWasm;
  assets.fonts = a.fonts;
}

async function packageFile(specifier: string): Promise<Uint8Array> {
  const url = import.meta.resolve(specifier);
  return rt().readFile(decodeURIComponent(new URL(url).pathname));
}

type GraphvizEngine = { dot(src: string, format?: string): string };
type GraphvizModule = { Graphviz: { load(): Promise<GraphvizEngine> } };
let graphviz: Promise<GraphvizEngine> | undefined;

/** Thrown when Graphviz refuses the DOT text: its message, and the DOT line it names (1-based), if any. */
export class GraphvizSyntaxError extends RuffusError {
  override name = "GraphvizSyntaxError";
  constructor(readonly graphvizMessage: string, readonly line: number | undefined, readonly dot: string) {
    super(`Graphviz refused the DOT text: ${graphvizMessage}`);
  }
}

function graphvizError(error: unknown, dot: string): GraphvizSyntaxError {
  const message = (error instanceof Error ? error.message : String(error)).trim().replace(/^Error: (<stdin>: )?/, "");
  const line = /\bline (\d+)\b/.exec(message)?.[1];
  return new GraphvizSyntaxError(message, line ? Number(line) : undefined, dot);
}

function layout(gv: GraphvizEngine, dot: string, format: string): string {
  try {
    return gv.dot(dot, format);
  } catch (e) {
    throw graphvizError(e, dot);
  }
}

/**
 * DOT → SVG in-process. Each `<text>` gets `textLength` = the width Graphviz gave it (from a
 * second, JSON, rendering of the same layout): Graphviz sizes boxes with Times metrics, and a
 * browser without a Times-width font (Debian's chromium draws DejaVu Serif, an eighth wider)
 * would otherwise spill text out of its box and run the parts of an HTML label into each other.
 */
export async function dotToSvg(dot: string): Promise<string> {
  graphviz ??= (async () => {
    const mod = (await import("@hpcc-js/wasm-graphviz")) as unknown as GraphvizModule;
    return mod.Graphviz.load();
  })();
  const gv = await graphviz;
  const svg = layout(gv, dot, "svg");
  return fitTextToLayout(svg, JSON.parse(layout(gv, dot, "json")) as GraphvizJson);
}

interface TextOp {
  op: string;
  pt?: [number, number];
  width?: number;
  text?: string;
}
interface GraphvizJson {
  _ldraw_?: TextOp[];
  objects?: Record<string, unknown>[];
  edges?: Record<string, unknown>[];
}

const key = (x: number, y: number): string => `${Math.round(x * 100)},${Math.round(y * 100)}`;
const normalSpace = (s: string): string => s.replace(/\u00a0/g, " ");

function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) => {
    if (e[0] === "#") return String.fromCodePoint(e[1] === "x" ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[e] ?? "";
  });
}

/** Adds `textLength` (and `lengthAdjust`) to every SVG `<text>` Graphviz measured, matched by position and text. */
export function fitTextToLayout(svg: string, json: GraphvizJson): string {
  const widths = new Map<string, { text: string; width: number }[]>();
  const collect = (ops: unknown): void => {
    if (!Array.isArray(ops)) return;
    for (const o of ops as TextOp[]) {
      if (o.op !== "T" || !o.pt || typeof o.width !== "number") continue;
      const k = key(o.pt[0], o.pt[1]);
      widths.set(k, [...(widths.get(k) ?? []), { text: normalSpace(o.text ?? ""), width: o.width }]);
    }
  };
  for (const holder of [json, ...(json.objects ?? []), ...(json.edges ?? [])]) {
    for (const attr of ["_ldraw_", "_hldraw_", "_tldraw_", "_draw_", "_hdraw_", "_tdraw_"]) collect((holder as Record<string, unknown>)[attr]);
  }
  return svg.replace(/<text ([^>]*)>([^<]*)<\/text>/g, (whole, attrs: string, content: string) => {
    const x = /\bx="(-?[\d.]+)"/.exec(attrs)?.[1];
    const y = /\by="(-?[\d.]+)"/.exec(attrs)?.[1];
    if (x === undefined || y === undefined || attrs.includes("textLength=")) return whole;
    // Graphviz's SVG has y downwards (negated); its JSON has y upwards.
    const candidates = widths.get(key(Number(x), -Number(y))) ?? [];
    const text = normalSpace(unescapeXml(content));
    const hit = candidates.find((c) => c.text === text) ?? (candidates.length === 1 ? candidates[0] : undefined);
    if (!hit || !(hit.width > 0) || !text.trim()) return whole;
    return `<text ${attrs} textLength="${hit.width}" lengthAdjust="spacingAndGlyphs">${content}</text>`;
  });
}

/**
 * The DOT for a picture: Ruffus's own `size="8,11";` overridden as `dot -Gsize=...` overrides it.
 * With no `size` the override is empty, which Graphviz reads as "no size": the natural size, as
 * Ruffus's pictures come out in practice (it passes `-Gsize='(11,8)'`, which dot cannot parse, so
 * its `size="8,11"` is dropped too). `size` is Graphviz's: "w,h" in inches, the largest the
 * drawing may be (it is scaled down to fit), or "w,h!" to scale it up to fill that size too.
 */
export function withPictureSize(dot: string, size?: string): string {
  const close = dot.lastIndexOf("}");
  if (close < 0) return dot;
  return `${dot.slice(0, close)}size="${(size ?? "").replace(/"/g, "")}";\n${dot.slice(close)}`;
}

type ResvgModule = {
  initWasm(input: Uint8Array | ArrayBuffer): Promise<void>;
  Resvg: new (svg: string, options: Record<string, unknown>) => { render(): { asPng(): Uint8Array } };
};
let resvg: Promise<{ mod: ResvgModule; fonts: Uint8Array[] }> | undefined;

/** The largest PNG made (pixels): beyond this it is drawn at a lower resolution (resvg and viewers run out of memory). */
export const MAX_PNG_PIXELS = 64_000_000;
/** The longest side of a PNG (browsers and many viewers refuse larger images). */
export const MAX_PNG_SIDE = 32_767;

/** The pixel size of a PNG of `svg` at `dpi`, and the resvg zoom that gives it (after the caps above; `capped` when they cut it). */
export function pngGeometry(svg: string, dpi: number): { width: number; height: number; zoom: number; capped: boolean } {
  const m = /<svg[^>]*\bwidth="([\d.]+)(pt|px)?"[^>]*\bheight="([\d.]+)(pt|px)?"/.exec(svg);
  // resvg reads a length in pt as 96/72 px: zoom 1 is 96 dpi for Graphviz's point-sized SVG.
  let zoom = dpi / 96;
  if (!m) return { width: 0, height: 0, zoom, capped: false };
  const px = (v: string, unit: string | undefined): number => Number(v) * (unit === "px" ? 1 : 96 / 72);
  const [w, h] = [px(m[1], m[2]), px(m[3], m[4])];
  const scale = Math.min(1, MAX_PNG_SIDE / (w * zoom), MAX_PNG_SIDE / (h * zoom), Math.sqrt(MAX_PNG_PIXELS / (w * h * zoom * zoom)));
  zoom *= scale;
  return { width: Math.round(w * zoom), height: Math.round(h * zoom), zoom, capped: scale < 1 };
}

/** Below this many pixels (a 20-point task name's font size in the PNG) text cannot be read. */
export const MIN_READABLE_TEXT_PX = 10;

/**
 * The font size in pixels of the task names (Ruffus's 20 points) in a PNG of `svg` at `dpi`: after
 * Graphviz's own scaling (`size`, its `scale(...)` of the graph) and the pixel caps.
 */
export function pngTaskTextPixels(svg: string, dpi: number): number {
  const width = Number(/<svg[^>]*\bwidth="([\d.]+)/.exec(svg)?.[1]);
  const viewBox = Number(/<svg[^>]*\bviewBox="[-\d.]+ [-\d.]+ ([\d.]+)/.exec(svg)?.[1]);
  const graphScale = Number(/<g id="graph0"[^>]*\btransform="scale\(([\d.]+)/.exec(svg)?.[1] ?? 1);
  const pointsPerUnit = width > 0 && viewBox > 0 ? width / viewBox : 1;
  return 20 * graphScale * pointsPerUnit * (96 / 72) * pngGeometry(svg, dpi).zoom;
}

/**
 * A warning when the pixel caps shrink a PNG's text below {@link MIN_READABLE_TEXT_PX} (a fan-out of
 * hundreds of tasks side by side: 32,767 pixels for 90,000 points), else undefined.
 */
export function pngReadabilityWarning(svg: string, dpi: number): string | undefined {
  const g = pngGeometry(svg, dpi);
  const px = pngTaskTextPixels(svg, dpi);
  if (!g.capped || px >= MIN_READABLE_TEXT_PX) return undefined;
  return (
    `The flowchart is too large for a PNG: at ${g.width}x${g.height} pixels (PNGs are kept within ${MAX_PNG_SIDE} pixels a side ` +
    `and ${MAX_PNG_PIXELS / 1e6} million in all) its task names are ${px.toFixed(1)} pixels high, too small to read. ` +
    `Draw it as SVG or as the HTML report (format "svg" or "html": no pixel limit, zoomable in a browser).`
  );
}

/** SVG → PNG in-process, at `dpi` (Graphviz SVG is in points, 72 per inch; a 1-inch-wide drawing is `dpi` pixels wide). */
export async function svgToPng(svg: string, dpi = 120): Promise<Uint8Array> {
  if (!(dpi > 0)) throw new RuffusError(`printoutGraph(): dpi must be a positive number, not ${dpi}.`);
  resvg ??= (async () => {
    const mod = (await import("@resvg/resvg-wasm")) as unknown as ResvgModule;
    const wasm = assets.resvgWasm ? assets.resvgWasm() : await packageFile("@resvg/resvg-wasm/index_bg.wasm");
    await mod.initWasm(wasm);
    const fonts = assets.fonts ? assets.fonts() : await Promise.all(PNG_FONT_FILES.map(packageFile));
    return { mod, fonts };
  })();
  const { mod, fonts } = await resvg;
  const r = new mod.Resvg(svg, {
    fitTo: { mode: "zoom", value: pngGeometry(svg, dpi).zoom },
    background: "white",
    font: {
      fontBuffers: fonts,
      loadSystemFonts: false,
      defaultFontFamily: "DejaVu Serif",
      serifFamily: "DejaVu Serif",
      sansSerifFamily: "DejaVu Serif",
      monospaceFamily: "DejaVu Serif",
    },
  });
  return r.render().asPng();
}

/** Output formats of Graphviz's dot (`dot -T?`, Graphviz 2.43–12) beyond the built-in ones. */
const GRAPHVIZ_FORMATS = new Set([
  "pdf", "ps", "eps", "jpg", "jpeg", "jpe", "gif", "bmp", "tif", "tiff", "webp", "ico", "svgz", "ps2", "pic", "fig",
  "vml", "vmlz", "xdot", "xdot1.2", "xdot1.4", "plain", "plain-ext", "canon", "gv", "imap", "cmapx", "imap_np",
  "cmapx_np", "ismap", "cmap", "json0", "dot_json", "xdot_json", "mp", "pov", "tk", "vrml", "wbmp", "x11", "xlib",
  "gd", "gd2", "pct", "pict", "pdf:cairo", "png:cairo", "svg:cairo", "exr", "jp2", "psd", "sgi", "tga", "kitty", "kittyz",
]);

/** Any other format, through the system's `dot`, or a clear error saying what works without it. */
export async function dotWithSystemGraphviz(dot: string, format: string, dpi: number): Promise<Uint8Array> {
  if (!GRAPHVIZ_FORMATS.has(format)) {
    throw new RuffusError(
      `Unknown flowchart format '${format}'. These work: ${BUILTIN_FORMATS.join(", ")}; ` +
        `with Graphviz's dot installed also ${[...GRAPHVIZ_FORMATS].slice(0, 8).join(", ")}... (see dot -T?).`,
    );
  }
  const program = rt().which("dot");
  if (!program) {
    throw new RuffusError(
      `Flowchart format '${format}' needs Graphviz's dot program, which is not installed. ` +
        `Without it these formats work: ${BUILTIN_FORMATS.join(", ")}.`,
    );
  }
  const r = await rt().runProgram(program, [`-Gdpi=${dpi}`, `-T${format}`], new TextEncoder().encode(dot));
  if (r.status !== 0) throw graphvizError(r.stderr || `dot -T${format} failed (exit ${r.status})`, dot);
  return r.stdout;
}
