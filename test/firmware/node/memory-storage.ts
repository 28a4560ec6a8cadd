/**
 * An in-memory Storage for the node application's unit tests: whole files
 * and appendable StorageFiles as strings in one map, with a snapshot to see
 * what flash held at a given moment (a reboot).
 */
import { decodeEntry, type QueueFile } from "../../../firmware/node/flash-queue.ts";
import type { NodeStorage } from "../../../firmware/node/platform.ts";

/** Storage files as strings in a map. */
export function memoryStorage(): NodeStorage {
  const files: Record<string, string> = {};
  return {
    read: (name: string) => files[name],
    write(name: string, data: string) {
      files[name] = data;
      return true;
    },
    open(name: string, mode: "r" | "a"): QueueFile {
      let position = 0;
      return {
        write(data: string) {
          files[name] = (files[name] ?? "") + data;
        },
        readLine() {
          const text = files[name] ?? "";
          if (mode != "r" || position >= text.length) return undefined;
          const end = text.indexOf("\n", position);
          const line = text.slice(position, end < 0 ? text.length : end + 1);
          position += line.length;
          return line;
        },
        erase() {
          delete files[name];
        },
      };
    },
    list: () => Object.keys(files),
  };
}

/** The payloads of the reports the flash queue's segments (`<prefix>.*`) hold, segment by segment. */
export function queuedInFlash(storage: NodeStorage, prefix = "mq"): string[] {
  const found: string[] = [];
  const names = storage.list(undefined, { sf: true }).filter((name) => name.startsWith(prefix + "."));
  names.sort((a, b) => parseInt(a.slice(prefix.length + 1), 36) - parseInt(b.slice(prefix.length + 1), 36));
  for (const name of names) {
    for (const line of (storage.read(name) ?? "").split("\n")) {
      const message = line ? decodeEntry(line, "") : null;
      if (message) found.push(message.payload as string);
    }
  }
  return found;
}
