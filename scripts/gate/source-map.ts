/**
 * From bundle positions back to TypeScript through esbuild's source map.
 * A position with no mapping of its own takes the nearest mapped position
 * before it on the same bundle line (minified code has one long line).
 */
import path from "node:path";
import { decodedMappings, originalPositionFor, traceSegment, TraceMap } from "@jridgewell/trace-mapping";

/** A TypeScript position: file relative to the root when inside it, 1-based line, 0-based column. */
export interface OriginalPosition {
  file: string;
  line: number;
  column: number;
}

/** Looks bundle positions (1-based line, 0-based column) up in one source map. */
export interface Locator {
  locate(line: number, column: number): OriginalPosition | null;
  /** The original name recorded for an identifier that starts exactly here (esbuild records renamed ones). */
  nameAt(line: number, column: number): string | null;
}

const NO_MAP: Locator = { locate: () => null, nameAt: () => null };

/**
 * Reads a v3 source map (JSON text; empty text means no map, so every lookup
 * misses). `sourcesDir` is the directory the map's `sources` are relative to;
 * paths inside `root` come back relative to it with `/` separators.
 */
export function createLocator(map: string, sourcesDir: string, root: string): Locator {
  if (map.trim() === "") return NO_MAP;
  const trace = new TraceMap(map);
  const lines = decodedMappings(trace);

  function normalise(source: string): string {
    const relative = path.relative(root, path.resolve(sourcesDir, source));
    if (relative.startsWith("..") || path.isAbsolute(relative)) return source;
    return relative.split(path.sep).join("/");
  }

  function nearestBefore(line: number, column: number): OriginalPosition | null {
    const segments = lines[line - 1] ?? [];
    for (let i = segments.length - 1; i >= 0; i--) {
      const segment = segments[i]!;
      if (segment[0] > column || segment.length < 4) continue;
      const source = trace.resolvedSources[segment[1]!];
      if (source === undefined || source === null) continue;
      return { file: normalise(source), line: segment[2]! + 1, column: segment[3]! };
    }
    return null;
  }

  return {
    locate(line, column) {
      const found = originalPositionFor(trace, { line, column });
      if (found.source !== null) return { file: normalise(found.source), line: found.line, column: found.column };
      return nearestBefore(line, column);
    },
    nameAt(line, column) {
      const segment = traceSegment(trace, line - 1, column);
      if (!segment || segment[0] !== column || segment.length !== 5) return null;
      return trace.names[segment[4]] ?? null;
    },
  };
}
