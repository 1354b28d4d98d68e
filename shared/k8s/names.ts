/** Kubernetes' safe alphabet (no vowels, no look-alikes), for generated names and template hashes. */
export const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Five random characters, as the apiserver appends for `generateName`. */
export function randomSuffix(): string {
  return Array.from({ length: 5 }, () => SAFE_ALPHABET[Math.floor(Math.random() * SAFE_ALPHABET.length)]).join('');
}

/** A map selector (a Service's, or a template's labels) takes the labels that carry all its pairs. */
export function labelsMatch(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}
