/**
 * A 5×7 pixel font for the labels of generated charts: digits, letters (lower case is
 * drawn as upper case) and the punctuation numbers and titles need. Each glyph is seven
 * rows of five pixels, `1` for ink.
 */
const glyphs: Record<string, string> = {
  '0': '01110 10001 10011 10101 11001 10001 01110',
  '1': '00100 01100 00100 00100 00100 00100 01110',
  '2': '01110 10001 00001 00010 00100 01000 11111',
  '3': '11111 00010 00100 00010 00001 10001 01110',
  '4': '00010 00110 01010 10010 11111 00010 00010',
  '5': '11111 10000 11110 00001 00001 10001 01110',
  '6': '00110 01000 10000 11110 10001 10001 01110',
  '7': '11111 00001 00010 00100 01000 01000 01000',
  '8': '01110 10001 10001 01110 10001 10001 01110',
  '9': '01110 10001 10001 01111 00001 00010 01100',
  A: '01110 10001 10001 11111 10001 10001 10001',
  B: '11110 10001 10001 11110 10001 10001 11110',
  C: '01110 10001 10000 10000 10000 10001 01110',
  D: '11100 10010 10001 10001 10001 10010 11100',
  E: '11111 10000 10000 11110 10000 10000 11111',
  F: '11111 10000 10000 11110 10000 10000 10000',
  G: '01110 10001 10000 10111 10001 10001 01111',
  H: '10001 10001 10001 11111 10001 10001 10001',
  I: '01110 00100 00100 00100 00100 00100 01110',
  J: '00111 00010 00010 00010 00010 10010 01100',
  K: '10001 10010 10100 11000 10100 10010 10001',
  L: '10000 10000 10000 10000 10000 10000 11111',
  M: '10001 11011 10101 10101 10001 10001 10001',
  N: '10001 10001 11001 10101 10011 10001 10001',
  O: '01110 10001 10001 10001 10001 10001 01110',
  P: '11110 10001 10001 11110 10000 10000 10000',
  Q: '01110 10001 10001 10001 10101 10010 01101',
  R: '11110 10001 10001 11110 10100 10010 10001',
  S: '01111 10000 10000 01110 00001 00001 11110',
  T: '11111 00100 00100 00100 00100 00100 00100',
  U: '10001 10001 10001 10001 10001 10001 01110',
  V: '10001 10001 10001 10001 10001 01010 00100',
  W: '10001 10001 10001 10101 10101 10101 01010',
  X: '10001 10001 01010 00100 01010 10001 10001',
  Y: '10001 10001 01010 00100 00100 00100 00100',
  Z: '11111 00001 00010 00100 01000 10000 11111',
  '.': '00000 00000 00000 00000 00000 01100 01100',
  ',': '00000 00000 00000 00000 01100 00100 01000',
  '-': '00000 00000 00000 11111 00000 00000 00000',
  '+': '00000 00100 00100 11111 00100 00100 00000',
  ':': '00000 01100 01100 00000 01100 01100 00000',
  '(': '00010 00100 01000 01000 01000 00100 00010',
  ')': '01000 00100 00010 00010 00010 00100 01000',
  '/': '00000 00001 00010 00100 01000 10000 00000',
  '%': '11000 11001 00010 00100 01000 10011 00011',
  _: '00000 00000 00000 00000 00000 00000 11111',
  '=': '00000 00000 11111 00000 11111 00000 00000',
  '?': '01110 10001 00001 00010 00100 00000 00100',
  "'": '00100 00100 01000 00000 00000 00000 00000',
  '"': '01010 01010 00000 00000 00000 00000 00000',
  ' ': '00000 00000 00000 00000 00000 00000 00000',
};

/** Width of a glyph, in font pixels (one more pixel separates neighbours). */
export const glyphWidth = 5;
/** Height of a glyph, in font pixels. */
export const glyphHeight = 7;
const advance = glyphWidth + 1;

const aliases: Record<string, string> = { '—': '-', '–': '-', '−': '-', '²': '2' };

/** The 7 rows of 5 pixels of a character; unknown characters are drawn as `?`. */
export function glyph(char: string): boolean[][] {
  const key = aliases[char] ?? char.toUpperCase();
  const pattern = glyphs[key] ?? glyphs['?'] ?? '';
  return pattern.split(' ').map((row) => [...row].map((bit) => bit === '1'));
}

/** The width in image pixels of a text drawn at a scale. */
export function textWidth(text: string, scale = 1): number {
  return text.length === 0 ? 0 : ([...text].length * advance - 1) * scale;
}

/**
 * Draws a text with the built-in font by calling `plot(x, y)` for every ink pixel; (x, y)
 * is the top left corner, each font pixel is a `scale`×`scale` square.
 */
export function drawText(
  text: string,
  x: number,
  y: number,
  scale: number,
  plot: (px: number, py: number) => void,
): void {
  [...text].forEach((char, index) => {
    const left = x + index * advance * scale;
    glyph(char).forEach((row, gy) => {
      row.forEach((ink, gx) => {
        if (!ink) return;
        for (let dy = 0; dy < scale; dy += 1) {
          for (let dx = 0; dx < scale; dx += 1) plot(left + gx * scale + dx, y + gy * scale + dy);
        }
      });
    });
  });
}
