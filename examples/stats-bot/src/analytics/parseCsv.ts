import type { CsvDelimiter } from './detectDelimiter.ts';

/** What is wrong with the quotes of a CSV text, as {@link CsvSyntaxError} reports it. */
export type CsvSyntaxErrorCode =
  /** The text ends inside a quoted value. */
  | 'QUOTE_NOT_CLOSED'
  /** A closing quote is followed by something other than a separator, a line end or spaces. */
  | 'INVALID_CLOSING_QUOTE'
  /** Text after the spaces that follow a closing quote. */
  | 'TEXT_AFTER_CLOSING_QUOTE'
  /** A double quote in the middle of an unquoted value. */
  | 'INVALID_OPENING_QUOTE';

/**
 * A CSV text whose quotes break the rules of RFC 4180. `line` is the 1-based line where
 * the problem was found.
 */
export class CsvSyntaxError extends Error {
  override name = 'CsvSyntaxError';
  readonly code: CsvSyntaxErrorCode;
  readonly line: number;

  constructor(code: CsvSyntaxErrorCode, line: number) {
    super(`${code} on line ${line}`);
    this.code = code;
    this.line = line;
  }
}

/**
 * The cells of a CSV text, as {@link parseCsv} leaves them: every record that is not
 * blank, `width` cells each, stored row by row. A cell is the trimmed slice
 * `text.slice(start, end)` of the text (`extents[2k]`, `extents[2k + 1]`), or, when it
 * had to be unescaped (a quoted value with doubled quotes), `specials[-start - 1]`.
 * `numbers[k]` is the cell read as a number, or `NaN` when it is not one.
 *
 * The per-column counts cover the rows after the first (the body under a possible
 * header): `parsed[j]` cells that are numbers, `odd[j]` cells that are neither numbers
 * nor missing values, `oddExamples[j]` the first three distinct odd texts.
 */
export interface CsvCells {
  text: string;
  /** The UTF-16 units of `text`. */
  codes: Uint16Array;
  /** Fields per record (those of the first record that is not blank). */
  width: number;
  /** Records kept (blank ones are skipped). */
  rows: number;
  extents: Int32Array;
  numbers: Float64Array;
  specials: string[];
  /** `filled[j]` is 1 when some record has a non-blank cell in column `j`. */
  filled: Uint8Array;
  parsed: Int32Array;
  odd: Int32Array;
  oddExamples: (string[] | undefined)[];
  /** Records whose number of fields differs from `width`, when there are any. */
  uneven: { count: number; line: number; fields: number } | undefined;
}

/** Options of {@link parseCsv}. */
export interface ParseCsvOptions {
  delimiter: CsvDelimiter;
  /** Read `3,5` as a number (when the separator is a semicolon). */
  decimalComma: boolean;
}

const LF = 10;
const CR = 13;
const FF = 12;
const TAB = 9;
const SPACE = 32;
const QUOTE = 34;

/** Record delimiters: found at the first line end outside quotes, as csv-parse does. */
const UNKNOWN = 0;
const NEWLINE = 1;
const CRLF = 2;
const RETURN = 3;

/** How a field ended. */
const BY_DELIMITER = 0;
const BY_RECORD_END = 1;
const BY_END_OF_TEXT = 2;

const powersOfTen = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * Reads the UTF-16 units between `start` and `end` (already trimmed) as a plain decimal
 * number,
 * as {@link parseNumber} does: an optional sign, digits with an optional fraction (a
 * comma may stand for the point with `decimalComma`, between digits), an optional
 * exponent. Answers `NaN` when it is not one. Up to 15 digits and a power of ten within
 * 22 are computed exactly (one correctly rounded operation, as `Number` gives); longer
 * numbers go through `Number`.
 */
