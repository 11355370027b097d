// Tables as GitHub-flavoured Markdown: readable in a terminal and pasteable into docs/performance.md.

export interface Table {
  readonly title: string;
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Lines printed under the table (targets, caveats). */
  readonly notes?: readonly string[];
}

/** Columns whose cells all look numeric are right-aligned. */
function numeric(rows: readonly (readonly string[])[], column: number): boolean {
  return rows.length > 0 && rows.every((row) => /^[-+~≈]?[\d.,]+/.test(row[column] ?? "") || (row[column] ?? "") === "—");
}

export function renderTable(table: Table): string {
  const widths = table.headers.map((header, i) => Math.max(header.length, ...table.rows.map((row) => (row[i] ?? "").length)));
  const right = table.headers.map((_, i) => numeric(table.rows, i));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, i) => (right[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (right[i] ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
  const out = [`### ${table.title}`, "", line(table.headers), rule, ...table.rows.map(line)];
  if (table.notes && table.notes.length > 0) out.push("", ...table.notes);
  return out.join("\n");
}
