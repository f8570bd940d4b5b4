/**
 * Reading archived webhook files without holding them whole: gzip told by its magic bytes, and
 * the bodies split out of the text as it streams in, each with the line it starts on.
 */

/** gzip's magic bytes (RFC 1952): a file that starts with them is read through gunzip. */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

export type InputFormat = 'ndjson' | 'json-array';

/** A JSON array when the text's first non-blank character opens one, else one body a line. */
export function detectFormat(text: string): InputFormat | undefined {
  const first = /\S/.exec(text);
  if (!first) return undefined;
  return first[0] === '[' ? 'json-array' : 'ndjson';
}

/** One body's text and the line it starts on; `error` when the file's structure lost it. */
export interface RawBody {
  line: number;
  text?: string;
  error?: string;
}

/**
 * Splits streamed text into bodies: NDJSON one a line (blank lines skipped), or the elements of
 * a JSON array (several arrays one after the other are read as one). A bad NDJSON line stays one
 * bad body; the elements' text is handed on whole, to be parsed one by one.
 */
export class BodySplitter {
  private format: InputFormat | undefined;
  private pending = '';
  /** Line number of the first character of `pending`. */
  private pendingLine = 1;
  private readonly array = new ArrayScan();

  push(chunk: string): RawBody[] {
    if (this.format === undefined) {
      this.pending += chunk;
      this.format = detectFormat(this.pending);
      if (this.format === undefined) return [];
      chunk = this.pending;
      this.pending = '';
    }
    return this.format === 'ndjson' ? this.lines(chunk, false) : this.array.push(chunk);
  }

  end(): RawBody[] {
    if (this.format === 'ndjson') return this.lines('', true);
    if (this.format === 'json-array') return this.array.end();
    return [];
  }

  private lines(chunk: string, last: boolean): RawBody[] {
    const text = this.pending + chunk;
    const bodies: RawBody[] = [];
    let start = 0;
    let line = this.pendingLine;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      const content = text.slice(start, newline);
      if (content.trim() !== '') bodies.push({ line, text: content });
      line++;
      start = newline + 1;
    }
    this.pending = text.slice(start);
    this.pendingLine = line;
    if (last && this.pending.trim() !== '') bodies.push({ line, text: this.pending });
    return bodies;
  }
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const NEWLINE = 0x0a;

/** A character scan of JSON arrays that cuts out each top-level element's text. */
class ArrayScan {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Inside an element that is no object or array. */
  private scalar = false;
  private line = 1;
  private element = '';
  private elementLine = 0;
  private broken: string | undefined;

  push(chunk: string): RawBody[] {
    const bodies: RawBody[] = [];
    if (this.broken) return bodies;
    let from = this.depth >= 2 || this.scalar ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === NEWLINE) this.line++;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
        continue;
      }
      if (this.depth === 0) {
        if (c === OPEN_BRACKET) this.depth = 1;
        else if (!isBlank(c)) return this.fail(bodies, 'text after the end of the JSON array');
        continue;
      }
      if (this.depth === 1) {
        if (this.scalar) {
          if (c === QUOTE) this.inString = true;
          else if (c === COMMA || c === CLOSE_BRACKET) {
            // A number, string or literal: handed on, to be found not to be a webhook.
            bodies.push({ line: this.elementLine, text: (this.element + chunk.slice(from, i)).trim() });
            this.element = '';
            this.scalar = false;
            from = -1;
            if (c === CLOSE_BRACKET) this.depth = 0;
          }
        } else if (c === CLOSE_BRACKET) this.depth = 0;
        else if (c !== COMMA && !isBlank(c)) {
          this.elementLine = this.line;
          this.element = '';
          from = i;
          if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth = 2;
          else {
            this.scalar = true;
            if (c === QUOTE) this.inString = true;
          }
        }
        continue;
      }
      if (c === QUOTE) this.inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 1) {
          bodies.push({ line: this.elementLine, text: this.element + chunk.slice(from, i + 1) });
          this.element = '';
          from = -1;
        }
      }
    }
    if (from !== -1) this.element += chunk.slice(from);
    return bodies;
  }

  end(): RawBody[] {
    if (this.broken || (this.depth === 0 && !this.inString)) return [];
    return [{ line: this.elementLine || this.line, error: 'the file ends inside the JSON array' }];
  }

  private fail(bodies: RawBody[], reason: string): RawBody[] {
    this.broken = reason;
    bodies.push({ line: this.line, error: `${reason}: the rest of the file is not read` });
    return bodies;
  }
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === NEWLINE || c === 0x0d || c === 0x09;
}
