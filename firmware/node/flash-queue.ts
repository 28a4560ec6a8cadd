/**
 * The node's QoS 1/2 telemetry in flash, so that it survives disconnections,
 * outages longer than the client's RAM queue, reboots and power loss: a log
 * over Espruino's appendable StorageFiles (`require("Storage").open`) that
 * feeds the MQTT client as it has room.
 *
 * A segmented, append-only log. Each segment is one StorageFile,
 * `<prefix>.<id in base 36>`, holding up to `segmentMessages` messages, one
 * line each: `JSON.stringify([topic, payload, flags])\n`, flags = QoS
 * (bits 0-1) | 4 retain | 8 payload is base64 (a Uint8Array payload, sent as
 * `btoa` of its bytes; a string payload stays a JSON string, which escapes
 * control and non-ASCII characters). Lines are pure ASCII, so never contain
 * the byte 0xFF, which marks the end of a StorageFile (a 0xFF written into
 * one hides everything after it: measured on 2v29).
 *
 * `add` appends a message to the log as *waiting*; `feed` hands waiting
 * messages, oldest first, to `take` (the client's `restore`), which takes
 * what its queue has room for. The queue feeds after every `add` and every
 * acknowledgement, so the client holds the oldest unacknowledged messages
 * and flash holds everything not yet acknowledged, whatever the length of
 * the outage: the client's RAM queue never refuses a report. A waiting
 * message still in the RAM buffer is handed as it is; one in flash is read
 * back (a parse of one line; reading picks up where the last one left off).
 * Handed messages always precede waiting ones in the log, so the waiting
 * ones are its last `waiting` entries.
 *
 * Writes are batched: `add` buffers in RAM and appends the buffer as one
 * string every `batchMessages` messages, or `batchMilliseconds` after the
 * first unwritten one, or at `flush()` (call it before deep sleep or a
 * reboot). A message acknowledged while still buffered never touches flash,
 * so choose `batchMilliseconds` above the broker's usual round trip: an
 * online node then writes almost nothing, and flash takes what piles up
 * while offline. Each StorageFile write is at most 992 characters (one
 * chunk; a longer one throws "Too much data for file size" on 2v29).
 *
 * Acknowledgements (the client's `store.remove`) are counted per segment in
 * RAM only; a segment whose entries are all acknowledged is erased (the
 * current one too: the next batch starts a new file). Nothing else is
 * persisted, so after a reboot without that, the acknowledged entries of a
 * segment that still holds unacknowledged ones are sent again: at least
 * once, as QoS 1 allows, at most `segmentMessages - 1` duplicates per such
 * segment. Recording each acknowledgement in flash would cost a write per
 * message. The client's own QoS 1 messages (`store.add`: the node's
 * `online`, actuator states, discovery) are not kept: the node makes them
 * again at every connection.
 *
 * Bounded by `maxSegments` files: a batch that needs a new segment when there
 * are that many first erases the oldest, counting its unacknowledged entries
 * as `dropped` (handed ones may still be delivered from RAM before a
 * reboot; waiting ones are gone). A batch whose write throws (flash full) is
 * dropped the same way.
 *
 * At boot `load()` reads every segment line by line (a StorageFile read
 * never maps a whole file into RAM), counts its messages as waiting and
 * feeds the client. A line that does not parse (a write cut by power loss,
 * flash corruption) is skipped and counted in `corrupt`; the first batch
 * after a boot starts with "\n" (an empty line, skipped), so a cut line
 * never swallows the next one. A message the client cannot send (larger
 * than its send buffer) counts as taken, is never acknowledged, and its
 * segment stays until the bound evicts it.
 */
import type { MessageStore, OutgoingMessage } from "../mqtt/client.ts";
import type { Clock } from "../mqtt/transport.ts";

/** What the queue uses of a StorageFile (`require("Storage").open(name, mode)`). */
export interface QueueFile {
  /** Appends (modes "a", "w"); must not contain "\xFF". */
  write(data: string): void;
  /** The next line with its "\n" (the last may lack it), or undefined at the end (mode "r"). */
  readLine(): string | undefined;
  /** Deletes every chunk of the file. */
  erase(): void;
}

