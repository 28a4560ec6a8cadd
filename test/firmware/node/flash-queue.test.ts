/**
 * The flash queue (firmware/node/flash-queue.ts) over the emulated Storage:
 * batching, order across power loss, acknowledgements, the bound, binary
 * payloads, corrupt lines; its bundle in the emulated interpreter; and the
 * real client restoring from it into a real broker after a "reboot".
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { MqttClient as PeerClient } from "mqtt";
import type { OutgoingMessage } from "../../../firmware/mqtt/client.ts";
import { createFlashQueue, type FlashQueueOptions, type QueueFile, type QueueStorage } from "../../../firmware/node/flash-queue.ts";
import { bundleForEspruino, type EspruinoBundle } from "../../../scripts/espruino-esbuild.ts";
import { checkBundle, formatViolations } from "../../../scripts/gate/index.ts";
import { LOOPBACK, preferredBroker, type Broker } from "../../../sim/brokers.ts";
import { VirtualClock } from "../../../sim/clock.ts";
import { FlashStorage } from "../../../sim/espruino/modules/storage.ts";
import { nodeClock } from "../../../sim/mqtt/node-transport.ts";
import { cleanUp, environment } from "../../sim/espruino/helpers.ts";
import { Opened, connectPeer, createTestClient, testOptions, waitFor } from "../mqtt/integration-kit.ts";

const OPTIONS: FlashQueueOptions = { prefix: "mq", segmentMessages: 4, maxSegments: 3, batchMessages: 3, batchMilliseconds: 1000 };

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

function message(topic: string, payload: string | Uint8Array = topic, retain = false, qos = 1): OutgoingMessage {
  return { topic, payload, qos, retain, dup: false, packetId: 0, state: 0, unsent: true };
}

function topics(messages: OutgoingMessage[]): string[] {
  return messages.map((each) => each.topic);
}

describe("flash queue", () => {
  afterEach(cleanUp);

  it("writes a batch of batchMessages adds as one flash write, or batchMilliseconds after the first", () => {
    const clock = new VirtualClock();
    const storage = storageOn(new FlashStorage(196608));
    const queue = createFlashQueue(storage, clock, OPTIONS);
    assert.deepEqual(queue.load(), []);
    queue.store.add(message("a"));
    queue.store.add(message("b"));
    queue.store.add(message("zero", "x", false, 0));
    assert.equal(storage.writes, 0);
    queue.store.add(message("c"));
    assert.equal(storage.writes, 1);
    queue.store.add(message("d"));
    clock.advance(999);
    assert.equal(storage.writes, 1);
    clock.advance(1);
    assert.equal(storage.writes, 2);
    assert.deepEqual(queue.counters, { written: 4, dropped: 0, batches: 2, corrupt: 0 });
  });

  it("flush() writes at once; a message acknowledged before its batch never reaches flash", () => {
    const flash = new FlashStorage(196608);
    const storage = storageOn(flash);
    const queue = createFlashQueue(storage, new VirtualClock(), OPTIONS);
    queue.load();
    const early = message("early");
    queue.store.add(early);
    queue.store.add(message("kept"));
    queue.store.remove(early);
    queue.flush();
    assert.equal(storage.writes, 1);
    assert.deepEqual(topics(createFlashQueue(storageOn(flash), new VirtualClock(), OPTIONS).load()), ["kept"]);
  });

  it("returns what flash holds after a power loss, oldest first, across segments", () => {
    const flash = new FlashStorage(196608);
    const queue = createFlashQueue(storageOn(flash), new VirtualClock(), OPTIONS);
    queue.load();
    for (let index = 0; index < 7; index++) queue.store.add(message("t/" + index, "p" + index, index % 2 == 1, 1 + (index % 2)));
    queue.flush();
    const restored = createFlashQueue(storageOn(flash), new VirtualClock(), OPTIONS).load();
    assert.deepEqual(restored.map((each) => [each.topic, each.payload, each.retain, each.qos]), [0, 1, 2, 3, 4, 5, 6].map((index) => ["t/" + index, "p" + index, index % 2 == 1, 1 + (index % 2)]));
    assert.ok(restored.every((each) => each.state == 0 && each.unsent && !each.dup && each.packetId == 0));
  });

  it("erases a segment once all its entries are acknowledged; a partly acknowledged one comes back whole (at least once)", () => {
    const flash = new FlashStorage(196608);
    const storage = storageOn(flash);
    const queue = createFlashQueue(storage, new VirtualClock(), OPTIONS);
    queue.load();
    const sent = [0, 1, 2, 3, 4, 5].map((index) => message("m" + index));
    for (const each of sent) queue.store.add(each);
    queue.flush();
    assert.deepEqual(storage.list(undefined, { sf: true }).sort(), ["mq.0", "mq.1"]);
    for (const each of sent.slice(0, 5)) queue.store.remove(each);
    assert.deepEqual(storage.list(undefined, { sf: true }), ["mq.1"]);
    assert.deepEqual(topics(createFlashQueue(storageOn(flash), new VirtualClock(), OPTIONS).load()), ["m4", "m5"]);
    queue.store.remove(sent[5]!);
    assert.deepEqual(storage.list(undefined, { sf: true }), []);
  });

  it("keeps maxSegments segments: the oldest is erased and its unacknowledged entries counted as dropped", () => {
    const flash = new FlashStorage(196608);
    const options = { ...OPTIONS, segmentMessages: 2, maxSegments: 2 };
    const queue = createFlashQueue(storageOn(flash), new VirtualClock(), options);
    queue.load();
    const sent = [0, 1, 2, 3, 4, 5, 6].map((index) => message("m" + index));
    queue.store.add(sent[0]!);
    queue.store.add(sent[1]!);
    queue.flush();
    queue.store.remove(sent[0]!);
    for (const each of sent.slice(2)) queue.store.add(each);
    queue.flush();
    assert.equal(queue.counters.dropped, 3);
    assert.deepEqual(topics(createFlashQueue(storageOn(flash), new VirtualClock(), options).load()), ["m4", "m5", "m6"]);
  });

  it("round-trips binary payloads and strings of any characters, and never writes 0xFF", () => {
    const flash = new FlashStorage(196608);
    const queue = createFlashQueue(storageOn(flash), new VirtualClock(), OPTIONS);
    queue.load();
    const bytes = new Uint8Array(700).map((_, index) => (index * 7) & 255);
    const text = "\u0000\n\u00ff\u00e9\u2603\ud83d\ude00\"\\";
    queue.store.add(message("bin", bytes, true));
    queue.store.add(message("text", text));
    queue.flush();
    for (const name of flash.names()) assert.ok(!flash.read(name)!.replace(/\xff+$/, "").includes("\xff"), name);
    const restored = createFlashQueue(storageOn(flash), new VirtualClock(), OPTIONS).load();
    assert.ok(restored[0]!.payload instanceof Uint8Array);
    assert.deepEqual([...(restored[0]!.payload as Uint8Array)], [...bytes]);
    assert.equal(restored[0]!.retain, true);
    assert.equal(restored[1]!.payload, text);
  });

  it("skips and counts corrupt lines and a line cut by power loss, without losing the next batch", () => {
    const flash = new FlashStorage(196608);
    const storage = storageOn(flash);
    const queue = createFlashQueue(storage, new VirtualClock(), OPTIONS);
    queue.load();
    queue.store.add(message("a"));
    queue.flush();
    storage.open("mq.0", "a").write('["b","b",9]\n{not json\n["c","c",1]\n["cut","p');
    const second = createFlashQueue(storageOn(flash), new VirtualClock(), OPTIONS);
    assert.deepEqual(topics(second.load()), ["a", "c"]);
    assert.equal(second.counters.corrupt, 3);
    second.store.add(message("d"));
    second.flush();
    const third = createFlashQueue(storageOn(flash), new VirtualClock(), OPTIONS);
    assert.deepEqual(topics(third.load()), ["a", "c", "d"]);
    assert.equal(third.counters.corrupt, 3);
  });
});

const QUEUE = fileURLToPath(new URL("../../../firmware/node/flash-queue.ts", import.meta.url));

/** Device code: print what flash holds, then queue five more (one binary) and flush. */
const ENTRY = `
import { createFlashQueue, type QueueStorage } from "${QUEUE}";
const clock = { now: () => Date.now(), setTimeout: (callback: () => void, milliseconds: number): unknown => setTimeout(callback, milliseconds), clearTimeout: (handle: unknown) => clearTimeout(handle as number) };
const queue = createFlashQueue(require("Storage") as unknown as QueueStorage, clock, { prefix: "mq", segmentMessages: 4, maxSegments: 4, batchMessages: 8, batchMilliseconds: 2000 });
const loaded = queue.load();
for (let index = 0; index < loaded.length; index++) {
  const payload = loaded[index]!.payload;
  console.log(loaded[index]!.topic + " " + (typeof payload == "string" ? payload : "bytes " + payload.join(",")));
}
const boot = loaded.length;
for (let index = 0; index < 4; index++) queue.store.add({ topic: "t/" + (boot + index), payload: "p" + (boot + index), qos: 1, retain: false, dup: false, packetId: 0, state: 0, unsent: true });
queue.store.add({ topic: "t/bin", payload: new Uint8Array([0, 255, boot]), qos: 1, retain: true, dup: false, packetId: 0, state: 0, unsent: true });
queue.flush();
console.log(JSON.stringify(queue.counters));
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
    assert.deepEqual(first.output, ['{"written":5,"dropped":0,"batches":2,"corrupt":0}']);
    const second = environment("esp8266", { storage: flash });
    second.run(bundle.code, "entry.js");
    assert.deepEqual(second.errors, []);
    assert.deepEqual(second.output, ["t/0 p0", "t/1 p1", "t/2 p2", "t/3 p3", "t/bin bytes 0,255,0", '{"written":5,"dropped":0,"batches":2,"corrupt":0}']);
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

  it("publishes offline, reboots, restores from flash and delivers in order", async () => {
    broker = await preferredBroker().start({ persistence: false });
    opened.add(() => broker.stop());
    const endpoint = { host: LOOPBACK, port: broker.port };
    const flash = new FlashStorage(196608);
    const options = { prefix: "mq", segmentMessages: 8, maxSegments: 4, batchMessages: 5, batchMilliseconds: 100000 };
    const connect = { clientId: "flash-queue", cleanSession: true, keepalive: 30 };

    const before = createTestClient(opened, testOptions(endpoint, connect));
    const firstQueue = createFlashQueue(storageOn(flash), nodeClock, options);
    before.client.restore(firstQueue.load());
    before.client.store = firstQueue.store;
    for (let index = 0; index < 12; index++) assert.equal(before.client.publish("flash/" + index, "payload " + index, 1, false), 0);
    firstQueue.flush();
    assert.equal(firstQueue.counters.written, 12);

    const peer: PeerClient = await connectPeer(opened, endpoint, "flash-peer", true);
    const received: string[] = [];
    peer.on("message", (topic, payload) => received.push(topic + " " + payload.toString()));
    await peer.subscribeAsync("flash/#", { qos: 1 });

    const storage = storageOn(flash);
    const after = createTestClient(opened, testOptions(endpoint, connect));
    const secondQueue = createFlashQueue(storage, nodeClock, options);
    after.client.restore(secondQueue.load());
    after.client.store = secondQueue.store;
    after.client.start();
    const expected = [...Array(12).keys()].map((index) => `flash/${index} payload ${index}`);
    await waitFor(() => received.length >= 12 && after.client.queue.length == 0, 10000, () => `12 messages, got ${received.length}`);
    assert.deepEqual(received, expected);
    assert.deepEqual(storage.list(undefined, { sf: true }), []);
  });
});
