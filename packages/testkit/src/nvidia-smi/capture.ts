import { readFileSync } from 'node:fs';

/** One `--query-gpu=<every field> --format=csv` table of a capture: header cells and rows. */
export interface CaptureTable {
  /** Header cells as printed, e.g. `power.draw [W]`. */
  header: string[];
  rows: string[][];
}

/** What the stand-in needs from one real nvidia-smi capture file. */
export interface Capture {
  version: string;
  helpQueryGpu: string;
  listGpus: string;
  /** Every name the driver accepts (canonical and alias) → canonical name. */
  fieldNames: Map<string, string>;
  tables: { idle: CaptureTable; load: CaptureTable };
}

interface Section {
  title: string;
  body: string[];
}

const RULE = /^#{20,}$/;

/** Reads a capture in the `# <phase> :: <title>` / `# $ <command>` section layout. */
export function loadCapture(path: string): Capture {
  const sections = splitSections(readFileSync(path, 'utf8'));
  const body = (title: string): string[] => {
    const found = sections.find((s) => s.title === title);
    if (!found) {
      throw new Error(`capture ${path} has no section "${title}"`);
    }
    return found.body;
  };

  const helpQueryGpu = body('capabilities :: help-query-gpu');
  const derived = body('capabilities :: query-gpu field list (derived, used for query-gpu above)');

  return {
    version: body('capabilities :: version').join('\n'),
    helpQueryGpu: helpQueryGpu.join('\n'),
    listGpus: body('capabilities :: list (-L)').join('\n'),
    fieldNames: fieldNamesOf(helpQueryGpu, derived),
    tables: {
      idle: tableOf(body('idle :: query-gpu (csv, what the exporter parses)'), path),
      load: tableOf(body('load :: query-gpu (csv, what the exporter parses)'), path),
    },
  };
}

/** Splits a CSV line the way nvidia-smi prints it: unquoted, `, ` separated. */
export function splitCsv(line: string): string[] {
  return line.split(',').map((cell) => cell.trim());
}

/** The field name of a header cell, without its unit: `power.draw [W]` → `power.draw`. */
export function headerName(cell: string): string {
  const open = cell.indexOf(' [');
  return open === -1 ? cell : cell.slice(0, open);
}

/** The unit of a header cell: `power.draw [W]` → `W`; none → ''. */
export function headerUnit(cell: string): string {
  const match = /\[([^\]]+)\]$/.exec(cell);
  return match?.[1] ?? '';
}

function splitSections(text: string): Section[] {
  const lines = text.split('\n');
  const sections: Section[] = [];
  let current: Section | undefined;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const next = lines[i + 1] ?? '';
    if (RULE.test(line) && /^# \S.* :: /.test(next)) {
      current = { title: next.slice(2).trim(), body: [] };
      sections.push(current);
      i += 1;
      while (i + 1 < lines.length && !RULE.test(lines[i + 1] ?? '')) {
        i += 1;
      }
      i += 1;
      continue;
    }
    current?.body.push(line);
  }

  for (const section of sections) {
    while (section.body.length > 0 && section.body.at(-1)?.trim() === '') {
      section.body.pop();
    }
  }
  return sections;
}

function fieldNamesOf(help: string[], derived: string[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const name of derived) {
    if (name.trim() !== '') {
      names.set(name.trim(), name.trim());
    }
  }

  // Help entries read `"clocks.current.sm" or "clocks.sm"`: the first name is canonical.
  for (const line of help) {
    if (!line.startsWith('"')) {
      continue;
    }
    const quoted = [...line.matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? '');
    const canonical = quoted[0];
    if (canonical === undefined) {
      continue;
    }
    for (const name of quoted) {
      names.set(name, canonical);
    }
  }
  return names;
}

function tableOf(body: string[], path: string): CaptureTable {
  const lines = body.filter((line) => line.trim() !== '');
  const [head, ...rest] = lines;
  if (head === undefined) {
    throw new Error(`capture ${path} has an empty query-gpu table`);
  }

  const header = splitCsv(head);
  const rows = rest.map(splitCsv);
  for (const row of rows) {
    if (row.length !== header.length) {
      throw new Error(`capture ${path}: a row has ${row.length} cells, header ${header.length}`);
    }
  }
  return { header, rows };
}
