/** Values shorter than this are not masked: masking "a" or "1" would shred every log line. */
export const MIN_SECRET_LENGTH = 4;

/**
 * The textual forms a secret may take once a script has printed or serialised it: the value,
 * its base64 and base64url forms at each of the three byte alignments it can have inside a
 * longer encoded text, its JSON-escaped form (once and twice: JSON inside a JSON string), and
 * its URL-encoded forms (percent-encoding, and form encoding with `+` for spaces). A multi-line
 * value also contributes each of its lines, so a value printed line by line is masked too.
 */
export function secretForms(value: string): string[] {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return [];
  const forms = new Set<string>();
  const parts = [value, ...value.split(/\r?\n/).filter((line) => line.length >= MIN_SECRET_LENGTH)];
  for (const part of parts) {
    const json = JSON.stringify(part).slice(1, -1);
    for (const text of [part, json, JSON.stringify(json).slice(1, -1)]) {
      forms.add(text);
      forms.add(encodeURIComponent(text));
      forms.add(new URLSearchParams({ v: text }).toString().slice(2));
    }
    for (const b64 of base64Forms(part)) {
      forms.add(b64);
      forms.add(b64.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return [...forms].filter((form) => form.length >= MIN_SECRET_LENGTH);
}

/**
 * The base64 characters that depend only on the value's bytes when the value starts at byte
 * offset k (mod 3) of whatever is encoded: characters [ceil(8k/6), floor(8(k+n)/6)) of the
 * encoding of k filler bytes followed by the value. Whatever surrounds the value, these appear
 * in the encoded text. A padded encoding of the value alone is listed too (it ends in `=`).
 */
function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const forms = [bytes.toString('base64')];
  for (let k = 0; k < 3; k++) {
    const encoded = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    forms.push(encoded.slice(Math.ceil((8 * k) / 6), Math.floor((8 * (k + bytes.length)) / 6)));
  }
  return forms;
}
