/**
 * The two small interfaces the MQTT client is built over (lwmqtt's network and
 * timer callbacks): a byte transport and a clock. The client never touches
 * `require("net")` or a timer global; the device bundle hands it Espruino's,
 * tests hand it a fake transport and a manual clock.
 */

/** What a transport tells its user. The client sets these before `open`. */
export interface TransportEvents {
  /** The connection is up; bytes may be sent. */
  onOpen(): void;
  /** Bytes arrived, as a binary string, one char per byte (0..255): what Espruino's sockets give; a host transport converts (Node: `latin1`). */
  onData(chunk: string): void;
  /** Everything handed to `sendString` has left; more may be sent. */
  onDrain(): void;
  /** The connection is gone without the client asking (refused, reset, closed by the broker, failed). At most once per `open`; the client calls `close` after it. */
  onClose(): void;
}

/** A byte stream to the broker (TCP or TLS). */
export interface Transport {
  /** Where the transport reports; set by the client. */
  events: TransportEvents;
  /** Starts connecting. Success is `onOpen`; any failure is `onClose` (never an exception). Called only when closed: first, then after `close` (the client closes every connection that ends, its own or not; the tests' fake transport holds it to this). */
  open(host: string, port: number): void;
  /** Queues a binary string, one char per byte (0..255): every packet the client sends, whole, in one call. */
  sendString(data: string): void;
  /** Bytes handed to `sendString` that have not left yet. */
  pending(): number;
  /** Closes the connection gracefully (what was sent still leaves); no event of that connection is reported after this. */
  close(): void;
}

/** Time and timers, in milliseconds. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, milliseconds: number): unknown;
  clearTimeout(handle: unknown): void;
}
