// The benchmark's tables: one per section, each figure a median next to its reference measured
// in the same run, with the target it answers to.

export interface Row {
  measure: string;
  value: string;
  reference?: string;
  ratio?: string;
  target?: string;
  /** Whether the figure meets its target; undefined when it has none. */
  met?: boolean;
}

export interface Section {
  title: string;
  rows: Row[];
  notes: string[];
}

export function renderSection(section: Section): string {
  const lines = [
    `### ${section.title}`,
    "",
    "| measure | median | reference (same run) | ratio | target | result |",
    "| --- | ---: | ---: | ---: | --- | --- |",
    ...section.rows.map((r) =>
      `| ${r.measure} | ${r.value} | ${r.reference ?? ""} | ${r.ratio ?? ""} | ${r.target ?? ""} | ${verdict(r.met)} |`,
    ),
  ];
  if (section.notes.length > 0) lines.push("", ...section.notes.map((n) => `- ${n}`));
  return `${lines.join("\n")}\n`;
}

function verdict(met: boolean | undefined): string {
  if (met === undefined) return "";
  return met ? "met" : "**missed**";
}

export function ratio(value: number, reference: number, digits = 2): string {
  return reference > 0 && Number.isFinite(value) ? `${(value / reference).toFixed(digits)}×` : "n/a";
}
