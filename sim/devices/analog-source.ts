/**
 * A voltage on one pin that follows a scripted waveform in virtual time (a
 * potentiometer, a thermistor divider, a battery): constant, ramp, sine or
 * steps. The voltage is computed when read, so it costs no timers; a changing
 * voltage produces no watch events (a comparator would be a separate model).
 */
import type { DeviceScheduler, LineDevice, SimPin } from "../hardware/index.ts";

/** A waveform, times in ms from when it was set, volts at the board pin. */
export type Waveform =
  | { kind: "constant"; volts: number }
  | { kind: "ramp"; from: number; to: number; durationMs: number; repeat?: boolean }
  | { kind: "sine"; offset: number; amplitude: number; periodMs: number }
  | { kind: "steps"; volts: readonly number[]; stepMs: number; repeat?: boolean };

/** Volts of `waveform` at `elapsed` ms. */
export function waveformAt(waveform: Waveform, elapsed: number): number {
  switch (waveform.kind) {
    case "constant":
      return waveform.volts;
    case "ramp": {
      const span = waveform.durationMs > 0 ? waveform.durationMs : 1;
      const phase = waveform.repeat ? (elapsed % span) / span : Math.min(1, elapsed / span);
      return waveform.from + (waveform.to - waveform.from) * phase;
    }
    case "sine":
      return waveform.offset + waveform.amplitude * Math.sin((2 * Math.PI * elapsed) / waveform.periodMs);
    case "steps": {
      const count = waveform.volts.length;
      if (count === 0) return 0;
      const index = Math.floor(elapsed / waveform.stepMs);
      return waveform.volts[waveform.repeat ? index % count : Math.min(count - 1, index)]!;
    }
  }
}

/** An emulated analog voltage source. */
export class AnalogSource implements LineDevice {
  private waveform: Waveform;
  private startedAt = 0;
  private pin: SimPin | null = null;
  private scheduler: DeviceScheduler | null = null;

  constructor(waveform: Waveform) {
    this.waveform = waveform;
  }

  /** Volts now. */
  get volts(): number {
    const now = this.scheduler === null ? 0 : this.scheduler.now();
    return waveformAt(this.waveform, now - this.startedAt);
  }

  /** Switches to another waveform, starting now. */
  set(waveform: Waveform): void {
    this.waveform = waveform;
    this.startedAt = this.scheduler === null ? 0 : this.scheduler.now();
    this.pin?.refresh();
  }

  connect(pin: SimPin, scheduler: DeviceScheduler): void {
    this.pin = pin;
    this.scheduler = scheduler;
    this.startedAt = scheduler.now();
    pin.setAnalogSource(() => this.volts);
  }

  disconnect(): void {
    this.pin?.setAnalogSource(null);
    this.pin = null;
  }
}
