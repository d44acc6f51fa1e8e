/** A Discord id (a snowflake): 17 to 20 digits. The configuration and the request bodies check ids with it. */
export const SNOWFLAKE = /^[0-9]{17,20}$/;
