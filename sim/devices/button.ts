/**
 * A push button or reed switch on one pin, with contact bounce: pressing
 * connects the pin to ground (or to the supply), and each press and release
 * chatters `bounces` times over `bounceMs` before it settles, like a real
 * contact. Presses can be scripted ahead in virtual time.
 */
import type { DeviceScheduler, LineDevice, Pull, SimPin } from "../hardware/index.ts";

/** How a button is wired and how it bounces. */
export interface ButtonOptions {
  /** Level on the pin while pressed: false (to ground, default) or true (to the supply). */
  pressedLevel?: boolean;
  /** How long the contact chatters after each change, in ms (default 5). */
  bounceMs?: number;
  /** Extra open/close pairs while it chatters (default 3; 0 for a clean contact). */
  bounces?: number;
  /** A pull resistor on the board (default none: the driver's internal pull is expected). */
  pull?: Pull;
}

/** One scripted change: at `at` ms from when it was scripted, press (true) or release (false). */
export interface ButtonStep {
  at: number;
  pressed: boolean;
}

/** An emulated push button. */
export class ButtonModel implements LineDevice {
  private readonly pressedLevel: boolean;
  private readonly bounceMs: number;
  private readonly bounces: number;
  private readonly pull: Pull;
  private pin: SimPin | null = null;
  private scheduler: DeviceScheduler | null = null;
  private contactClosed = false;
  private settled = false;

  constructor(options: ButtonOptions = {}) {
    this.pressedLevel = options.pressedLevel ?? false;
    this.bounceMs = options.bounceMs ?? 5;
    this.bounces = options.bounces ?? 3;
    this.pull = options.pull ?? null;
  }

  /** Whether the button is (finally) pressed, bounce aside. */
  get pressed(): boolean {
    return this.settled;
  }

  connect(pin: SimPin, scheduler: DeviceScheduler): void {
    this.pin = pin;
    this.scheduler = scheduler;
    if (this.pull !== null) pin.setExternalPull(this.pull);
    this.close(this.contactClosed);
  }

  disconnect(): void {
    if (this.pin !== null) this.pin.drive(this, null);
    this.pin = null;
  }

  /** Presses now (with bounce). */
  press(): void {
    this.change(true, 0);
  }

  /** Releases now (with bounce). */
  release(): void {
    this.change(false, 0);
  }

  /** Presses now and releases after `milliseconds`. */
  click(milliseconds: number): void {
    this.script([{ at: 0, pressed: true }, { at: milliseconds, pressed: false }]);
  }

  /** Schedules presses and releases, `at` counted from now. */
  script(steps: readonly ButtonStep[]): void {
    for (const step of steps) this.change(step.pressed, step.at);
  }

  private change(pressed: boolean, delay: number): void {
    const scheduler = this.scheduler;
    if (scheduler === null) throw new Error("ButtonModel: attach it to a pin first (hardware.attachLine)");
    const start = scheduler.now() + delay;
    const step = this.bounces > 0 ? this.bounceMs / (2 * this.bounces) : 0;
    scheduler.schedule(start, () => {
      this.settled = pressed;
      this.close(pressed);
    });
    for (let bounce = 0; bounce < this.bounces; bounce++) {
      scheduler.schedule(start + step * (2 * bounce + 1), () => this.close(!pressed));
      scheduler.schedule(start + step * (2 * bounce + 2), () => this.close(pressed));
    }
  }

  private close(closed: boolean): void {
    this.contactClosed = closed;
    if (this.pin !== null) this.pin.drive(this, closed ? this.pressedLevel : null);
  }
}
