/**
 * Child process of alloc.test.ts, bundled by esbuild and run by plain node
 * with a 1 MB semi-space: counts garbage collections (perf_hooks 'gc'
 * entries) during 1,000,000 encode+decode cycles of a telemetry PUBLISH and
 * of a PUBACK, after a warm-up and a forced collection. With `allocating`, each
 * cycle also keeps a small new array, to prove the harness sees garbage.
 * Prints one JSON line: { cycles, publish, ack, checksum }.
 */
import { PerformanceObserver } from "node:perf_hooks";
import * as C from "../../../firmware/mqtt/constants.ts";
import { decodeFromBroker } from "../../../firmware/mqtt/decode.ts";
import { encodeAck, encodePublish } from "../../../firmware/mqtt/encode.ts";
import { createPacketRecord } from "../../../firmware/mqtt/packets.ts";
import type { PublishOptions } from "../../../firmware/mqtt/packets.ts";

const allocating = process.argv[2] === "allocating";
const cycles = Number(process.argv[3] ?? 1_000_000);
const collect = (globalThis as { gc?: () => void }).gc;

const buffer = new Uint8Array(256);
const record = createPacketRecord();
const payload = new Uint8Array(64).map((_, index) => index * 7);
const options: PublishOptions = { topic: "mote/greenhouse-2/sensor/temp1", payload, qos: 1, retain: false, dup: false, packetId: 1 };
let kept: number[] = [];
let gcEvents = 0;

const observer = new PerformanceObserver((list) => {
  gcEvents += list.getEntries().length;
});

function publishLoop(count: number): number {
  let checksum = 0;
  for (let cycle = 0; cycle < count; cycle++) {
    options.packetId = (cycle & 0xfffe) + 1;
    const end = encodePublish(buffer, 0, options);
    checksum = (checksum + decodeFromBroker(buffer, 0, end, record) + record.packetId) & 0xffff;
    if (allocating) kept = [cycle, end];
  }
  return checksum;
}

function ackLoop(count: number): number {
  let checksum = 0;
  for (let cycle = 0; cycle < count; cycle++) {
    const end = encodeAck(buffer, 0, C.PUBACK, (cycle & 0xfffe) + 1);
    checksum = (checksum + decodeFromBroker(buffer, 0, end, record) + record.packetId) & 0xffff;
    if (allocating) kept = [cycle, end];
  }
  return checksum;
}

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 50));
}

async function measure(loop: (count: number) => number): Promise<{ events: number; checksum: number }> {
  loop(cycles / 10);
  if (collect !== undefined) collect();
  await settle();
  const before = gcEvents;
  const checksum = loop(cycles);
  await settle();
  return { events: gcEvents - before, checksum };
}

async function main(): Promise<void> {
  const check = encodePublish(buffer, 0, options);
  if (check <= 0 || decodeFromBroker(buffer, 0, check, record) !== check || record.topicEnd - record.topicStart !== 30) {
    throw new Error(`telemetry PUBLISH does not encode and decode (${check})`);
  }
  observer.observe({ entryTypes: ["gc"] });
  const publish = await measure(publishLoop);
  const ack = await measure(ackLoop);
  observer.disconnect();
  process.stdout.write(JSON.stringify({ cycles, publish: publish.events, ack: ack.events, checksum: publish.checksum + ack.checksum + kept.length }) + "\n");
}

void main();