/** What the queue uses of Espruino's Storage module: pass `require("Storage")`. */
export interface QueueStorage {
  open(name: string, mode: "r" | "a"): QueueFile;
  /** With `{sf: true}`: the StorageFiles' names. */
  list(pattern: undefined, options: { sf: boolean }): string[];
}

/** Sizes and timing of the queue. */
export interface FlashQueueOptions {
  /** File name prefix: 1 to 16 letters, digits or `_` (segments are `<prefix>.<id>`). */
  prefix: string;
  /** Messages per segment file. */
  segmentMessages: number;
  /** Segment files at most; the oldest is erased to make room. */
  maxSegments: number;
  /** Buffered messages that trigger a write. */
  batchMessages: number;
  /** Longest a message waits in RAM before it is written (ms). */
  batchMilliseconds: number;
}

/** Counters for the node's status report. */
export interface FlashQueueCounters {
  /** Messages written to flash. */
  written: number;
  /** Messages whose flash copy was erased unacknowledged (queue full) or never made (write failed). */
  dropped: number;
  /** Appends to flash: one per batch, one more per segment a batch fills (each up to 992 characters per StorageFile write). */
  batches: number;
  /** Lines in flash that could not be read back, skipped. */
  corrupt: number;
}

/** Takes messages oldest first and returns how many it took (the client's `restore`). */
export type Take = (messages: OutgoingMessage[]) => number;

/** The flash queue: `add` the node's QoS 1/2 telemetry, hand `store` to the client, `load()` at boot, `flush()` before sleeping. */
export interface FlashQueue {
  /** For `client.store`: `remove` counts an acknowledgement and feeds the client; `add` keeps nothing (see the file comment). */
  store: MessageStore;
  /** Appends a QoS 1/2 message to the log, then feeds the client. */
  add(message: OutgoingMessage): void;
  /** Hands waiting messages, oldest first, to the client while it takes them. */
  feed(): void;
  /** Counts what flash holds as waiting (once, at boot), then feeds the client. */
  load(): void;
  /** Messages in the log not yet handed to the client. */
  waiting(): number;
  /** Writes what is buffered now. */
  flush(): void;
  readonly counters: FlashQueueCounters;
}

/** A message with the id of the segment that holds it. */
interface StoredMessage extends OutgoingMessage {
  segment?: number;
}

/** Most characters per StorageFile write: one chunk (992 data bytes on 2v29). */
const WRITE_CHARACTERS = 992;
const FLAG_RETAIN = 4;
const FLAG_BASE64 = 8;

/**
 * Bytes as a binary string, 256 at a time: Espruino's `apply` takes at most
 * 256 arguments, and its `subarray` does not clamp the end to the length
 * (2v29: `new Uint8Array(3).subarray(0, 256).length` is 256).
 */
function bytesToString(bytes: Uint8Array): string {
  let text = "";
  for (let start = 0; start < bytes.length; start += 256) {
    text += String.fromCharCode.apply(null, bytes.subarray(start, Math.min(bytes.length, start + 256)) as unknown as number[]);
  }
  return text;
}

function stringToBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let index = 0; index < text.length; index++) bytes[index] = text.charCodeAt(index);
  return bytes;
}

function escapeCharacter(character: string): string {
  return "\\u" + ("000" + character.charCodeAt(0).toString(16)).slice(-4);
}

/** One line for `message` (ASCII, "\n" ended). Espruino's JSON.stringify already escapes non-ASCII; V8's does not. */
export function encodeEntry(message: OutgoingMessage): string {
  const payload = message.payload;
  const binary = typeof payload != "string";
  const flags = message.qos | (message.retain ? FLAG_RETAIN : 0) | (binary ? FLAG_BASE64 : 0);
  return JSON.stringify([message.topic, binary ? btoa(bytesToString(payload)) : payload, flags]).replace(/[\u007f-\uffff]/g, escapeCharacter) + "\n";
}