export function numberInRange(
  codes: Uint16Array,
  start: number,
  end: number,
  decimalComma: boolean,
): number {
  let k = start;
  if (k >= end) return Number.NaN;
  let c = codes[k] as number;
  let negative = false;
  if (c === 45 || c === 43) {
    negative = c === 45;
    k += 1;
  }
  let mantissa = 0;
  let digits = 0;
  while (k < end) {
    const d = (codes[k] as number) - 48;
    if (d < 0 || d > 9) break;
    mantissa = mantissa * 10 + d;
    digits += 1;
    k += 1;
  }
  let fraction = 0;
  let comma = false;
  if (k < end) {
    c = codes[k] as number;
    if (c === 46 || (c === 44 && decimalComma && digits > 0)) {
      comma = c === 44;
      k += 1;
      while (k < end) {
        const d = (codes[k] as number) - 48;
        if (d < 0 || d > 9) break;
        mantissa = mantissa * 10 + d;
        digits += 1;
        fraction += 1;
        k += 1;
      }
      if (comma && fraction === 0) return Number.NaN;
    }
  }
  if (digits === 0) return Number.NaN;
  let exponent = 0;
  let exponentDigits = 0;
  if (k < end) {
    c = codes[k] as number;
    if (c === 101 || c === 69) {
      k += 1;
      let negativeExponent = false;
      if (k < end) {
        c = codes[k] as number;
        if (c === 45 || c === 43) {
          negativeExponent = c === 45;
          k += 1;
        }
      }
      while (k < end) {
        const d = (codes[k] as number) - 48;
        if (d < 0 || d > 9) break;
        if (exponentDigits < 9) exponent = exponent * 10 + d;
        exponentDigits += 1;
        k += 1;
      }
      if (exponentDigits === 0) return Number.NaN;
      if (negativeExponent) exponent = -exponent;
    }
  }
  if (k !== end) return Number.NaN;
  const scale = exponent - fraction;
  if (digits <= 15 && exponentDigits < 9 && scale >= -22 && scale <= 22) {
    const value =
      scale >= 0
        ? mantissa * (powersOfTen[scale] as number)
        : mantissa / (powersOfTen[-scale] as number);
    return negative ? -value : value;
  }
  let written = '';
  for (let k = start; k < end; k += 4096) {
    written += String.fromCharCode(...codes.subarray(k, Math.min(end, k + 4096)));
  }
  return Number(comma ? written.replace(',', '.') : written);
}

/** {@link missingInRange} on a whole string. */
export function isMissingText(text: string): boolean {
  return missingInRange(codesOf(text), 0, text.length);
}

const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * The UTF-16 units of a string in a typed array. Long strings are copied natively (a few
 * milliseconds for megabytes); reading a typed array is several times faster than
 * `charCodeAt`, which V8 stops inlining once any class extends `String` (some libraries
 * do, e.g. @redis/client).
 */
export function codesOf(text: string): Uint16Array {
  if (text.length >= 64 && littleEndian) {
    const bytes = Buffer.from(text, 'utf16le');
    if (bytes.byteOffset % 2 === 0) {
      return new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
    }
  }
  const codes = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i += 1) codes[i] = text.charCodeAt(i);
  return codes;
}

/** {@link numberInRange} on a whole string. */
export function numberOfText(text: string, decimalComma: boolean): number {
  return numberInRange(codesOf(text), 0, text.length, decimalComma);
}

/**
 * Whether the UTF-16 units between `start` and `end` (already trimmed) are a missing
 * value: empty, `NA`, `N/A`, `null`, `NaN` or `-` in any case, as {@link isMissing} has it.
 */
export function missingInRange(codes: Uint16Array, start: number, end: number): boolean {
  const length = end - start;
  if (length === 0) return true;
  const c0 = codes[start] as number;
  if (length === 1) return c0 === 45;
  if ((c0 | 32) !== 110 || length > 4) return false;
  const c1 = codes[start + 1] as number;
  if (length === 2) return (c1 | 32) === 97;
  const c2 = (codes[start + 2] as number) | 32;
  if (length === 3) return ((c1 | 32) === 97 && c2 === 110) || (c1 === 47 && c2 === 97);
  const c3 = (codes[start + 3] as number) | 32;
  return (c1 | 32) === 117 && c2 === 108 && c3 === 108;
}

/** Whether a UTF-16 unit is white space to `String.prototype.trim`. */
export function isTrimSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * Splits CSV text into cells in one pass over its characters, with the rules of RFC 4180
 * as csv-parse applies them (`trim`, `skip_empty_lines`, `relax_column_count`): values
 * may be wrapped in double quotes, which may hold separators, line ends and doubled
 * quotes; spaces around a value are dropped; the record delimiter (LF, CRLF or CR) is
 * the first line end met outside quotes; records whose cells are all blank are skipped.
 * Each cell is read as a number on the way (see {@link CsvCells}), so the columns'
 * types are mostly known when the text ends.
 *
 * Records with another number of fields than the first are counted (see
 * `CsvCells.uneven`), not refused; misplaced quotes throw a {@link CsvSyntaxError}
 * naming the line, counted as csv-parse counts lines.
 *
 * @example
 * ```ts
 * const cells = parseCsv('a,b\n1,"x, y"\n', { delimiter: ',', decimalComma: false });
 * // cells.width === 2, cells.rows === 2, cells.parsed[0] === 1, cells.odd[1] === 1
 * ```
 */
