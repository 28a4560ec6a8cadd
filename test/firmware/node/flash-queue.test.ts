/**
 * The flash queue (firmware/node/flash-queue.ts) over the emulated Storage:
 * batching, order across power loss, acknowledgements, the bound, the
 * payloads it refuses, corrupt lines; its bundle in the emulated interpreter; and the
 * real client restoring from it into a real broker after a "reboot".
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { MqttClient as PeerClient } from "mqtt";
import type { OutgoingMessage } from "../../../firmware/mqtt/client.ts";
import { createFlashQueue, decodeEntry, type FlashQueue, type FlashQueueOptions, type QueueFile, type QueueStorage } from "../../../firmware/node/flash-queue.ts";
import { bundleForEspruino, type EspruinoBundle } from "../../../scripts/espruino-esbuild.ts";
import { checkBundle, formatViolations } from "../../../scripts/gate/index.ts";
import { LOOPBACK, preferredBroker, type Broker } from "../../../sim/brokers.ts";
import { VirtualClock } from "../../../sim/clock.ts";
import { FlashStorage } from "../../../sim/espruino/modules/storage.ts";
import { nodeClock } from "../../../sim/mqtt/node-transport.ts";
import { cleanUp, environment } from "../../sim/espruino/helpers.ts";
import { Opened, connectPeer, createTestClient, testOptions, waitFor } from "../mqtt/integration-kit.ts";

const TOPIC = "mote/n1/telemetry";
const OPTIONS: FlashQueueOptions = { prefix: "mq", topic: TOPIC, segmentMessages: 4, maxSegments: 3, batchMessages: 3, batchMilliseconds: 1000 };

/** The emulated `require("Storage")` of a new ESP8266 environment on `flash` (a new one is a reboot), counting StorageFile writes. */
function storageOn(flash: FlashStorage): QueueStorage & { writes: number } {
  const storage = environment("esp8266", { storage: flash }).run('require("Storage")') as QueueStorage;
  const counted = {
    writes: 0,
    open(name: string, mode: "r" | "a"): QueueFile {
      const file = storage.open(name, mode);
      return {
        write(data) {
          counted.writes++;
          file.write(data);
        },
        readLine: () => file.readLine(),
        erase: () => file.erase(),
      };
    },
    list: (pattern: undefined, options: { sf: boolean }) => [...storage.list(pattern, options)],
  };
  return counted;
}

/** A report payload named `name` (what the node adds is the JSON of its report). */
function report(name: string): string {
  return JSON.stringify({ id: name, t: -1.5, ok: true });
}

/** The names of the reports `messages` hold, each checked to be on the queue's topic and not retained. */
function names(messages: OutgoingMessage[]): string[] {
  return messages.map((each) => {
    assert.equal(each.topic, TOPIC);
    assert.equal(each.retain, false);
    return (JSON.parse(each.payload as string) as { id: string }).id;
  });
}

/**
 * Stands in for the client's `restore`: holds what it takes (until `ack`)
 * while it holds fewer than `room`; `taken` lists everything it ever took.
 */
class Consumer {
  held: OutgoingMessage[] = [];
  taken: OutgoingMessage[] = [];
  queue: FlashQueue | null = null;
  constructor(public room = Infinity) {}
  take = (message: OutgoingMessage): boolean => {
    if (this.held.length >= this.room) return false;
    this.held.push(message);
    this.taken.push(message);
    return true;
  };
  /** Acknowledges the `count` oldest held messages, as the client does on PUBACK. */
  ack(count = 1): void {
    for (let index = 0; index < count; index++) this.queue!.store.remove(this.held.shift()!);
  }
}

/** A queue on `storage` feeding `consumer` (an unbounded one by default), not loaded yet. */
function queueOn(storage: QueueStorage, consumer = new Consumer(), options = OPTIONS, clock = new VirtualClock()): FlashQueue {
  consumer.queue = createFlashQueue(storage, clock, options, consumer.take);
  return consumer.queue;
}

