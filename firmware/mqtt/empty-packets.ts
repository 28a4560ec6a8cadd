/**
 * PINGREQ (3.12) and DISCONNECT (3.14) as the device sends them: binary
 * strings, constant as neither has a body. A module of constants that
 * imports nothing, so that esbuild writes each where it is used (from
 * send-string.ts it kept them as variables); encodeEmpty (encode.ts) is the
 * host's.
 */
export const PINGREQ_STRING = "\xC0\0";
export const DISCONNECT_STRING = "\xE0\0";