export function parseCsv(text: string, options: ParseCsvOptions): CsvCells {
  const parser = new CsvParser(text, options.delimiter.charCodeAt(0), options.decimalComma);
  while (parser.record());
  const cells = parser.cells();
  parser.release();
  kept.parser = parser;
  return cells;
}

/**
 * The last parser, emptied, and an empty result. V8 keeps the hidden class an object's
 * fields lead to only while some object has it; once the last parser was collected, the
 * optimized parsing code built for that class would be thrown away, and the next upload
 * after a garbage collection would be parsed by code warming up again (measured here:
 * about a fifth slower).
 */
const kept: { parser?: CsvParser; cells?: CsvCells } = {};

/**
 * The state of {@link parseCsv}: a class, so that its shape (and that of its result)
 * lives as long as the module and the optimized code built on it is kept from one call to
 * the next; each record is one call of {@link CsvParser.record}.
 */
class CsvParser {
  text: string;
  /** The text's UTF-16 units, read far faster than through `charCodeAt`. */
  codes: Uint16Array;
  readonly length: number;
  readonly delimiter: number;
  readonly decimalComma: boolean;
  /** LF, CRLF or CR: found at the first line end outside quotes. */
  recordDelimiter = UNKNOWN;
  /** CRLF pairs consumed as record delimiters, each of which csv-parse counts as one line. */
  crlfBreaks = 0;
  /** Where the next record begins. */
  position = 0;

  width = 0;
  rows = 0;
  capacity = 0;
  extents = new Int32Array(0);
  numbers = new Float64Array(0);
  specials: string[] = [];
  filled = new Uint8Array(0);
  parsed = new Int32Array(0);
  odd = new Int32Array(0);
  oddExamples: (string[] | undefined)[] = [];
  uneven: CsvCells['uneven'] = undefined;

  // The field last read by `field`: its trimmed extent or unescaped text, how it ended.
  start = 0;
  end = 0;
  special: string | undefined = undefined;
  endedBy = BY_END_OF_TEXT;
  next = 0;

  constructor(text: string, delimiter: number, decimalComma: boolean) {
    this.text = text;
    this.codes = codesOf(text);
    this.length = text.length;
    this.delimiter = delimiter;
    this.decimalComma = decimalComma;
  }

  cells(): CsvCells {
    return new ParsedCsv(
      this.text,
      this.codes,
      this.width,
      this.rows,
      this.extents,
      this.numbers,
      this.specials,
      this.filled,
      this.parsed,
      this.odd,
      this.oddExamples,
      this.uneven,
    );
  }

  /** Lets go of the text and the cells (handed over by `cells`). */
  release(): void {
    this.text = '';
    this.codes = new Uint16Array(0);
    this.extents = new Int32Array(0);
    this.numbers = new Float64Array(0);
    this.specials = [];
    this.filled = new Uint8Array(0);
    this.parsed = new Int32Array(0);
    this.odd = new Int32Array(0);
    this.oddExamples = [];
    this.uneven = undefined;
    this.special = undefined;
  }

