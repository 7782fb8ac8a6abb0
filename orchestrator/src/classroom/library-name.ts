// A library topology's name, which is its folder's: lowercase letters, digits and '-' (neither
// first nor last), 40 at most, so that no path can be smuggled in. A module of its own, without
// imports, as the API's schemas (which the dashboard's types read) use it too.
export const LIBRARY_NAME = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/** The largest topology archive taken, as uploaded (classroom/topology-archive.ts). */
export const MAX_ARCHIVE_BYTES = 8 * 1024 * 1024;
