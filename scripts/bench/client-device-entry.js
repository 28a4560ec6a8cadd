/**
 * Size-measurement entry: the MQTT client, the codec it pulls in and the
 * Espruino transport, kept alive through one global array as a device bundle
 * would use them. Never flashed. JavaScript rather than TypeScript because
 * tsconfig.json (Node types) must not follow it into espruino-transport.ts,
 * which type-checks only under tsconfig.device.json.
 */
import { createClient } from "../../firmware/mqtt/client.ts";
import { createEspruinoTransport, espruinoClock } from "../../firmware/mqtt/espruino-transport.ts";

globalThis.mqttClient = [createClient, createEspruinoTransport, espruinoClock];
