/**
 * Flowcharts in Graphviz DOT, as Ruffus writes them (reference §5.3): task nodes coloured by
 * state, Ruffus's eight colour schemes, its key legend, `graphviz()` attributes per task.
 */

/** Ruffus's task states, in the order the key legend lists them. */
export const TASK_TYPES = [
  "Vicious cycle",
  "Down stream",
  "Up-to-date task",
  "Explicitly specified task",
  "Task to run",
  "Up-to-date task forced to rerun",
  "Up-to-date Final target",
  "Final target",
] as const;

/** One of Ruffus's task states in a flowchart. */
export type TaskType = (typeof TASK_TYPES)[number];

const WRAPPED: Record<TaskType, string> = {
  "Vicious cycle": "Vicious cycle",
  "Down stream": "Down stream",
  "Up-to-date task": "Up-to-date task",
  "Explicitly specified task": "Explicitly specified task",
  "Task to run": "Task to run",
  "Up-to-date task forced to rerun": "Up-to-date task\\nforced to rerun",
  "Up-to-date Final target": "Up-to-date\\nFinal target",
  "Final target": "Final target",
};

/** A colour scheme: per task type `fillcolor`, `fontcolor`, `color`, `dashed`; `linecolor`s; `Pipeline`/`Key` colours. Values are DOT literals. */
export type ColourScheme = Record<string, Record<string, string | number>>;

/** Ruffus's built-in colour schemes 0–7. */
export function defaultColourScheme(index = 0): ColourScheme {
  const palettes: [string, string, string, string, string, string, string][] = [
    // bluey_outline, bluey, greeny_outline, greeny, orangey, orangey_outline, ruddy
    ['"#0044A0"', '"#EBF3FF"', '"#006000"', '"#B8CC6E"', '"#EFA03B"', '"#006000"', '"#FF3232"'],
    ['"#000DDF"', "transparent", '"#4B8C2E"', '"#9ED983"', '"#D98100"', '"#D9D911"', '"#D93611"'],
    ['"#4A64A5"', "transparent", '"#4A92A5"', '"#99D1C1"', '"#D2C24A"', '"#4A92A5"', '"#A54A64"'],
    ['"#BFB5FF"', "transparent", '"#7D8A2E"', '"#C9D787"', '"#FFF1DC"', '"#7D8A2E"', '"#FF3E68"'],
    ['"#004460"', "transparent", '"#4B6000"', '"#B8CC6E"', '"#FFF0A3"', '"#4B6000"', '"#F54F29"'],
    ['"#1122FF"', '"#AABBFF"', '"#007700"', '"#44FF44"', '"#EFA03B"', '"#FFCC3B"', '"#FF0000"'],
    ['"#0044A0"', '"#EBF3FF"', "black", '"#6cb924"', '"#ece116"', "black", '"#FF3232"'],
    ['"#87BAE4"', "transparent", '"#87B379"', '"#D3FAE3"', '"#FDBA40"', '"#87B379"', '"#b9495e"'],
  ];
  const [blueOutline, blue, greenOutline, green, orange, orangeOutline, red] = palettes[Math.min(Math.max(index, 0), 7)] ?? palettes[0];
  const s: ColourScheme = {
    "Vicious cycle": { linecolor: red, fillcolor: red, fontcolor: "white", color: "white", dashed: 0 },
    Pipeline: { fontcolor: red },
    Key: { fontcolor: "black", fillcolor: '"#F6F4F4"' },
    "Task to run": { linecolor: blueOutline, fillcolor: blue, fontcolor: blueOutline, color: blueOutline, dashed: 0 },
    "Up-to-date": { linecolor: "gray" },
    "Final target": { fillcolor: orange, fontcolor: "black", color: "black", dashed: 0 },
    "Up-to-date task": { fillcolor: green, fontcolor: greenOutline, color: greenOutline, dashed: 0 },
    "Down stream": { fillcolor: "white", fontcolor: "gray", color: "gray", dashed: 0 },
    "Explicitly specified task": { fillcolor: "transparent", fontcolor: "black", color: "black", dashed: 0 },
    "Up-to-date task forced to rerun": { fillcolor: "transparent", fontcolor: blueOutline, color: blueOutline, dashed: 1 },
    "Up-to-date Final target": { fillcolor: orange, fontcolor: orangeOutline, color: orangeOutline, dashed: 0 },
  };
  if (index === 6) {
    s["Vicious cycle"].fontcolor = "black";
    s["Task to run"].fillcolor = '"#5f52ee"';
    s["Task to run"].fontcolor = "lightgrey";
    s["Up-to-date Final target"].fontcolor = '"#EFA03B"';
  }
  return s;
}