  /** Reads the record at `position`; answers false when the text has ended. */
  record(): boolean {
    const width = this.width;
    if (width === 0) return this.firstRecord();
    const { text, codes, extents, numbers, filled, parsed, odd, decimalComma } = this;
    const cell = this.rows * width;
    let field = 0;
    let blankRecord = true;
    let k = this.position;
    for (;;) {
      this.field(k);
      const special = this.special;
      const start = this.start;
      const end = this.end;
      if (field < width) {
        const at = cell + field;
        if (special === undefined ? start === end : special === '') {
          extents[2 * at] = start;
          extents[2 * at + 1] = start;
          numbers[at] = Number.NaN;
        } else if (special === undefined) {
          blankRecord = false;
          extents[2 * at] = start;
          extents[2 * at + 1] = end;
          filled[field] = 1;
          const value = numberInRange(codes, start, end, decimalComma);
          numbers[at] = value;
          if (!Number.isNaN(value)) parsed[field] = (parsed[field] as number) + 1;
          else if (!missingInRange(codes, start, end)) {
            odd[field] = (odd[field] as number) + 1;
            noteOdd(this.oddExamples, field, text.slice(start, end));
          }
        } else {
          blankRecord = false;
          extents[2 * at] = -this.specials.push(special);
          extents[2 * at + 1] = 0;
          filled[field] = 1;
          const value = numberOfText(special, decimalComma);
          numbers[at] = value;
          if (!Number.isNaN(value)) parsed[field] = (parsed[field] as number) + 1;
          else if (!isMissingText(special)) {
            odd[field] = (odd[field] as number) + 1;
            noteOdd(this.oddExamples, field, special);
          }
        }
      } else if (special === undefined ? start !== end : special !== '') {
        blankRecord = false;
      }
      field += 1;
      if (this.endedBy !== BY_DELIMITER) break;
      k = this.next;
    }
    if (!blankRecord) {
      if (field !== width) this.noteUneven(field);
      else {
        this.rows += 1;
        if (this.rows >= this.capacity) this.grow();
      }
    }
    return this.endRecord();
  }

  /** Reads the first record that is not blank and sizes the cells after it. */
  firstRecord(): boolean {
    const cells: number[] = [];
    let blankRecord = true;
    let k = this.position;
    for (;;) {
      this.field(k);
      const special = this.special;
      if (special === undefined) {
        cells.push(this.start, this.end);
        if (this.start !== this.end) blankRecord = false;
      } else {
        cells.push(-this.specials.push(special), 0);
        if (special !== '') blankRecord = false;
      }
      if (this.endedBy !== BY_DELIMITER) break;
      k = this.next;
    }
    if (!blankRecord) {
      const width = cells.length / 2;
      this.width = width;
      // Room for about as many records as the first one's length fits in the text.
      this.capacity = Math.ceil((this.length / Math.max(1, this.next)) * 1.1) + 4;
      this.extents = new Int32Array(2 * this.capacity * width);
      this.numbers = new Float64Array(this.capacity * width);
      this.filled = new Uint8Array(width);
      this.parsed = new Int32Array(width);
      this.odd = new Int32Array(width);
      this.oddExamples = new Array(width).fill(undefined);
      for (let j = 0; j < width; j += 1) {
        const start = cells[2 * j] as number;
        const end = cells[2 * j + 1] as number;
        this.extents[2 * j] = start;
        this.extents[2 * j + 1] = end;
        this.numbers[j] = Number.NaN;
        if (start < 0 ? this.specials[-start - 1] !== '' : start !== end) this.filled[j] = 1;
      }
      this.rows = 1;
      if (this.rows >= this.capacity) this.grow();
    }
    return this.endRecord();
  }

  /** Moves past the record's delimiter; answers false at the end of the text. */
  endRecord(): boolean {
    if (this.endedBy === BY_END_OF_TEXT) return false;
    if (this.recordDelimiter === CRLF) {
      this.crlfBreaks += 1;
      this.position = this.next + 2;
    } else {
      this.position = this.next + 1;
    }
    return true;
  }

  noteUneven(fields: number): void {
    const uneven = this.uneven;
    if (uneven !== undefined) {
      uneven.count += 1;
      return;
    }
    const line =
      this.endedBy === BY_END_OF_TEXT
        ? lineAtEnd(this.codes, this.crlfBreaks)
        : lineAt(this.codes, this.next, this.crlfBreaks);
    this.uneven = { count: 1, line, fields };
  }

  grow(): void {
    this.capacity *= 2;
    const extents = new Int32Array(2 * this.capacity * this.width);
    extents.set(this.extents);
    this.extents = extents;
    const numbers = new Float64Array(this.capacity * this.width);
    numbers.set(this.numbers);
    this.numbers = numbers;
  }

  /** Whether the CR or LF `c` at `k`, outside quotes, ends a record. */
  endsRecord(c: number, k: number): boolean {
    if (this.recordDelimiter === UNKNOWN) {
      this.recordDelimiter = discoverRecordDelimiter(this.codes, c, k);
    }
    return isRecordEnd(this.recordDelimiter, this.codes, c, k);
  }

