// Splits a byte stream into lines with a hard cap per line. A line longer than the cap is
// dropped whole (reported once) instead of being buffered until memory runs out.

export interface LineSplitterOptions {
  maxLineBytes: number;
  onLine: (line: string) => void;
  onOversized: (bytes: number) => void;
}

export interface LineSplitter {
  push: (chunk: Buffer) => void;
  /** A partial line left when the stream ended (e.g. the child was killed mid-write) is dropped. */
  reset: () => void;
}

const NEWLINE = 0x0a;

export function createLineSplitter(options: LineSplitterOptions): LineSplitter {
  const { maxLineBytes, onLine, onOversized } = options;
  let parts: Buffer[] = [];
  let size = 0;
  let discarding = false;
  let discarded = 0;

  const append = (piece: Buffer) => {
    if (discarding) {
      discarded += piece.length;
      return;
    }
    if (size + piece.length > maxLineBytes) {
      discarding = true;
      discarded = size + piece.length;
      parts = [];
      size = 0;
      return;
    }
    parts.push(piece);
    size += piece.length;
  };

  const endLine = () => {
    if (discarding) {
      onOversized(discarded);
    } else {
      const text =
        parts.length === 1
          ? parts[0]!.toString('utf8')
          : Buffer.concat(parts, size).toString('utf8');
      onLine(text.endsWith('\r') ? text.slice(0, -1) : text);
    }
    parts = [];
    size = 0;
    discarding = false;
    discarded = 0;
  };

  return {
    push(chunk) {
      let start = 0;
      let newline = chunk.indexOf(NEWLINE, start);
      while (newline !== -1) {
        append(chunk.subarray(start, newline));
        endLine();
        start = newline + 1;
        newline = chunk.indexOf(NEWLINE, start);
      }
      if (start < chunk.length) append(chunk.subarray(start));
    },
    reset() {
      parts = [];
      size = 0;
      discarding = false;
      discarded = 0;
    },
  };
}
