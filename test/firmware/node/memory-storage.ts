/** An in-memory NodeStorage for the node application's tests (Storage files and StorageFiles alike). */
import type { QueueFile } from "../../../firmware/node/flash-queue.ts";
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