  /** Reads the field at `k` into `start`, `end`, `special`, `endedBy`, `next`. */
  field(k: number): void {
    const { codes, length, delimiter } = this;
    this.special = undefined;
    this.endedBy = BY_END_OF_TEXT;
    this.next = length;
    // Leading spaces (csv-parse's `ltrim`: space, tab, form feed, line ends that end nothing).
    while (k < length) {
      const c = codes[k] as number;
      if (c === SPACE || c === FF || (c === TAB && delimiter !== TAB)) k += 1;
      else if ((c === LF || c === CR) && !this.endsRecord(c, k)) k += 1;
      else break;
    }
    if (k >= length) {
      this.start = this.end = length;
      return;
    }
    const c = codes[k] as number;
    if (c === delimiter) {
      this.start = this.end = k;
      this.endedBy = BY_DELIMITER;
      this.next = k + 1;
      return;
    }
    if (c === LF || c === CR) {
      // A record's end: the loop above stopped on it.
      this.start = this.end = k;
      this.endedBy = BY_RECORD_END;
      this.next = k;
      return;
    }
    if (c === QUOTE) {
      this.quotedField(k);
      return;
    }
    // An unquoted value: up to a separator or a record's end; a quote in it is an error.
    let j = k + 1;
    while (j < length) {
      const d = codes[j] as number;
      if (d > QUOTE && d !== delimiter) {
        j += 1;
      } else if (d === delimiter) {
        this.endedBy = BY_DELIMITER;
        this.next = j + 1;
        break;
      } else if (d === QUOTE) {
        throw syntaxError('INVALID_OPENING_QUOTE', codes, j, this.crlfBreaks);
      } else if ((d === LF || d === CR) && this.endsRecord(d, j)) {
        this.endedBy = BY_RECORD_END;
        this.next = j;
        break;
      } else {
        j += 1;
      }
    }
    let start = k;
    let end = j;
    while (start < end && isTrimSpace(codes[start] as number)) start += 1;
    while (end > start && isTrimSpace(codes[end - 1] as number)) end -= 1;
    this.start = start;
    this.end = end;
  }

  /**
   * Reads the quoted value whose opening quote is at `k`, and what follows it up to the
   * field's end: its trimmed extent in the text, or `special` when doubled quotes had to
   * be undone.
   */
  quotedField(k: number): void {
    const { text, codes, length, delimiter } = this;
    let special: string | undefined;
    let from = k + 1;
    let close: number;
    for (;;) {
      const q = text.indexOf('"', from);
      if (q < 0) throw syntaxError('QUOTE_NOT_CLOSED', codes, -1, this.crlfBreaks);
      if (q + 1 < length && (codes[q + 1] as number) === QUOTE) {
        special = (special ?? '') + text.slice(from, q + 1);
        from = q + 2;
        continue;
      }
      close = q;
      break;
    }
    let start = k + 1;
    let end = close;
    if (special !== undefined) special += text.slice(from, close);
    const empty = special === undefined ? end === start : special === '';
    let j = close + 1;
    if (j < length && !mayFollowQuote(codes[j] as number, delimiter)) {
      throw syntaxError('INVALID_CLOSING_QUOTE', codes, close, this.crlfBreaks);
    }
    // After the closing quote: spaces up to a separator, a record's end or the end of the text.
    while (j < length) {
      const d = codes[j] as number;
      if (d === delimiter) {
        this.endedBy = BY_DELIMITER;
        this.next = j + 1;
        break;
      }
      if (d === LF || d === CR) {
        if (this.endsRecord(d, j)) {
          this.endedBy = BY_RECORD_END;
          this.next = j;
          break;
        }
        j += 1;
      } else if (d === SPACE || d === TAB || d === FF) {
        j += 1;
      } else if (d === QUOTE && empty) {
        // csv-parse opens a second quote after an empty quoted value, in which nothing but
        // spaces may stand.
        j = reopenedQuote(codes, j + 1, delimiter, this.crlfBreaks);
      } else {
        throw syntaxError(
          d === QUOTE ? 'INVALID_OPENING_QUOTE' : 'TEXT_AFTER_CLOSING_QUOTE',
          codes,
          j,
          this.crlfBreaks,
        );
      }
    }
    if (special === undefined) {
      while (start < end && isTrimSpace(codes[start] as number)) start += 1;
      while (end > start && isTrimSpace(codes[end - 1] as number)) end -= 1;
    } else {
      special = special.trim();
    }
    this.special = special;
    this.start = start;
    this.end = end;
  }
}

