/**
 * A page's JSON as bytes, written a few rows at a time. One `JSON.stringify` over a whole page
 * (1.5 MB for 1,000 transaction lines) grows its buffer step by step and lands in V8's
 * large-object space, which takes fresh memory from the kernel on every page: on a virtual
 * machine where page faults are dear that doubled the simulator's CPU per page
 * (bench:replicate). Pieces of a few rows stay in the young generation; the bytes are the
 * same as one `JSON.stringify` of `{ d: … }` would give.
 */
const ROWS_PER_PIECE = 25;

const COMMA = Buffer.from(',');

/** `head` + the rows as JSON array items, comma-separated + `tail`, as UTF-8. */
export function pageBody(head: string, rows: readonly object[], tail: string): Buffer {
  const pieces: Buffer[] = [Buffer.from(head)];
  for (let start = 0; start < rows.length; start += ROWS_PER_PIECE) {
    if (start > 0) pieces.push(COMMA);
    const json = Buffer.from(JSON.stringify(rows.slice(start, start + ROWS_PER_PIECE)));
    // Without the piece's own brackets: the page's array opens in `head` and closes in `tail`.
    pieces.push(json.subarray(1, json.length - 1));
  }
  pieces.push(Buffer.from(tail));
  return Buffer.concat(pieces);
}
