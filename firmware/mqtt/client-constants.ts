/**
 * The MQTT client's numbers: why a connection ended (one space, reported by
 * `onDisconnect` and counted), and what `publish` refuses with besides the codec's ERR_* codes. Imports
 * nothing, so esbuild inlines them. Names for people are in errors.ts (host).
 */

/** Reasons 1-5 are the broker's CONNACK refusals [3.2.2.3], kept as they come. */
export const REASON_UNACCEPTABLE_PROTOCOL = 1;
export const REASON_IDENTIFIER_REJECTED = 2;
export const REASON_SERVER_UNAVAILABLE = 3;
export const REASON_BAD_CREDENTIALS = 4;
export const REASON_NOT_AUTHORIZED = 5;
/** No CONNACK within `connectTimeout` (TCP connect included). */
export const REASON_CONNECT_TIMEOUT = 10;
/** Nothing received for 1.5 keepalive intervals: the link is dead (a half-open TCP connection included). */
export const REASON_KEEPALIVE_TIMEOUT = 11;
/** A malformed or oversized packet from the broker. */
export const REASON_MALFORMED = 12;
/** A packet the broker must not send now (a second CONNACK, a CONNECT, …). */
export const REASON_PROTOCOL = 13;
/** The transport closed: refused, reset, or closed by the broker. */
export const REASON_CLOSED = 14;
/** The application called `end()`: no reconnect. */
export const REASON_ENDED = 15;

/** `publish` refused: the offline queue is full of messages it must keep (QoS 1/2). */
export const ERR_QUEUE_FULL = -40;

/** Client states. */
export const STATE_IDLE = 0;
export const STATE_CONNECTING = 1;
export const STATE_CONNECTED = 2;
export const STATE_READY = 3;
