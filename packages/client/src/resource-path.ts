/** A path segment, encoded. */
export const seg = encodeURIComponent;

/** `owner/name` as the two encoded segments of a REST path. */
export function resourcePath(fullName: string): string {
  const [owner, name, ...rest] = fullName.split('/');
  if (!owner || !name || rest.length) throw new Error(`a model or dataset is named owner/name, got "${fullName}"`);
  return `${seg(owner)}/${seg(name)}`;
}

/** `?k=v&…` for the defined, non-empty values; '' when there are none. */
export function queryString(query: object): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const text = params.toString();
  return text ? `?${text}` : '';
}