/** The message a line holds, or null when it does not parse as one. */
export function decodeEntry(line: string): OutgoingMessage | null {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch (error) {
    return null;
  }
  if (!Array.isArray(entry) || entry.length != 3 || typeof entry[0] != "string" || typeof entry[1] != "string" || typeof entry[2] != "number") return null;
  const flags: number = entry[2];
  const qos = flags & 3;
  if (qos < 1 || qos > 2 || flags > 15) return null;
  let payload: string | Uint8Array = entry[1];
  if (flags & FLAG_BASE64) {
    try {
      payload = stringToBytes(atob(entry[1]));
    } catch (error) {
      return null;
    }
  }
  return { topic: entry[0], payload, qos, retain: (flags & FLAG_RETAIN) > 0, dup: false, packetId: 0, state: 0, unsent: true };
}

/** Checks the options (throws naming the bad one) and returns a queue with nothing loaded yet, feeding `take`. */
export function createFlashQueue(storage: QueueStorage, clock: Clock, options: FlashQueueOptions, take: Take): FlashQueue {
  if (!/^\w+$/.test(options.prefix) || options.prefix.length > 16) throw new Error("flash queue: prefix must be 1-16 letters, digits or _, got " + JSON.stringify(options.prefix));
  if (!(options.segmentMessages >= 1 && options.maxSegments >= 1 && options.batchMessages >= 1 && options.batchMilliseconds >= 0)) {
    throw new Error("flash queue: need segmentMessages, maxSegments, batchMessages >= 1 and batchMilliseconds >= 0");
  }
  const prefix = options.prefix + ".";
  const counters: FlashQueueCounters = { written: 0, dropped: 0, batches: 0, corrupt: 0 };
  /** Added, not yet written, oldest first. */
  const pending: StoredMessage[] = [];
  /** Segments oldest first: id, entries held, entries acknowledged. */
  const segmentIds: number[] = [];
  const segmentCounts: number[] = [];
  const segmentAcknowledged: number[] = [];
  let nextId = 0;
  /** Open for appending to the newest segment, or null. */
  let appendFile: QueueFile | null = null;
  /** The newest segment may end in a line cut by power loss (after a boot): start the next write with "\n". */
  let torn = false;
  let timer: unknown = null;
  /** The log's last `waiting` entries are not handed to the client yet. */
  let waiting = 0;
  /** Where the last read from flash stopped: segment id, lines read (empty and corrupt ones too), messages among them. */
  let readId = -1;
  let readLines = 0;
  let readCount = 0;
  /** The read position after the message oldestWaiting() last read from flash. */
  let readNext = 0;

  function fileName(id: number): string {
    return prefix + id.toString(36);
  }

  /** Entries in flash, acknowledged or not. */
  function inFlash(): number {
    let total = 0;
    for (let index = 0; index < segmentCounts.length; index++) total += segmentCounts[index]!;
    return total;
  }

  /** Erases the segment at `position`: waiting entries in it are gone, and with `lost` its unacknowledged ones count as dropped. */
  function eraseSegment(position: number, lost: boolean): void {
    const count = segmentCounts[position]!;
    let after = 0;
    for (let index = position + 1; index < segmentCounts.length; index++) after += segmentCounts[index]!;
    // the waiting entries in flash are its last ones
    waiting -= Math.min(count, Math.max(0, waiting - pending.length - after));
    if (lost) counters.dropped += count - segmentAcknowledged[position]!;
    if (segmentIds[position] == readId) readId = -1;
    storage.open(fileName(segmentIds[position]!), "r").erase();
    if (position == segmentIds.length - 1) appendFile = null;
    segmentIds.splice(position, 1);
    segmentCounts.splice(position, 1);
    segmentAcknowledged.splice(position, 1);
  }

  /** Appends `count` pending messages to the newest segment as one batch. */
  function writeBatch(count: number): void {
    const last = segmentIds.length - 1;
    let text = torn ? "\n" : "";
    for (let index = 0; index < count; index++) text += encodeEntry(pending[index]!);
    // the waiting ones among them: pending ends with min(waiting, pending.length) of them
    const waitingInBatch = Math.max(0, Math.min(waiting, pending.length) - pending.length + count);
    const batch = pending.splice(0, count);
    try {
      if (!appendFile) appendFile = storage.open(fileName(segmentIds[last]!), "a");
      for (let start = 0; start < text.length; start += WRITE_CHARACTERS) appendFile.write(text.substr(start, WRITE_CHARACTERS));
    } catch (error) {
      torn = true;
      appendFile = null;
      counters.dropped += count;
      waiting -= waitingInBatch;
      return;
    }
    torn = false;
    for (let index = 0; index < count; index++) batch[index]!.segment = segmentIds[last];
    segmentCounts[last] += count;
    counters.written += count;
    counters.batches++;
  }

  function write(): void {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    while (pending.length) {
      const last = segmentIds.length - 1;
      if (last < 0 || segmentCounts[last]! >= options.segmentMessages) {
        if (segmentIds.length >= options.maxSegments) eraseSegment(0, true);
        appendFile = null;
        torn = false;
        segmentIds.push(nextId++);
        segmentCounts.push(0);
        segmentAcknowledged.push(0);
        continue;
      }
      writeBatch(Math.min(pending.length, options.segmentMessages - segmentCounts[last]!));
    }
  }

  /**
   * The oldest waiting message: from the RAM buffer, or read from flash (its
   * segment id in `segment`, the read position after it in `readNext`), or
   * null when its line is gone from flash.
   */
  function oldestWaiting(): StoredMessage | null {
    if (waiting <= pending.length) return pending[pending.length - waiting]!;
    // its index among the messages of its segment
    let skip = inFlash() - waiting + pending.length;
    let position = 0;
    while (skip >= segmentCounts[position]!) skip -= segmentCounts[position++]!;
    const id = segmentIds[position]!;
    if (id != readId || readCount > skip) {
      readId = id;
      readLines = 0;
      readCount = 0;
    }
    const file = storage.open(fileName(id), "r");
    for (let line = 0; line < readLines; line++) file.readLine();
    readNext = readLines;
    let line = file.readLine();
    while (line !== undefined) {
      readNext++;
      // an empty line starts each boot's first batch; a corrupt one was counted at load
      const message: StoredMessage | null = line == "\n" ? null : decodeEntry(line);
      if (message) {
        if (readCount == skip) {
          message.segment = id;
          return message;
        }
        readCount++;
        readLines = readNext;
      }
      line = file.readLine();
    }
    return null;
  }

  function feed(): void {
    while (waiting) {
      const message = oldestWaiting();
      if (message) {
        if (!take([message])) return;
        if (message.segment == readId) {
          readLines = readNext;
          readCount++;
        }
      } else counters.dropped++;
      waiting--;
    }
  }

  function add(message: OutgoingMessage): void {
    pending.push(message);
    waiting++;
    feed();
    if (pending.length >= options.batchMessages) write();
    else if (timer === null) timer = clock.setTimeout(write, options.batchMilliseconds);
  }

  function remove(message: StoredMessage): void {
    const index = pending.indexOf(message);
    if (index >= 0) pending.splice(index, 1);
    else {
      // a message whose segment was evicted (or one this queue never held) counts nowhere
      const position = segmentIds.indexOf(message.segment!);
      message.segment = -1;
      if (position >= 0 && ++segmentAcknowledged[position]! >= segmentCounts[position]!) eraseSegment(position, false);
    }
    feed();
  }

  /** Counts one segment's messages; erases it when it held none that parse. */
  function loadSegment(id: number): void {
    const file = storage.open(fileName(id), "r");
    let count = 0;
    let line = file.readLine();
    while (line !== undefined) {
      if (line != "\n") {
        if (decodeEntry(line)) count++;
        else counters.corrupt++;
      }
      line = file.readLine();
    }
    if (count) {
      segmentIds.push(id);
      segmentCounts.push(count);
      segmentAcknowledged.push(0);
      waiting += count;
    } else file.erase();
  }

  function load(): void {
    const ids: number[] = [];
    const names = storage.list(undefined, { sf: true });
    for (let index = 0; index < names.length; index++) {
      const name = names[index]!;
      const id = parseInt(name.substr(prefix.length), 36);
      if (name.substr(0, prefix.length) == prefix && id >= 0 && fileName(id) == name) ids.push(id);
    }
    ids.sort((first, second) => first - second);
    for (let index = 0; index < ids.length; index++) {
      loadSegment(ids[index]!);
      nextId = ids[index]! + 1;
    }
    torn = true;
    feed();
  }

  return {
    store: {
      add: function () {},
      remove,
    },
    add,
    feed,
    load,
    waiting: function () {
      return waiting;
    },
    flush: write,
    counters,
  };
}
