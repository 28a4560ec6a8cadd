/**
 * The node's QoS 1/2 telemetry in flash, so that it survives disconnections,
 * outages longer than the client's RAM queue, reboots and power loss: a log
 * over Espruino's appendable StorageFiles (`require("Storage").open`) that
 * feeds the MQTT client as it has room.
 *
 * It keeps only what the node puts in it: reports on one topic (the
 * node's telemetry topic, given once in the options and never stored),
 * never retained. A segmented, append-only log. Each segment is one
 * StorageFile, `<prefix>.<id in base 36>`, holding up to `segmentMessages`
 * messages, one line each: the QoS digit, the payload, "\n"
 * (`1{"boot":3,"seq":7,...}\n`). A payload must be a JSON object text of
 * printable ASCII (0x20-0x7E), as the node's report is: its keys are
 * sensor names (`[a-z0-9_-]`) and fixed fields, its values numbers,
 * booleans and objects of them, and Espruino's JSON.stringify escapes
 * control and non-ASCII characters in a string (é as `\u00E9`: 2v29).
 * So a line never holds "\n" within it, nor the byte 0xFF, which marks the
 * end of a StorageFile (a 0xFF written into one hides everything after it:
 * measured on 2v29). `add` refuses (and counts as dropped) a payload that is
 * not such a text rather than write a line that would not read back.
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
 * are that many first erases the oldest: its waiting entries are gone,
 * counted as `dropped`; the ones handed to the client stay in its RAM queue
 * and are still sent (lost only if the node reboots before their
 * acknowledgement). A batch whose write throws (flash full) is dropped the
 * same way; as some of its chunks may be in the file already,
 * the next batch starts a new segment (and a segment that held nothing else
 * is erased), so those lines are never read in place of later ones (after
 * a reboot, those of them that are whole are sent: at least once).
 *
 * At boot `load()` reads every segment line by line (a StorageFile read
 * never maps a whole file into RAM), counts its messages as waiting and
 * feeds the client. A line that is not a QoS digit 1 or 2 and such a
 * payload ending in "}" that JSON.parse takes (a write cut by power loss,
 * flash corruption) is skipped and counted in `corrupt`. A cut line is a
 * proper prefix of a JSON object text, so it never parses, with one
 * exception on 2v29: a prefix ending in "-" (`{"t":-`) parses there
 * (JSON.parse returns undefined, without an error), hence the "}" at the
 * end; a prefix cut right after an inner object (`{"t":{"a":1}`) does not. The first batch after a boot starts
 * with "\n" (an empty line, skipped), so a cut line never swallows the
 * next one. A message the client cannot send (larger
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

/** Sizes, timing and topic of the queue. */
export interface FlashQueueOptions {
  /** File name prefix: 1 to 16 letters, digits or `_` (segments are `<prefix>.<id>`). */
  prefix: string;
  /** The topic of every message (the node's telemetry topic): flash does not hold it. */
  topic: string;
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
  /**
   * Reports lost: erased from flash (queue full) or never written (write
   * failed) before the client took them, or refused by `add`. One the
   * client holds is not counted when its flash copy goes: the client still
   * sends it (only a reboot before its acknowledgement loses it, and that
   * resets the counters too).
   */
  dropped: number;
  /** Appends to flash: one per batch, one more per segment a batch fills (each up to 992 characters per StorageFile write). */
  batches: number;
  /** Lines in flash that could not be read back, skipped. */
  corrupt: number;
}

/** Takes a message, offered oldest first, and says whether it took it (the client's `restore`). */
export type Take = (message: OutgoingMessage) => boolean;

