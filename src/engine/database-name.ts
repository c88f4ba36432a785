/** The IndexedDB database name of the store `name`. */
export function databaseName(name: string): string {
  return `larder:${name}`;
}
