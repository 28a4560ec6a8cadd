import assert from "node:assert/strict";
import { saveWifiConfig } from "../../../sim/espruino/modules/wifi.ts";
import { NetworkModel } from "../../../sim/espruino/network.ts";
import { cleanUp, environment, plain } from "./helpers.ts";

const LISTEN = `var events = []; var wifi = require("Wifi");
  ["associated", "connected", "disconnected"].forEach(function (name) {
    wifi.on(name, function (details) { events.push(name + " " + (details.ip || details.msg || details.ssid) + " @" + getTime()); });
  });`;

describe("Wifi", () => {
  afterEach(cleanUp);

  it("joins after the network's delay: associated, callback(null), connected with the address", () => {
    const network = new NetworkModel({ ssid: "home", password: "secret", ip: "10.0.0.7", joinDelayMs: 800 });
    const env = environment("esp32", { network });
    env.run(LISTEN + 'wifi.connect("home", {password: "secret"}, function (error) { events.push("callback " + error); });');
    env.clock.advance(799);
    assert.deepEqual(plain(env.run("events")), []);
    env.clock.advance(1);
    assert.deepEqual(plain(env.run("events")), ["associated home @0.8", "callback null", "connected 10.0.0.7 @0.8"]);
    assert.equal(env.run("wifi.getIP().ip"), "10.0.0.7");
    assert.equal(env.run("wifi.getDetails().status"), "connected");
  });

  it("fails with AUTH_FAIL on a wrong password and NO_AP_FOUND on a wrong SSID", () => {
    const network = new NetworkModel({ ssid: "home", password: "secret" });
    const env = environment("esp8266", { network });
    env.run(LISTEN + 'wifi.connect("home", {password: "nope"}, function (error) { events.push("callback " + error); });');
    env.clock.advance(2000);
    env.run('wifi.connect("elsewhere", {}, function (error) { events.push("callback " + error); });');
    env.clock.advance(2000);
    assert.deepEqual(plain(env.run("events")), ["disconnected AUTH_FAIL @1.5", "callback AUTH_FAIL", "disconnected NO_AP_FOUND @3.5", "callback NO_AP_FOUND"]);
    assert.equal(env.run("wifi.getIP().ip"), "0.0.0.0");
  });

  it("reports the drop and rejoins by itself when the network is back", () => {
    const env = environment("esp32");
    env.run(LISTEN + 'wifi.connect("mote-net", {});');
    env.clock.advance(2000);
    env.network.drop();
    env.clock.advance(10_000);
    env.network.restore();
    env.clock.advance(2000);
    assert.deepEqual(plain(env.run("events")), ["associated mote-net @1.5", "connected 192.168.1.50 @1.5", "disconnected BEACON_TIMEOUT @2", "associated mote-net @13.5", "connected 192.168.1.50 @13.5"]);
  });

  it("stops rejoining after disconnect()", () => {
    const env = environment("esp32");
    env.run(LISTEN + 'wifi.connect("mote-net", {}); setTimeout(function () { wifi.disconnect(function () { events.push("left"); }); }, 2000);');
    env.clock.advance(3000);
    env.network.drop();
    env.network.restore();
    env.clock.advance(5000);
    assert.deepEqual(plain(env.run("events")), ["associated mote-net @1.5", "connected 192.168.1.50 @1.5", "disconnected ASSOC_LEAVE @2", "left"]);
  });

  it("joins at power-on with a configuration saved by Wifi.save()", () => {
    const env = environment("esp32");
    env.run('require("Wifi").connect("mote-net", {password: "x"}); require("Wifi").save();');
    env.reboot();
    env.run(LISTEN);
    env.clock.advance(2000);
    assert.deepEqual(plain(env.run("events")), ["associated mote-net @1.5", "connected 192.168.1.50 @1.5"]);
  });

  it("joins at power-on on a board provisioned with saveWifiConfig", () => {
    const env = environment("esp8266");
    saveWifiConfig(env.storage, "mote-net");
    env.boot(LISTEN);
    env.clock.advance(2000);
    assert.deepEqual(plain(env.run("events")), ["associated mote-net @1.5", "connected 192.168.1.50 @1.5"]);
  });

  it("does not exist on the Linux board, whose network is always up", () => {
    const env = environment("linux");
    assert.throws(() => env.run('require("Wifi")'), /Module "Wifi" not found/);
  });
});