/** The flash queue: `add` the node's QoS 1/2 telemetry, hand `store` to the client, `load()` at boot, `flush()` before sleeping. */
export interface FlashQueue {
  /** For `client.store`: `remove` counts an acknowledgement and feeds the client; `add` keeps nothing (see the file comment). */
  store: MessageStore;
  /**
   * Appends a report on the queue's topic to the log, not retained, then
   * feeds the client. `payload` must be a JSON object text of printable
   * ASCII (no "\n", see the file comment) and `qos` 1 or 2; anything else
   * is refused and counted as dropped.
   */
  add(payload: string, qos: number): void;
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

/**
 * The message on `topic` that `line` holds (the QoS digit, the payload, an
 * optional "\n"), not retained, or undefined when it is corrupt (see the
 * file comment). The queue's `add` checks a payload the same way, so every
 * line it writes reads back. Like the client's own `publish`, it leaves the
 * sending state (`state`, `unsent`, `packetId`, `dup`) to the client, whose
 * `restore` sets it.
 */
export function decodeEntry(line: string, topic: string): OutgoingMessage | undefined {
  const payload = line.replace("\n", "").substr(1);
  // QoS 1 or 2, "{", printable ASCII (" " to "~"), "}" (one regular expression on the line without its "\n":
  // Espruino 2v29 never matches /\n?$/, measured on the Linux build; no \uXXXX either, read there as the letters)
  if (/^[12]\{[ -~]*\}$/.test(line[0] + payload)) {
    try {
      JSON.parse(payload);
      return { topic, payload, qos: +line[0]!, retain: false } as OutgoingMessage;
    } catch (error) {
      // a cut or garbled line
    }
  }
  return undefined;
}

/**
 * A queue with nothing loaded yet, feeding `take`. The options are the
 * firmware's own constants, so they are not checked.
 */
export function createFlashQueue(storage: QueueStorage, clock: Clock, options: FlashQueueOptions, take: Take): FlashQueue {
  const counters: FlashQueueCounters = { written: 0, dropped: 0, batches: 0, corrupt: 0 };
  /** Added, not yet written, oldest first. */
  const pending: StoredMessage[] = [];
  /** Segments oldest first, three numbers each (one array costs less heap than three): entries held, entries acknowledged, id. */
  const segments: number[] = [];
  /** Entries in flash, acknowledged or not: the sum of the segments' counts. */
  let stored = 0;
  let nextId = 0;
  /**
   * 1: the newest segment may end in a line cut by power loss (after a
   * boot), so the next write starts with "\n"; 2: it may end in part of a
   * batch whose write failed, lines it does not count, so the next batch
   * starts a new segment (appended after them, its lines would be read in
   * place of its own); 0: neither.
   */
  let torn = 0;
  /** The batch timer, 0 for none (timers are numbered from 1; 0 costs no heap variable, unlike null). */
  let timer: unknown = 0;
  /** The log's last `waiting` entries are not handed to the client yet. */
  let waiting = 0;
  /**
   * Where the last read from flash stopped: segment id, lines read (empty
   * and corrupt ones too), messages among them. Ids are never used again,
   * so a cursor left on an erased segment matches none; and 0 lines of
   * segment 0 is the start of that segment, wherever it is.
   */
  let readId = 0;
  let readLines = 0;
  let readCount = 0;

  const fileName = (id: number): string => options.prefix + "." + id.toString(36);

  /**
   * Erases the segment at `position` (a multiple of 3). Its waiting entries
   * are for the caller to count: a segment whose entries are all
   * acknowledged has none.
   */
  const eraseSegment = (position: number): void => {
    storage.open(fileName(segments[position + 2]!), "r").erase();
    stored -= segments.splice(position, 3)[0]!;
  };

  /** Appends the pending messages to the newest segment, a batch per segment, starting new ones (and erasing the oldest, its waiting entries dropped) as they fill. */
  const write = (): void => {
    if (timer) clock.clearTimeout(timer);
    timer = 0;
    while (pending.length) {
      const last = segments.length - 3;
      // waiting entries this step erases or fails to write (none when 0 or less), dropped at its end
      let lost = 0;
      if (last < 0 || torn > 1 || segments[last]! >= options.segmentMessages) {
        if (segments.length >= options.maxSegments * 3) {
          // the waiting entries in flash are its last ones (never more than it holds); those of the oldest segment are lost (the client holds the others, and may yet deliver them)
          lost = waiting - pending.length - stored + segments[0]!;
          eraseSegment(0);
        }
        torn = 0;
        segments.push(0, 0, nextId++);
      } else {
        const batch = pending.splice(0, options.segmentMessages - segments[last]!);
        const count = batch.length;
        let text = torn ? "\n" : "";
        for (const message of batch) text += message.qos + (message.payload as string) + "\n";
        try {
          // opened per batch: an open StorageFile kept between batches would be heap for as long as the node runs
          const file = storage.open(fileName(segments[last + 2]!), "a");
          for (; text; text = text.substr(WRITE_CHARACTERS)) file.write(text.substr(0, WRITE_CHARACTERS));
          torn = 0;
          for (const message of batch) message.segment = segments[last + 2]!;
          segments[last] += count;
          stored += count;
          counters.written += count;
          counters.batches++;
        } catch (error) {
          // some of its chunks may be written: a segment holding nothing else goes, any other is closed
          torn = 2;
          if (!segments[last]) eraseSegment(last);
          // the waiting ones among them: the log's last `waiting` entries end with what is still pending
          lost = Math.min(waiting - pending.length, count);
        }
      }
      waiting -= lost = Math.max(0, lost);
      counters.dropped += lost;
    }
  };

  /**
   * Hands the oldest waiting message to `take` while it takes them: from the
   * RAM buffer, or read from flash (with its segment id in `segment`), or,
   * when its line is gone from flash, counted as dropped.
   */
  const feed = (): void => {
    while (waiting) {
      // the waiting ones are the log's last: its index in pending, or, when negative, counted back from the end of flash
      let skip = pending.length - waiting;
      // undefined (a negative index) when it is in flash
      let message: StoredMessage | null | undefined = pending[skip];
      if (!message) {
        // `skip` ends as its index among the messages of its segment
        let position = segments.length;
        while (skip < 0) skip += segments[(position -= 3)]!;
        const id = segments[position + 2]!;
        if (id != readId || readCount > skip) {
          readId = id;
          readLines = readCount = 0;
        }
        const file = storage.open(fileName(id), "r");
        for (let index = readLines; index--; ) file.readLine();
        let line: string | undefined;
        // the cursor stops before the message found, which is handed next time if `take` refuses it
        while (!message && (line = file.readLine())) {
          // undefined for the empty line that starts each boot's first batch, and for a corrupt one (counted at load)
          if ((message = decodeEntry(line, options.topic)) && readCount == skip) message.segment = id;
          else {
            readLines++;
            if (message) readCount++;
            message = null;
          }
        }
      }
      if (message) {
        if (!take(message)) return;
        if (message.segment == readId) {
          readLines++;
          readCount++;
        }
      } else counters.dropped++;
      waiting--;
    }
  };

  /** `waiting()`, and the store's `add`: the client's own messages are not kept, and one function that changes nothing costs less heap than two. */
  const count = (): number => waiting;

  return {
    store: {
      add: count,
      remove: (message: StoredMessage): void => {
        const index = pending.indexOf(message);
        // -1 (~index 0) when it is not pending
        if (~index) pending.splice(index, 1);
        // a message whose segment was evicted (or one this queue never held, or a pending one) counts nowhere
        for (let position = 0; position < segments.length; position += 3) if (segments[position + 2] == message.segment && ++segments[position + 1]! >= segments[position]!) eraseSegment(position);
        message.segment = -1;
        feed();
      },
    },
    add: (payload: string, qos: number): void => {
      // the line it would write: a "\n" inside the payload leaves this one last, which fails the check
      const message = decodeEntry(qos + payload + "\n", options.topic);
      if (message) {
        pending.push(message);
        waiting++;
        feed();
        if (pending.length >= options.batchMessages) write();
        else if (!timer) timer = clock.setTimeout(write, options.batchMilliseconds);
      } else counters.dropped++;
    },
    feed,
    load: (): void => {
      const ids: number[] = [];
      for (const name of storage.list(undefined, { sf: true })) {
        // a segment's name has one "." (the prefix has none)
        const id = parseInt(name.split(".")[1]!, 36);
        if (id >= 0 && fileName(id) == name) ids.push(id);
      }
      ids.sort((first, second) => first - second);
      for (const id of ids) {
        // count the segment's messages; erase it when it holds none that parse
        const file = storage.open(fileName(id), "r");
        let count = 0;
        let line: string | undefined;
        while ((line = file.readLine())) {
          if (decodeEntry(line, options.topic)) count++;
          // the empty line that starts a boot's first batch is not corrupt
          else if (line != "\n") counters.corrupt++;
        }
        if (count) {
          segments.push(count, 0, id);
          stored += count;
          waiting += count;
        } else file.erase();
        nextId = id + 1;
      }
      torn = 1;
      feed();
    },
    waiting: count,
    flush: write,
    counters,
  };
}
