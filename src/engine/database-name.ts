/** The IndexedDB database name of the store `name`. */
export function databaseName(name: string): string {
  return `larder:${name}`;
}

/**
 * The BroadcastChannel name of the change feed of the database `dbName`. Here rather than in
 * change-feed.ts: the main thread needs the name, and importing it from there put the engine's
 * whole feed into the main-thread bundle (2 kB gzipped).
 */
export function feedChannelName(dbName: string): string {
  return `larder:feed:${dbName}`;
}
