/**
 * Turning DOT into pictures without a Graphviz install: SVG with Graphviz compiled to WebAssembly
 * (@hpcc-js/wasm-graphviz, the smallest of the two WASM builds on npm), PNG by rasterising that
 * SVG with resvg (WebAssembly) and an embedded DejaVu font. Other Graphviz formats (pdf, jpg, ps,
 * gif...) go through a system `dot` when there is one. Everything heavy loads on first use.
 */
import { RuffusError } from "../core/errors.ts";
import { rt } from "../core/runtime.ts";

/** Formats made in-process, whatever the machine has. */
export const BUILTIN_FORMATS = ["svg", "png", "dot", "json", "html"] as const;

/** Bytes the compiled binary embeds (set by its entry point); elsewhere they are read from node_modules. */
const assets: { resvgWasm?: () => Uint8Array; font?: () => Uint8Array } = {};

/** @internal Called by the binary's entry point. */
export function setRenderAssets(a: { resvgWasm: () => Uint8Array; font: () => Uint8Array }): void {
  assets.resvgWasm = a.resvgWasm;
  assets.font = a.font;
}

async function packageFile(specifier: string): Promise<Uint8Array> {
  const url = import.meta.resolve(specifier);
  return rt().readFile(decodeURIComponent(new URL(url).pathname));
}

type GraphvizModule = { Graphviz: { load(): Promise<{ dot(src: string, format?: string): string }> } };
let graphviz: Promise<{ dot(src: string, format?: string): string }> | undefined;

/** DOT → SVG in-process. */
export async function dotToSvg(dot: string, size?: string): Promise<string> {
  graphviz ??= (async () => {
    const mod = (await import("@hpcc-js/wasm-graphviz")) as unknown as GraphvizModule;
    return mod.Graphviz.load();
  })();
  const gv = await graphviz;
  return gv.dot(withGraphAttributes(dot, size ? { size: `"${size}"` } : {}), "svg");
}

/** Adds graph attributes right after the opening brace (what `dot -G...` does on the command line). */
export function withGraphAttributes(dot: string, attrs: Record<string, string>): string {
  const extra = Object.entries(attrs).map(([k, v]) => `${k}=${v};\n`).join("");
  if (!extra) return dot;
  const brace = dot.indexOf("{");
  return dot.slice(0, brace + 1) + "\n" + extra + dot.slice(brace + 1);
}

type ResvgModule = {
  initWasm(input: Uint8Array | ArrayBuffer): Promise<void>;
  Resvg: new (svg: string, options: Record<string, unknown>) => { render(): { asPng(): Uint8Array } };
};
let resvg: Promise<{ mod: ResvgModule; font: Uint8Array }> | undefined;

/** SVG → PNG in-process, at `dpi` (Graphviz SVG is in points: 72 per inch). */
export async function svgToPng(svg: string, dpi = 120): Promise<Uint8Array> {
  resvg ??= (async () => {
    const mod = (await import("@resvg/resvg-wasm")) as unknown as ResvgModule;
    const wasm = assets.resvgWasm ? assets.resvgWasm() : await packageFile("@resvg/resvg-wasm/index_bg.wasm");
    await mod.initWasm(wasm);
    const font = assets.font ? assets.font() : await packageFile("dejavu-fonts-ttf/ttf/DejaVuSansCondensed.ttf");
    return { mod, font };
  })();
  const { mod, font } = await resvg;
  // Graphviz sized the boxes for Times; the embedded sans font runs about an eighth wider, so its
  // text is drawn that much smaller to stay inside them (text is centred, so nothing else moves).
  svg = svg.replace(/font-size="([\d.]+)"/g, (_, n: string) => `font-size="${(Number(n) * 0.87).toFixed(2)}"`);
  const r = new mod.Resvg(svg, {
    fitTo: { mode: "zoom", value: dpi / 72 },
    background: "white",
    font: {
      fontBuffers: [font],
      loadSystemFonts: false,
      defaultFontFamily: "DejaVu Sans Condensed",
      serifFamily: "DejaVu Sans Condensed",
      sansSerifFamily: "DejaVu Sans Condensed",
      monospaceFamily: "DejaVu Sans Condensed",
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
export async function dotWithSystemGraphviz(dot: string, format: string, size: string, dpi: number): Promise<Uint8Array> {
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
  const r = await rt().runProgram(program, [`-Gsize=${size}`, `-Gdpi=${dpi}`, `-T${format}`], new TextEncoder().encode(dot));
  if (r.status !== 0) throw new RuffusError(`dot -T${format} failed (exit ${r.status}): ${r.stderr.trim()}`);
  return r.stdout;
}