/** What a reboot on `flash` hands an unbounded client, oldest first. */
function reloaded(flash: FlashStorage, options = OPTIONS): OutgoingMessage[] {
  const consumer = new Consumer();
  queueOn(storageOn(flash), consumer, options).load();
  return consumer.taken;
}

describe("flash queue", () => {
  afterEach(cleanUp);

  it("writes a batch of batchMessages adds as one flash write, or batchMilliseconds after the first", () => {
    const clock = new VirtualClock();
    const storage = storageOn(new FlashStorage(196608));
    const queue = queueOn(storage, new Consumer(), OPTIONS, clock);
    queue.load();
    queue.add(report("a"), 1);
    queue.add(report("b"), 1);
    assert.equal(storage.writes, 0);
    queue.add(report("c"), 1);
    assert.equal(storage.writes, 1);
    queue.add(report("d"), 1);
    clock.advance(999);
    assert.equal(storage.writes, 1);
    clock.advance(1);
    assert.equal(storage.writes, 2);
    assert.deepEqual(queue.counters, { written: 4, dropped: 0, batches: 2, corrupt: 0 });
  });

  it("hands each message to the client as it is added; flush() writes at once; one acknowledged before its batch never reaches flash", () => {
    const flash = new FlashStorage(196608);
    const storage = storageOn(flash);
    const consumer = new Consumer();
    const queue = queueOn(storage, consumer);
    queue.load();
    queue.add(report("early"), 1);
    queue.add(report("kept"), 1);
    assert.deepEqual(names(consumer.taken), ["early", "kept"]);
    assert.equal(queue.waiting(), 0);
    consumer.ack();
    queue.flush();
    assert.equal(storage.writes, 1);
    assert.deepEqual(names(reloaded(flash)), ["kept"]);
  });

  it("the client's own messages (store.add) are not kept", () => {
    const flash = new FlashStorage(196608);
    const queue = queueOn(storageOn(flash));
    queue.load();
    queue.store.add({ topic: "mote/n1/status", payload: "online", qos: 1, retain: true, dup: false, packetId: 0, state: 0, unsent: true });
    queue.flush();
    assert.deepEqual(flash.names(), []);
  });

  it("returns what flash holds after a power loss, oldest first, across segments, on the queue's topic", () => {
    const flash = new FlashStorage(196608);
    const queue = queueOn(storageOn(flash));
    queue.load();
    for (let index = 0; index < 7; index++) queue.add(report("p" + index), 1 + (index % 2));
    queue.flush();
    assert.equal(storageOn(flash).open("mq.0", "r").readLine(), "1" + report("p0") + "\n", "a line is the QoS digit and the payload, no topic");
    const restored = reloaded(flash);
    assert.deepEqual(restored.map((each) => [each.topic, each.payload, each.retain, each.qos]), [0, 1, 2, 3, 4, 5, 6].map((index) => [TOPIC, report("p" + index), false, 1 + (index % 2)]));
    // no sending state of its own: the client's restore sets it (client-store.test.ts: fresh ids, no DUP), as for its own publish
    assert.ok(restored.every((each) => [each.state, each.unsent, each.dup, each.packetId].every((field) => field === undefined)));
  });

  it("erases a segment once all its entries are acknowledged; a partly acknowledged one comes back whole (at least once)", () => {
    const flash = new FlashStorage(196608);
    const storage = storageOn(flash);
    const consumer = new Consumer();
    const queue = queueOn(storage, consumer);
    queue.load();
    for (let index = 0; index < 6; index++) queue.add(report("m" + index), 1);
    queue.flush();
    assert.deepEqual(storage.list(undefined, { sf: true }).sort(), ["mq.0", "mq.1"]);
    consumer.ack(5);
    assert.deepEqual(storage.list(undefined, { sf: true }), ["mq.1"]);
    assert.deepEqual(names(reloaded(flash)), ["m4", "m5"]);
    consumer.ack();
    assert.deepEqual(storage.list(undefined, { sf: true }), []);
  });

  it("keeps maxSegments segments: the oldest is erased; what the client holds of it is not lost, so not counted as dropped", () => {
    const flash = new FlashStorage(196608);
    const options = { ...OPTIONS, segmentMessages: 2, maxSegments: 2 };
    const consumer = new Consumer();
    const queue = queueOn(storageOn(flash), consumer, options);
    queue.load();
    queue.add(report("m0"), 1);
    queue.add(report("m1"), 1);
    queue.flush();
    consumer.ack();
    for (let index = 2; index < 7; index++) queue.add(report("m" + index), 1);
    queue.flush();
    assert.deepEqual(names(reloaded(flash, options)), ["m4", "m5", "m6"], "m1, m2 and m3 are gone from flash");
    assert.equal(queue.counters.dropped, 0, "the client took m1..m6 before their segments went");
    while (consumer.held.length) consumer.ack();
    assert.deepEqual(names(consumer.taken), ["m0", "m1", "m2", "m3", "m4", "m5", "m6"], "all sent");
    assert.deepEqual(storageOn(flash).list(undefined, { sf: true }), [], "the last segment acknowledged and erased");
  });

  it("an outage longer than the client's queue: the rest waits in flash and goes to the client in order as acknowledgements make room", () => {
    const flash = new FlashStorage(196608);
    const storage = storageOn(flash);
    const consumer = new Consumer(3);
    const options = { ...OPTIONS, segmentMessages: 4, maxSegments: 8 };
    const queue = queueOn(storage, consumer, options);
    queue.load();
    for (let index = 0; index < 20; index++) {
      queue.add(report("m" + index), 1);
      queue.flush();
    }
    assert.deepEqual(names(consumer.taken), ["m0", "m1", "m2"]);
    assert.equal(queue.waiting(), 17);
    const reads = storage.writes;
    while (consumer.held.length) consumer.ack();
    assert.deepEqual(names(consumer.taken), [...Array(20).keys()].map((index) => "m" + index));
    assert.equal(queue.waiting(), 0);
    assert.equal(storage.writes, reads, "feeding reads flash, it writes nothing");
    assert.deepEqual(storage.list(undefined, { sf: true }), [], "every segment acknowledged and erased");
    assert.deepEqual(queue.counters, { written: 20, dropped: 0, batches: 20, corrupt: 0 });
  });

  it("a reboot in the middle of such an outage hands the oldest unacknowledged segment first, then the rest in order", () => {
    const flash = new FlashStorage(196608);
    const consumer = new Consumer(2);
    const options = { ...OPTIONS, segmentMessages: 4, maxSegments: 8 };
    const queue = queueOn(storageOn(flash), consumer, options);
    queue.load();
    for (let index = 0; index < 12; index++) queue.add(report("m" + index), 1);
    queue.flush();
    consumer.ack(5);
    assert.deepEqual(names(consumer.taken), ["m0", "m1", "m2", "m3", "m4", "m5", "m6"]);
    const after = new Consumer(2);
    const second = queueOn(storageOn(flash), after, options);
    second.load();
    assert.equal(second.waiting(), 6);
    while (after.held.length) after.ack();
    assert.deepEqual(names(after.taken), ["m4", "m5", "m6", "m7", "m8", "m9", "m10", "m11"]);
  });

  it("a batch whose write fails part way (flash full) is dropped, and what of it reached flash never takes the place of later reports", () => {
    const flash = new FlashStorage(196608);
    const storage = storageOn(flash);
    // fails the given write calls, writing nothing then, as a StorageFile's write of one chunk does when flash is full
    const failing = new Set<number>();
    let calls = 0;
    const failingStorage: QueueStorage = {
      open(name, mode) {
        const file = storage.open(name, mode);
        return {
          write(data) {
            if (failing.has(++calls)) throw new Error("Not enough free space");
            file.write(data);
          },
          readLine: () => file.readLine(),
          erase: () => file.erase(),
        };
      },
      list: storage.list,
    };
    // a batch of three such reports is about 1,300 characters: two chunk writes
    const long = (name: string) => JSON.stringify({ id: name, pad: "x".repeat(420) });
    const options = { ...OPTIONS, segmentMessages: 8, maxSegments: 4, batchMessages: 3 };
    for (const [label, failed] of [["in a segment of its own", [2]], ["after reports the segment holds", [4]]] as const) {
      const consumer = new Consumer(0);
      const queue = queueOn(failingStorage, consumer, options);
      for (const name of storage.list(undefined, { sf: true })) storage.open(name, "r").erase();
      calls = 0;
      failing.clear();
      for (const call of failed) failing.add(call);
      queue.load();
      const batches = label == "in a segment of its own" ? [["a0", "a1", "a2"], ["b0", "b1", "b2"]] : [["z0", "z1", "z2"], ["a0", "a1", "a2"], ["b0", "b1", "b2"]];
      for (const batch of batches) for (const name of batch) queue.add(long(name), 1);
      assert.equal(queue.counters.dropped, 3, label);
      const kept = label == "in a segment of its own" ? ["b0", "b1", "b2"] : ["z0", "z1", "z2", "b0", "b1", "b2"];
      assert.equal(queue.waiting(), kept.length, label);
      consumer.room = Infinity;
      queue.feed();
      assert.deepEqual(names(consumer.taken), kept, label);
      consumer.ack(kept.length);
      assert.equal(queue.waiting(), 0, label);
    }
  });

  it("a failed batch write counts as dropped only the reports the client has not taken; the ones it holds are still sent", () => {
    const flash = new FlashStorage(196608);
    const storage = storageOn(flash);
    const full: QueueStorage = {
      open(name, mode) {
        const file = storage.open(name, mode);
        return { write() { throw new Error("Not enough free space"); }, readLine: () => file.readLine(), erase: () => file.erase() };
      },
      list: storage.list,
    };
    const consumer = new Consumer(1);
    const queue = queueOn(full, consumer, { ...OPTIONS, batchMessages: 3 });
    queue.load();
    for (const name of ["m0", "m1", "m2"]) queue.add(report(name), 1);
    assert.equal(queue.counters.written, 0);
    assert.equal(queue.counters.dropped, 2, "m1 and m2 are lost; m0 is in the client");
    assert.equal(queue.waiting(), 0);
    consumer.ack();
    assert.deepEqual(names(consumer.taken), ["m0"]);
    assert.deepEqual(storage.list(undefined, { sf: true }), [], "nothing left in flash");
  });

  it("evicting a segment drops its waiting entries and feeding goes on with the oldest left", () => {
    const flash = new FlashStorage(196608);
    const consumer = new Consumer(1);
    const options = { ...OPTIONS, segmentMessages: 2, maxSegments: 3 };
    const queue = queueOn(storageOn(flash), consumer, options);
    queue.load();
    for (let index = 0; index < 10; index++) {
      queue.add(report("m" + index), 1);
      queue.flush();
    }
    assert.equal(queue.counters.dropped, 3, "m1..m3 went with the two oldest segments (m0 is in the client, not lost)");
    assert.equal(queue.waiting(), 6);
    while (consumer.held.length) consumer.ack();
    assert.deepEqual(names(consumer.taken), ["m0", "m4", "m5", "m6", "m7", "m8", "m9"], "m0 was in the client already");
  });

  it("refuses and counts, writing nothing, a payload that would not read back: not a JSON object text of printable ASCII, or QoS not 1 or 2", () => {
    const flash = new FlashStorage(196608);
    const consumer = new Consumer();
    const queue = queueOn(storageOn(flash), consumer);
    queue.load();
    const refused = ['{"a":"\u00ff"}', '{"a":"\u00e9"}', '{"a":"\u2603"}', '{"a":\n1}', '{"a":1}\n', '{"a":"\u0000"}', '"text"', "[1]", '{"a":1', '{"t":-', "{not json}", ""];
    for (const payload of refused) queue.add(payload, 1);
    queue.add(report("q0"), 0);
    queue.add(report("q3"), 3);
    queue.add(report("kept"), 2);
    queue.flush();
    assert.deepEqual(queue.counters, { written: 1, dropped: refused.length + 2, batches: 1, corrupt: 0 });
    assert.deepEqual(names(consumer.taken), ["kept"], "a refused one never reaches the client either");
    for (const name of flash.names()) assert.ok(!flash.read(name)!.replace(/\xff+$/, "").includes("\xff"), name);
    const restored = reloaded(flash);
    assert.deepEqual(restored.map((each) => [each.payload, each.qos]), [[report("kept"), 2]]);
  });

  it("reads a line as a QoS digit 1 or 2, then a JSON object text of printable ASCII ending in }, then an optional newline", () => {
    // the client's restore sets the sending state (state, unsent, packetId; dup as it goes out), as for its own publish
    assert.deepEqual(decodeEntry('2{"a":{"b":-1}}\n', "t"), { topic: "t", payload: '{"a":{"b":-1}}', qos: 2, retain: false });
    assert.equal(decodeEntry('1{"a":1}', "t")?.payload, '{"a":1}', "a file's last line may lack its newline");
    // Espruino 2v29's JSON.parse takes a text cut after "-" ('{"t":-'), and trailing characters; V8's takes trailing spaces
    for (const line of ['1{"a":1} \n', '1{"a":1}}x\n', '1{"a":{"b":1}\n', '1{"a":1,"b":-\n', '0{"a":1}\n', '3{"a":1}\n', '{"a":1}\n', '1{"a":"\u00ff"}\n', "1[1]\n", "\n", ""]) {
      assert.equal(decodeEntry(line, "t"), undefined, JSON.stringify(line));
    }
  });

  it("skips and counts corrupt lines and a line cut by power loss, without losing the next batch", () => {
    const flash = new FlashStorage(196608);
    const storage = storageOn(flash);
    const queue = queueOn(storage);
    queue.load();
    queue.add(report("a"), 1);
    queue.flush();
    // a cut line (its write lost power), a line of garbage, a QoS of 3, a good one, a line cut after a "-" (which Espruino's JSON.parse takes)
    storage.open("mq.0", "a").write("1" + report("b").slice(0, 9) + "\n{not json\n3" + report("x") + "\n1" + report("c") + "\n1" + report("cut").slice(0, 17));
    const consumer = new Consumer(1);
    const second = queueOn(storageOn(flash), consumer);
    second.load();
    assert.equal(second.counters.corrupt, 4);
    second.add(report("d"), 1);
    second.flush();
    while (consumer.held.length) consumer.ack();
    assert.deepEqual(names(consumer.taken), ["a", "c", "d"], "read back from flash past the corrupt lines");
    const third = new Consumer();
    const again = queueOn(storageOn(flash), third);
    again.load();
    assert.deepEqual(names(third.taken), []);
    assert.equal(again.counters.corrupt, 0, "every segment was acknowledged and erased");
  });
});