/**
 * {@link CsvCells} as a class: its instances share one hidden class that lives as long as
 * the module, so optimized code that built one is not thrown away when the last result
 * is collected (as it can be with an object literal's shape).
 */
class ParsedCsv implements CsvCells {
  constructor(
    readonly text: string,
    readonly codes: Uint16Array,
    readonly width: number,
    readonly rows: number,
    readonly extents: Int32Array,
    readonly numbers: Float64Array,
    readonly specials: string[],
    readonly filled: Uint8Array,
    readonly parsed: Int32Array,
    readonly odd: Int32Array,
    readonly oddExamples: (string[] | undefined)[],
    readonly uneven: CsvCells['uneven'],
  ) {}
}

kept.cells = new CsvParser('', 44, false).cells();

/** The record delimiter a file uses, from its first line end outside quotes (at `k`). */
function discoverRecordDelimiter(codes: Uint16Array, c: number, k: number): number {
  if (c === LF) return NEWLINE;
  return k + 1 < codes.length && (codes[k + 1] as number) === LF ? CRLF : RETURN;
}

/** Whether the CR or LF `c` at `k` ends a record. */
function isRecordEnd(recordDelimiter: number, codes: Uint16Array, c: number, k: number): boolean {
  if (recordDelimiter === NEWLINE) return c === LF;
  if (recordDelimiter === RETURN) return c === CR;
  return c === CR && k + 1 < codes.length && (codes[k + 1] as number) === LF;
}

/**
 * The line of `position`, counted as csv-parse counts: one per CR and per LF read before
 * it, a CRLF that ends a record counting once (`crlfBreaks` of them so far).
 */
function lineAt(codes: Uint16Array, position: number, crlfBreaks: number): number {
  let breaks = 0;
  for (let k = 0; k < position; k += 1) {
    const c = codes[k] as number;
    if (c === LF || c === CR) breaks += 1;
  }
  return 1 + breaks - crlfBreaks;
}

/** The line csv-parse is on when the text ends (a last line end starts no line). */
function lineAtEnd(codes: Uint16Array, crlfBreaks: number): number {
  const last = codes[codes.length - 1] as number;
  return lineAt(codes, codes.length, crlfBreaks) - (last === LF || last === CR ? 1 : 0);
}

/** The error at `position` (-1: at the end of the text). */
function syntaxError(
  code: CsvSyntaxErrorCode,
  codes: Uint16Array,
  position: number,
  crlfBreaks: number,
): CsvSyntaxError {
  return new CsvSyntaxError(
    code,
    position < 0 ? lineAtEnd(codes, crlfBreaks) : lineAt(codes, position, crlfBreaks),
  );
}

function noteOdd(oddExamples: (string[] | undefined)[], field: number, example: string): void {
  const examples = oddExamples[field];
  if (examples === undefined) oddExamples[field] = [example];
  else if (examples.length < 3 && !examples.includes(example)) examples.push(example);
}

/** Whether `c` may follow a closing quote (csv-parse: separator, line end or space). */
function mayFollowQuote(c: number, delimiter: number): boolean {
  return c === delimiter || c === LF || c === CR || c === SPACE || c === TAB || c === FF;
}

/** Past a quote reopened after an empty quoted value; answers where its field goes on. */
function reopenedQuote(
  codes: Uint16Array,
  from: number,
  delimiter: number,
  crlfBreaks: number,
): number {
  const length = codes.length;
  for (let j = from; j < length; j += 1) {
    const c = codes[j] as number;
    if (c === QUOTE) {
      if (j + 1 < length && (codes[j + 1] as number) === QUOTE) {
        throw syntaxError('TEXT_AFTER_CLOSING_QUOTE', codes, j + 1, crlfBreaks);
      }
      if (j + 1 < length && !mayFollowQuote(codes[j + 1] as number, delimiter)) {
        throw syntaxError('INVALID_CLOSING_QUOTE', codes, j, crlfBreaks);
      }
      return j + 1;
    }
    if (c !== SPACE && c !== TAB && c !== FF && c !== LF && c !== CR) {
      throw syntaxError('TEXT_AFTER_CLOSING_QUOTE', codes, j, crlfBreaks);
    }
  }
  throw syntaxError('QUOTE_NOT_CLOSED', codes, -1, crlfBreaks);
}
