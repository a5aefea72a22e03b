// Ids for items inside a record (timeline facts, why-tree causes, lessons). They only
// need to be unique within their record; same alphabet as the backend's ids.

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

export function newId(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => ALPHABET[b & 31]).join('');
}