const QUEUE = fileURLToPath(new URL("../../../firmware/node/flash-queue.ts", import.meta.url));
const CLIENT = fileURLToPath(new URL("../../../firmware/mqtt/client.ts", import.meta.url));

/** Device code: print what flash holds (all of it handed at load), then queue five more (one QoS 2) and one it refuses while the "client" has no room, and flush. */
const ENTRY = `
import { createFlashQueue, type QueueStorage } from "${QUEUE}";
import type { OutgoingMessage } from "${CLIENT}";
const clock = { now: () => Date.now(), setTimeout: (callback: () => void, milliseconds: number): unknown => setTimeout(callback, milliseconds), clearTimeout: (handle: unknown) => clearTimeout(handle as number) };
let room = true;
let loaded = 0;
function take(message: OutgoingMessage): boolean {
  if (!room) return false;
  console.log(message.topic + " " + message.qos + " " + message.payload);
  loaded++;
  return true;
}
const queue = createFlashQueue(require("Storage") as unknown as QueueStorage, clock, { prefix: "mq", topic: "t", segmentMessages: 4, maxSegments: 4, batchMessages: 8, batchMilliseconds: 2000 }, take);
queue.load();
room = false;
const boot = loaded;
for (let index = 0; index < 4; index++) queue.add('{"n":' + (boot + index) + '}', 1);
queue.add('{"n":"q2","t":-' + boot + '.5}', 2);
queue.add('{"n":\\n1}', 1);
queue.flush();
console.log(queue.waiting() + " " + JSON.stringify(queue.counters));
`;

