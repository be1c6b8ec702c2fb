/** Naming rules from API.md ("Names"). */
export const OWNER_NAME = /^[a-z0-9][a-z0-9-]{1,38}$/;
export const RESOURCE_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const ALIAS_NAME = /^[a-z][a-z0-9-]{0,62}$/;
