/**
 * A small VT100/xterm screen for tests: feed it what a program wrote to its terminal and read the
 * text that stays — the lines scrolled off the top (scrollback) and the screen. It knows what ruff
 * and ordinary programs send: printable text with line wrap, CR, LF, BS, TAB, ESC 7 / ESC 8 (save
 * and restore the cursor), ESC D / ESC M / ESC E (index, reverse index, next line), and CSI
 * A B C D E F G H f d J K r m; other sequences are skipped. As in xterm, a line scrolled out of a
 * scrolling region that starts at the top row goes to the scrollback.
 */
export class Screen {
  private lines: string[][];
  private readonly history: string[] = [];
  private row = 0;
  private col = 0;
  private top = 0;
  private bottom: number;
  private saved = { row: 0, col: 0 };
  /** The cursor is past the last column: the next character wraps first. */
  private pendingWrap = false;

  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    this.lines = Array.from({ length: rows }, () => this.blank());
    this.bottom = rows - 1;
  }

  /**
   * The terminal resized, as VTE does it: blank lines below the cursor go first when it gets
   * shorter, then lines from the top go to the scrollback; the scrolling region is reset (xterm).
   */
  resize(columns: number, rows: number): void {
    (this as { columns: number }).columns = columns;
    this.lines = this.lines.map((l) => [...l.slice(0, columns), ...Array(Math.max(0, columns - l.length)).fill(" ")]);
    while (this.lines.length > rows && this.lines.length - 1 > this.row) this.lines.pop();
    while (this.lines.length > rows) {
      this.history.push((this.lines.shift() as string[]).join("").trimEnd());
      this.row--;
    }
    while (this.lines.length < rows) this.lines.push(this.blank());
    (this as { rows: number }).rows = rows;
    [this.top, this.bottom] = [0, rows - 1];
    this.col = Math.min(this.col, columns - 1);
  }

  private blank(): string[] {
    return Array.from({ length: this.columns }, () => " ");
  }

  /** Everything that stays: the scrollback, then the screen, trailing blanks and blank last lines dropped. */
  text(): string {
    const all = [...this.history, ...this.lines.map((l) => l.join("").trimEnd())];
    while (all.length && all[all.length - 1] === "") all.pop();
    return all.join("\n") + "\n";
  }

  /** The screen's rows now (no scrollback), trailing blanks dropped. */
  screenRows(): string[] {
    return this.lines.map((l) => l.join("").trimEnd());
  }

  private scrollUp(): void {
    const gone = this.lines.splice(this.top, 1)[0];
    if (this.top === 0) this.history.push(gone.join("").trimEnd());
    this.lines.splice(this.bottom, 0, this.blank());
  }

  private scrollDown(): void {
    this.lines.splice(this.bottom, 1);
    this.lines.splice(this.top, 0, this.blank());
  }

  private lineFeed(): void {
    this.pendingWrap = false;
    if (this.row === this.bottom) this.scrollUp();
    else if (this.row < this.rows - 1) this.row++;
  }

  private clampRow(r: number): number {
    return Math.max(0, Math.min(this.rows - 1, r));
  }

  write(data: string): void {
    for (let i = 0; i < data.length; i++) {
      const c = data[i];
      if (c === "\x1b") {
        const next = data[i + 1];
        if (next === "[") {
          const m = /^\[([?>=]?)([\d;]*)([ -/]*)([@-~])/.exec(data.slice(i + 1));
          if (!m) continue;
          i += m[0].length;
          if (!m[1]) this.csi(m[4], m[2].split(";").map((n) => (n === "" ? undefined : Number(n))));
          continue;
        }
        if (next === "]") {
          // OSC: up to BEL or ST.
          const end = data.slice(i).search(/\x07|\x1b\\/);
          i = end === -1 ? data.length : i + end + (data[i + end] === "\x07" ? 0 : 1);
          continue;
        }
        i++;
        if (next === "7") this.saved = { row: this.row, col: this.col };
        else if (next === "8") {
          ({ row: this.row, col: this.col } = this.saved);
          this.pendingWrap = false;
        } else if (next === "D") this.lineFeed();
        else if (next === "E") {
          this.lineFeed();
          this.col = 0;
        } else if (next === "M") {
          if (this.row === this.top) this.scrollDown();
          else if (this.row > 0) this.row--;
        } else if (next === "(" || next === ")") i++;
        continue;
      }
      if (c === "\r") {
        this.col = 0;
        this.pendingWrap = false;
      } else if (c === "\n") this.lineFeed();
      else if (c === "\b") this.col = Math.max(0, this.col - 1);
      else if (c === "\t") this.col = Math.min(this.columns - 1, (Math.floor(this.col / 8) + 1) * 8);
      else if (c >= " ") {
        if (this.pendingWrap) {
          this.col = 0;
          this.lineFeed();
        }
        this.lines[this.row][this.col] = c;
        if (this.col === this.columns - 1) this.pendingWrap = true;
        else this.col++;
      }
    }
  }

  private csi(final: string, given: (number | undefined)[]): void {
    // A count or a position of 0 means 1 (J, K and r read their own).
    const params = "JKr".includes(final) ? given : given.map((p) => (p === 0 ? 1 : p));
    const n = params[0] ?? 1;
    this.pendingWrap = false;
    switch (final) {
      case "A":
        this.row = Math.max(this.row >= this.top ? this.top : 0, this.row - n);
        return;
      case "B":
        this.row = Math.min(this.row <= this.bottom ? this.bottom : this.rows - 1, this.row + n);
        return;
      case "C":
        this.col = Math.min(this.columns - 1, this.col + n);
        return;
      case "D":
        this.col = Math.max(0, this.col - n);
        return;
      case "E":
      case "F":
        this.row = this.clampRow(this.row + (final === "E" ? n : -n));
        this.col = 0;
        return;
      case "G":
        this.col = Math.min(this.columns - 1, n - 1);
        return;
      case "d":
        this.row = this.clampRow(n - 1);
        return;
      case "H":
      case "f":
        this.row = this.clampRow((params[0] ?? 1) - 1);
        this.col = Math.min(this.columns - 1, (params[1] ?? 1) - 1);
        return;
      case "J": {
        const mode = params[0] ?? 0;
        if (mode === 2 || mode === 3) this.lines = this.lines.map(() => this.blank());
        else if (mode === 0) {
          for (let c = this.col; c < this.columns; c++) this.lines[this.row][c] = " ";
          for (let r = this.row + 1; r < this.rows; r++) this.lines[r] = this.blank();
        } else {
          for (let r = 0; r < this.row; r++) this.lines[r] = this.blank();
          for (let c = 0; c <= this.col; c++) this.lines[this.row][c] = " ";
        }
        return;
      }
      case "K": {
        const mode = params[0] ?? 0;
        const [from, to] = mode === 0 ? [this.col, this.columns] : mode === 1 ? [0, this.col + 1] : [0, this.columns];
        for (let c = from; c < to; c++) this.lines[this.row][c] = " ";
        return;
      }
      case "r": {
        const t = (params[0] ?? 1) - 1;
        const b = (params[1] ?? this.rows) - 1;
        if (t < b && b < this.rows) [this.top, this.bottom] = [t, b];
        else [this.top, this.bottom] = [0, this.rows - 1];
        this.row = 0;
        this.col = 0;
        return;
      }
      default:
        return;
    }
  }
}