describe("flash queue bundle", () => {
  let bundle: EspruinoBundle;

  before(async () => {
    const directory = mkdtempSync(join(tmpdir(), "mote-flash-queue-"));
    const entry = join(directory, "entry.ts");
    writeFileSync(entry, ENTRY);
    bundle = await bundleForEspruino({ entry });
  });

  afterEach(cleanUp);

  it("passes the gate and keeps its messages across a power loss in the emulated interpreter", () => {
    const violations = checkBundle(bundle.code, bundle.map);
    assert.deepEqual(violations, [], formatViolations(violations));
    const flash = new FlashStorage(196608);
    const first = environment("esp8266", { storage: flash });
    first.run(bundle.code, "entry.js");
    assert.deepEqual(first.errors, []);
    assert.deepEqual(first.output, ['5 {"written":5,"dropped":1,"batches":2,"corrupt":0}']);
    const second = environment("esp8266", { storage: flash });
    second.run(bundle.code, "entry.js");
    assert.deepEqual(second.errors, []);
    assert.deepEqual(second.output, ['t 1 {"n":0}', 't 1 {"n":1}', 't 1 {"n":2}', 't 1 {"n":3}', 't 2 {"n":"q2","t":-0.5}', '5 {"written":5,"dropped":1,"batches":2,"corrupt":0}']);
  });
});

