/**
 * The node application's numbers and names (app.ts). Imports nothing, so
 * esbuild inlines them instead of keeping one variable each on a heap that
 * is nearly full on the ESP8266.
 */

/** Storage file holding the boot count (decimal text), read and rewritten at every start (app.ts spells the name out: esbuild keeps a string constant this long as a global). */
export const BOOT_FILE = "mote.boot";
/** MQTT keepalive, seconds. */
export const KEEPALIVE = 60;
/** WiFi join retries: first delay and longest delay, ms (doubling in between). */
export const WIFI_RETRY_MIN = 2000;
export const WIFI_RETRY_MAX = 60000;
/** How long one `Wifi.connect` may take to bring `connected`, ms (Espruino: callers "must use their own timeout"). */
export const WIFI_JOIN_TIMEOUT = 30000;
/** What the node's WiFi does next (app.ts `setWifi`): wait for the next join; join now (a `connect`, with its timeout); joined. */
export const WIFI_WAITING = 0;
export const WIFI_JOINING = 1;
export const WIFI_JOINED = 2;
/** Discovery: next message once the client's queue holds fewer than this many; else look again after DISCOVERY_WAIT ms. */
export const DISCOVERY_QUEUE = 2;
export const DISCOVERY_WAIT = 250;
/**
 * Error reports waiting in the node's outbox for its timer (app.ts `post`):
 * more in one burst are dropped and counted. Each costs the ESP8266 about 10
 * heap variables until it is handed to the client.
 */
export const ERROR_BACKLOG = 4;
/**
 * How often the watchdog looks, ms: how long a node that ran out of memory
 * (and may answer nothing since) waits for its reboot at most. A look is a
 * timer and a few comparisons; it was 60 s. Under a minute, the shortest
 * `watchdog.offlineMinutes`, so each look is due before the offline limit.
 */
export const WATCHDOG_CHECK = 10000;
/** Deep sleep: how often the node looks whether it may sleep, ms; how long DISCONNECT gets to leave before the power goes, ms; the shortest sleep, ms. */
export const SLEEP_CHECK = 50;
export const SLEEP_DELAY = 100;
export const SLEEP_MIN = 1000;
/**
 * The flash queue of QoS 1 reports (flash-queue.ts): reports per segment file
 * and segment files at most, so QUEUE_SEGMENT x QUEUE_SEGMENTS reports (128:
 * two hours and eight minutes of one-minute reports) survive an outage or a
 * power loss; older ones go first, counted. A segment of 8 lines (a
 * report's JSON and 2 bytes: about 230 bytes on the example node, some 100
 * more with a few sensors) takes two or three 992-byte Storage chunks, so
 * the whole queue 32-48 KB of the 192 KB (4 MB ESP8266) or 896 KB (ESP32)
 * Storage area; each segment costs three numbers of RAM while it exists.
 */
export const QUEUE_SEGMENT = 8;
export const QUEUE_SEGMENTS = 16;
/**
 * The flash queue hands the client a report only while the client's queue
 * holds fewer than this many messages: one, so a report waits in RAM only
 * when nothing else does. Each report held costs some 45 heap variables on
 * the ESP8266, and its packet as many again while it is being sent: on
 * Espruino 2v29 built with the ESP8266's layout the example node, holding
 * three (QUEUE_FEED was 3), ran out of memory at a reconnection sending them;
 * with one it sent a backlog of five in order at a peak of about 1,365 of
 * 1,600 variables (a 23-minute soak still ran out once at a reconnection:
 * the ESP8266's heap is not yet enough). A backlog goes out one report per
 * acknowledgement, and `online`, the actuator states and the rest of what
 * the node publishes at a connection always find room (found on the real
 * interpreter: after a long outage a backlog once took all 32 places and
 * `online` was refused).
 */
export const QUEUE_FEED = 1;
/**
 * Online, the flash queue writes a report that is still unacknowledged this
 * many ms after it was made (with any others then, up to 4 in one write),
 * and everything unwritten at once when the connection drops; offline, at
 * once. A PUBACK on a working link comes far sooner, so an online node
 * writes almost nothing; a power loss while the broker is slow loses at most
 * the reports of the last second (5 s before: found by a soak on the real
 * interpreter, with the broker frozen).
 */
export const QUEUE_BATCH_WAIT = 1000;

/** Commands (commands.ts): the longest payload that is parsed, in bytes (longer ones are refused unread); bytes of the payload (at most) quoted back as `input` in an error message. */
export const MAX_COMMAND_LENGTH = 256;
export const ERROR_INPUT_LENGTH = 64;
/** Error codes of commands.ts `parseCommand`, whose values are >= 0; `handleCommand` names them in its error message. */
export const ERR_EMPTY = -1;
export const ERR_TOO_LONG = -2;
export const ERR_NOT_JSON = -3;
export const ERR_NOT_ON_OFF = -4;
export const ERR_NOT_PERCENT = -5;
export const ERR_UNKNOWN_ACTUATOR = -6;
export const ERR_NOT_COMMANDABLE = -7;
/** The payload is not UTF-8. */
export const ERR_NOT_UTF8 = -8;
