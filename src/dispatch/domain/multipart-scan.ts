/**
 * Reads the parts of a multipart/form-data body as it streams past, without keeping it: the names
 * of the parts, whether each is a file, and the values of the small text fields. LINK's media
 * uploads name their account in form fields (LINK's document, "Upload Media"), and the pass-through
 * must read them, and watch that no later part names another, while the file streams on to LINK.
 */

export interface ScannedPart {
  name: string | null;
  /** A file part (its Content-Disposition has a filename): its content is never kept. */
  file: boolean;
  /** The text of a field part, once complete; undefined while it streams, and for files. */
  value?: string;
}

export class MultipartError extends Error {}

/** The header block of one part is at most this long: more is no form a client sends. */
const MAX_HEADER_BYTES = 16 * 1024;
const CRLF_CRLF = Buffer.from('\r\n\r\n');

/** The boundary of a multipart/form-data Content-Type, or undefined when it names none. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*(;|$)/i.test(contentType.trim())) return undefined;
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return match ? (match[1] ?? match[2]) : undefined;
}

/**
 * Feed it the body chunk by chunk. It keeps at most a delimiter's length of a file part, a part's
 * headers, and up to `maxFieldBytes` of each text field.
 */
export class MultipartScanner {
  readonly parts: ScannedPart[] = [];
  private readonly delimiter: Buffer;
  private pending: Buffer;
  private state: 'preamble' | 'headers' | 'content' | 'done' = 'preamble';
  private field: Buffer[] = [];
  private fieldBytes = 0;

  constructor(
    boundary: string,
    private readonly maxFieldBytes = 1024,
  ) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
    // The first delimiter may open the body without the line break before it.
    this.pending = Buffer.from('\r\n');
  }

  /** Whether the closing delimiter was read: anything after it is the epilogue, which a form ignores. */
  get done(): boolean {
    return this.state === 'done';
  }

  /** The value of the first complete text field of this name. */
  fieldValue(name: string): string | undefined {
    return this.parts.find((part) => part.name === name && !part.file && part.value !== undefined)?.value;
  }

  write(chunk: Buffer): void {
    if (this.done) return;
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (!this.done) {
      const advanced = this.state === 'headers' ? this.readHeaders() : this.readContent();
      if (!advanced) return;
    }
    this.pending = Buffer.alloc(0);
  }

  /** Content up to the next delimiter (a part's, or the preamble); false when more bytes are needed. */
  private readContent(): boolean {
    const at = this.pending.indexOf(this.delimiter);
    if (at === -1) {
      // The tail may be the start of a delimiter: keep it for the next chunk.
      const safe = Math.max(0, this.pending.length - this.delimiter.length + 1);
      this.keep(this.pending.subarray(0, safe));
      this.pending = this.pending.subarray(safe);
      return false;
    }
    const after = at + this.delimiter.length;
    if (this.pending.length < after + 2) {
      this.keep(this.pending.subarray(0, at));
      this.pending = this.pending.subarray(at);
      return false;
    }
    this.keep(this.pending.subarray(0, at));
    this.endPart();
    const next = this.pending.subarray(after, after + 2).toString('latin1');
    if (next === '--') {
      this.state = 'done';
    } else {
      // Transport padding (spaces, tabs) may follow a delimiter before its line break.
      const lineEnd = this.pending.indexOf('\r\n', after);
      if (lineEnd === -1) {
        this.pending = this.pending.subarray(at);
        return false;
      }
      if (this.pending.subarray(after, lineEnd).toString('latin1').trim() !== '') throw new MultipartError('a delimiter line holds more');
      this.pending = this.pending.subarray(lineEnd + 2);
      this.state = 'headers';
    }
    return true;
  }

  private readHeaders(): boolean {
    // A part without headers: its empty header block ends at once.
    const end = this.pending.subarray(0, 2).toString('latin1') === '\r\n' ? -2 : this.pending.indexOf(CRLF_CRLF);
    if (end === -1) {
      if (this.pending.length > MAX_HEADER_BYTES) throw new MultipartError('the headers of a part are too long');
      return false;
    }
    const headers = end < 0 ? '' : this.pending.subarray(0, end).toString('utf8');
    this.pending = this.pending.subarray(end < 0 ? 2 : end + 4);
    this.parts.push(readDisposition(headers));
    this.field = [];
    this.fieldBytes = 0;
    this.state = 'content';
    return true;
  }

  private keep(content: Buffer): void {
    const part = this.parts.at(-1);
    if (this.state !== 'content' || !part || part.file || content.length === 0) return;
    const room = this.maxFieldBytes - this.fieldBytes;
    if (room <= 0) return;
    const kept = content.subarray(0, room);
    this.field.push(Buffer.from(kept));
    this.fieldBytes += kept.length;
  }

  private endPart(): void {
    const part = this.parts.at(-1);
    if (this.state === 'content' && part && !part.file) part.value = Buffer.concat(this.field).toString('utf8');
    this.field = [];
    this.fieldBytes = 0;
  }
}

/** `Content-Disposition: form-data; name="media"; filename="a.png"`: its name, and whether it is a file. */
function readDisposition(headers: string): ScannedPart {
  const line = headers.split('\r\n').find((header) => /^content-disposition\s*:/i.test(header));
  if (!line) return { name: null, file: false };
  const name = /;\s*name\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;]+))/i.exec(line);
  const file = /;\s*filename\*?\s*=/i.test(line);
  return { name: name ? (name[1] ?? name[2]).replace(/\\(.)/g, '$1') : null, file };
}