describe("flash queue with the client and a real broker", function () {
  this.timeout(20000);
  const opened = new Opened();
  let broker: Broker;

  afterEach(async () => {
    await opened.closeAll();
    await cleanUp();
  });

  it("publishes offline beyond the client's queue, reboots, feeds the client from flash and delivers all in order", async () => {
    broker = await preferredBroker().start({ persistence: false });
    opened.add(() => broker.stop());
    const endpoint = { host: LOOPBACK, port: broker.port };
    const flash = new FlashStorage(196608);
    const options = { prefix: "mq", topic: "flash/reports", segmentMessages: 8, maxSegments: 4, batchMessages: 5, batchMilliseconds: 100000 };
    const connect = { clientId: "flash-queue", cleanSession: true, keepalive: 30 };
    const small = { queueMessages: 4, inflightWindow: 2 };

    const before = createTestClient(opened, testOptions(endpoint, connect, small));
    const firstQueue = createFlashQueue(storageOn(flash), nodeClock, options, before.client.restore);
    before.client.store = firstQueue.store;
    firstQueue.load();
    for (let index = 0; index < 12; index++) firstQueue.add('{"n":' + index + "}", 1);
    firstQueue.flush();
    assert.equal(firstQueue.counters.written, 12);
    assert.equal(before.client.queue.length, 4);
    assert.equal(firstQueue.waiting(), 8);
    assert.equal(before.client.counters.dropped, 0, "nothing refused");

    const peer: PeerClient = await connectPeer(opened, endpoint, "flash-peer", true);
    const received: string[] = [];
    peer.on("message", (topic, payload) => received.push(topic + " " + payload.toString()));
    await peer.subscribeAsync("flash/reports", { qos: 1 });

    const storage = storageOn(flash);
    const after = createTestClient(opened, testOptions(endpoint, connect, small));
    const secondQueue = createFlashQueue(storage, nodeClock, options, after.client.restore);
    after.client.store = secondQueue.store;
    secondQueue.load();
    after.client.start();
    const expected = [...Array(12).keys()].map((index) => `flash/reports {"n":${index}}`);
    await waitFor(() => received.length >= 12 && after.client.queue.length == 0, 10000, () => `12 messages, got ${received.length}`);
    assert.deepEqual(received, expected);
    assert.equal(secondQueue.waiting(), 0);
    assert.deepEqual(storage.list(undefined, { sf: true }), []);
  });
});