/** Ruffus's `user_colour_scheme`: `colour_scheme_index` picks a base scheme; other keys override parts of it. */
export function colourScheme(user?: Readonly<Record<string, unknown>>): ColourScheme {
  if (!user) return defaultColourScheme(0);
  const s = defaultColourScheme(Number(user.colour_scheme_index ?? user.colourSchemeIndex ?? 0));
  for (const [k, v] of Object.entries(user)) {
    if (!(k in s)) continue;
    if (v && typeof v === "object") Object.assign(s[k], v);
  }
  return s;
}

type Attributes = Record<string, string | number | boolean>;

function applyType(type: TaskType, attributes: Attributes, scheme: ColourScheme, used: Set<TaskType>): void {
  used.add(type);
  for (const c of ["fontcolor", "fillcolor", "color"]) attributes[c] = scheme[type][c];
  attributes.style = scheme[type].dashed ? "dashed" : "filled";
}

/**
 * A DOT string. Ruffus writes labels between quotes as they are, so a `"` in a task name
 * (`mkdir("it's")`) ends the string early and dot refuses the whole file; here it is escaped
 * (an already escaped `\"` is left alone), as is a lone backslash at the end.
 */
function quoted(text: string): string {
  let s = text.replace(/(\\*)"/g, (m: string, slashes: string) => (slashes.length % 2 ? m : `${slashes}\\"`));
  if ((/\\*$/.exec(s)?.[0].length ?? 0) % 2) s += "\\";
  return `"${s}"`;
}

/** `[a=b, c=d];` with Ruffus's label handling (HTML labels in `<...>`, label_prefix/label_suffix). */
export function attributesText(attrs: Attributes, name: string): string {
  const a: Attributes = { ...attrs };
  if (!("label" in a)) a.label = name.replace("  before ", "\\nbefore ").replaceAll(",  ", ",\n");
  let label = String(a.label);
  let html = false;
  if (label.startsWith("<")) {
    label = label.slice(1, -1);
    html = true;
  } else if (label.startsWith('"')) label = label.slice(1, -1);
  if ("label_prefix" in a) {
    label = String(a.label_prefix) + label;
    delete a.label_prefix;
  }
  if ("label_suffix" in a) {
    label = label + String(a.label_suffix);
    delete a.label_suffix;
  }
  a.label = html ? `<${label}>` : quoted(label);
  const keys = Object.keys(a).sort();
  return "[" + keys.map((k) => `${k}=${String(a[k])}`).join(", ") + "];\n";
}

/** How pictures draw a task switched off by activeIf() (not Ruffus's: it draws them as up to date). */
export const INACTIVE_STYLE: Readonly<Attributes> = { style: "dashed", color: "gray", fontcolor: "gray", fillcolor: "white" };

function legend(used: Set<TaskType>, minimal: boolean, scheme: ColourScheme, keyName = "Key:", index = 1, inactive = false): string {
  if (!used.size && !inactive) return "";
  let out = `subgraph clusterkey${index}\n{\n`;
  out += 'rank="min";\nstyle=filled;\nfontsize=20;\n';
  out += `color=${scheme.Key.fillcolor};\nlabel = "${keyName}";\nfontcolor = ${scheme.Key.fontcolor};`;
  out += 'node[margin="0.2,0.2", fontsize="14"];\n';
  const types = TASK_TYPES.filter((t) => !minimal || used.has(t));
  const key = (n: number): string => `k${n}_${index}`;
  const node = (n: number, type: TaskType): string => {
    const attrs: Attributes = { shape: "box3d" };
    applyType(type, attrs, scheme, new Set());
    return key(n) + attributesText(attrs, WRAPPED[type]);
  };
  if (types.length) out += node(1, types[0]);
  for (let i = 1; i < types.length; i++) {
    out += node(i + 1, types[i]);
    out += legendArrow(types[i - 1], types[i], key(i), key(i + 1), scheme);
  }
  if (inactive) {
    const n = types.length + 1;
    out += key(n) + attributesText({ shape: "box3d", ...INACTIVE_STYLE }, "Inactive task");
    if (n > 1) out += `${key(n - 1)} -> ${key(n)}[color=${scheme["Up-to-date"].linecolor}, arrowtype=normal];\n`;
  }
  return out + "}\n";
}

function legendArrow(from: TaskType, to: TaskType, n1: string, n2: string, scheme: ColourScheme): string {
  if (from === "Vicious cycle" || to === "Vicious cycle") {
    const c = scheme["Vicious cycle"].linecolor;
    return `${n1} -> ${n2}[color=${c}, arrowtype=normal];\n${n2} -> ${n1}[color=${c}, arrowtype=normal];\n`;
  }
  const toRun: TaskType[] = ["Final target", "Task to run", "Up-to-date task forced to rerun", "Explicitly specified task"];
  const c = toRun.includes(from) ? scheme["Task to run"].linecolor : scheme["Up-to-date"].linecolor;
  return `${n1} -> ${n2}[color=${c}, arrowtype=normal];\n`;
}

/** One task as the DOT writer sees it. */
export interface DotNode {
  /** Stable id: `t<index>`. */
  readonly index: number;
  /** The name shown (Ruffus's task name). */
  readonly name: string;
  /** "house" for split, "invhouse" for merge, "box3d" otherwise. */
  readonly shape: "box3d" | "house" | "invhouse";
  /** Parents in wiring order. */
  readonly parents: readonly DotNode[];
  readonly attributes: Readonly<Attributes>;
}

/** What to draw and how each task stands. */
export interface DotInput {
  /** Nodes to draw, in drawing order. */
  readonly nodes: readonly DotNode[];
  readonly toRun: ReadonlySet<DotNode>;
  readonly uptodate: ReadonlySet<DotNode>;
  readonly targets: ReadonlySet<DotNode>;
  readonly forced: ReadonlySet<DotNode>;
  readonly cycleNodes: ReadonlySet<DotNode>;
  /** `"parentIndex->childIndex"` edges that close a cycle. */
  readonly cycleEdges: ReadonlySet<string>;
  readonly vertical: boolean;
  readonly noKeyLegend: boolean;
  readonly minimalKeyLegend: boolean;
  readonly scheme: ColourScheme;
  readonly pipelineName: string;
  /**
   * Tasks a picture draws as inactive ({@link INACTIVE_STYLE}): the key shows "Inactive task" for
   * them instead of the state they are coloured with underneath. Absent in DOT text (Ruffus's).
   */
  readonly drawnInactive?: ReadonlySet<DotNode>;
  /** Drawn in the tasks' box when no task is (all up to date with skipUptodateTasks), so a picture is never blank. */
  readonly emptyNote?: string;
}

/** The DOT text. */
export function flowchartDot(d: DotInput): string {
  const s = d.scheme;
  // Quoted as task labels are: a `"` or a trailing backslash in the title would end the string early.
  const title = quoted(String(d.pipelineName));
  let out = `digraph ${title}\n{\n`;
  out += 'size="8,11";\nsplines=true;\nfontsize="30";\nranksep = 0.3;\nnode[fontsize="20"];\ngraph[clusterrank="local"];\n';
  if (!d.vertical) out += 'rankdir="LR";\n';
  out += "subgraph clustertasks\n{\n";
  out += `rank="min";\nfontcolor = ${s.Pipeline.fontcolor};\nlabel = ${title};\n`;
  const delayed: string[] = [];
  const cycles: string[] = [];
  const used = new Set<TaskType>();
  const upToDateLine = s["Up-to-date"].linecolor;
  // Edges only between drawn tasks: an edge to a task left out would make Graphviz draw it anyway, as a bare ellipse.
  const drawn = new Set(d.nodes);
  if (!d.nodes.length && d.emptyNote) out += `note[shape=plaintext, label=${quoted(d.emptyNote)}];\n`;
  for (const n of d.nodes) {
    // The state of a task drawn inactive is not shown (but a cycle is), so it takes no entry in the key.
    const typesUsed = d.drawnInactive?.has(n) ? new Set<TaskType>() : used;
    const attrs: Attributes = { shape: n.shape };
    if (n.shape === "house") attrs.peripheries = 2;
    if (n.shape === "invhouse") {
      attrs.height = 1.1;
      attrs.peripheries = 2;
    }
    const id = `t${n.index}`;
    if (d.cycleNodes.has(n)) {
      applyType("Vicious cycle", attrs, s, used);
      cycles.push(id + attributesText(attrs, n.name));
    } else if (d.toRun.has(n)) {
      applyType(d.forced.has(n) ? "Explicitly specified task" : d.targets.has(n) ? "Final target" : d.uptodate.has(n) ? "Up-to-date task forced to rerun" : "Task to run", attrs, s, typesUsed);
      Object.assign(attrs, n.attributes);
      out += id + attributesText(attrs, n.name);
    } else {
      if (d.targets.has(n)) applyType("Up-to-date Final target", attrs, s, typesUsed);
      else if (d.uptodate.has(n)) applyType("Up-to-date task", attrs, s, typesUsed);
      else {
        applyType("Down stream", attrs, s, typesUsed);
        if (d.drawnInactive?.has(n)) Object.assign(attrs, INACTIVE_STYLE);
        delayed.push(id + attributesText(attrs, n.name));
        for (const p of n.parents) if (drawn.has(p)) delayed.push(`t${p.index} -> ${id}[color=${upToDateLine}, arrowtype=normal];\n`);
        continue;
      }
      Object.assign(attrs, n.attributes);
      out += id + attributesText(attrs, n.name);
    }
    let unconstrained = false;
    for (const p of [...n.parents].sort((a, b) => b.index - a.index)) {
      if (!drawn.has(p)) continue;
      if (d.cycleEdges.has(`${p.index}->${n.index}`)) {
        const constraint = p.index > n.index ? ", constraint=false" : "";
        cycles.push(`t${p.index} -> ${id}[color=${s["Vicious cycle"].linecolor} ${constraint}];\n`);
        continue;
      }
      if (!d.toRun.has(p) || !d.toRun.has(n)) {
        const edge = `t${p.index} -> ${id}[color=${upToDateLine}, arrowtype=normal];\n`;
        if (unconstrained) delayed.push(edge);
        else out += edge;
      } else out += `t${p.index} -> ${id}[color=${s["Task to run"].linecolor}];\n`;
      unconstrained = true;
    }
  }
  out += delayed.join("") + cycles.join("");
  out += "}\n";
  if (!d.noKeyLegend) out += legend(used, d.minimalKeyLegend, s, "Key:", 1, (d.drawnInactive?.size ?? 0) > 0);
  return out + "}\n";
}

/** Ruffus's `graph_colour_demo_printout`: the legends of all eight colour schemes. */
export function colourSchemeDemoDot(): string {
  let out = 'digraph "Colour schemes"\n{\nsize="8,11";\nsplines=true;\nfontsize="30";\nranksep = 0.3;\nnode[fontsize="20"];\n';
  for (let i = 0; i < 8; i++) out += legend(new Set(TASK_TYPES), false, defaultColourScheme(i), `Colour Scheme ${i}`, i);
  return out + "}\n";
}
