/**
 * Returns the path of the packed tarball of the current sources, building and packing it when
 * no pack of these exact inputs exists yet.
 */
export function packOnce(): string;
