/** Every board Mote builds for, by id. Only entry points pick one. */
import type { Board } from "./board.ts";
import { esp32 } from "./esp32.ts";
import { esp8266 } from "./esp8266.ts";
import { linux } from "./linux.ts";

export const BOARDS: Record<string, Board> = { esp32, esp8266, linux };

export const BOARD_IDS = Object.keys(BOARDS);
