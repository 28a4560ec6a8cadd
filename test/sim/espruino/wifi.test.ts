import assert from "node:assert/strict";
import { saveWifiConfig } from "../../../sim/espruino/modules/wifi.ts";
import { NetworkModel } from "../../../sim/espruino/network.ts";
import { cleanUp, environment, plain } from "./helpers.ts";

const LISTEN = `var events = []; var wifi = require("Wifi");
  ["associated", "connected", "disconnected"].forEach(function (name) {
    wifi.on(name, function (details) { events.push(name + " " + (details.ip || details.msg || details.reason || details.ssid) + " @" + getTime()); });
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

  it("ESP32 (2v29): a failed join emits disconnected with the code and msg, never calls the callback, and does not try again", () => {
    const network = new NetworkModel({ ssid: "home", password: "secret" });
    const env = environment("esp32", { network });
    env.run(LISTEN + 'var detail; wifi.on("disconnected", function (d) { detail = d; }); wifi.connect("home", {password: "nope"}, function (error) { events.push("callback " + error); });');
    env.clock.advance(2000);
    assert.deepEqual(plain(env.run("detail")), { ssid: "home", mac: "24:0a:c4:00:00:01", reason: "202", msg: "AUTH_FAIL" });
    env.run('wifi.connect("elsewhere", {}, function (error) { events.push("callback " + error); });');
    env.clock.advance(60_000);
    assert.deepEqual(plain(env.run("events")), ["disconnected AUTH_FAIL @1.5", "disconnected NO_AP_FOUND @3.5"]);
    assert.equal(env.run("wifi.getIP().ip"), "0.0.0.0");
    assert.equal(env.run("wifi.getDetails().status"), "NO_AP_FOUND");
  });

  it("ESP32 (2v29): reports a drop and stays off the network when it is back, until connect() is called again", () => {
    const env = environment("esp32");
    env.run(LISTEN + 'wifi.connect("mote-net", {}, function (error) { events.push("callback " + error); });');
    env.clock.advance(2000);
    env.network.drop();
    env.clock.advance(10_000);
    env.network.restore();
    env.clock.advance(60_000);
    assert.deepEqual(plain(env.run("events")), ["associated mote-net @1.5", "callback null", "connected 192.168.1.50 @1.5", "disconnected BEACON_TIMEOUT @2"]);
    assert.equal(env.run("wifi.getIP().ip"), "0.0.0.0");
    env.run('wifi.connect("mote-net", {});');
    env.clock.advance(2000);
    assert.deepEqual((plain(env.run("events")) as string[]).slice(4), ["associated mote-net @73.5", "connected 192.168.1.50 @73.5"]);
  });

  it("ESP8266: a failed join calls the callback once, emits disconnected (a reason name) on every SDK retry, and joins by itself once it can", () => {
    const network = new NetworkModel({ ssid: "home", password: "secret", ip: "10.0.0.8" });
    const env = environment("esp8266", { network });
    env.run(LISTEN + 'var detail; wifi.on("disconnected", function (d) { detail = d; }); wifi.on("connected", function (d) { detail = d; }); wifi.connect("home", {password: "nope"}, function (error) { events.push("callback " + error); });');
    env.clock.advance(5000);
    assert.deepEqual(plain(env.run("detail")), { ssid: "home", mac: "24:0a:c4:00:00:01", reason: "auth_fail" });
    assert.deepEqual(plain(env.run("events")), ["disconnected auth_fail @1.5", "callback bad_password", "disconnected auth_fail @3", "disconnected auth_fail @4.5"]);
    network.password = "nope";
    env.clock.advance(2000);
    assert.deepEqual((plain(env.run("events")) as string[]).slice(4), ["associated home @6", "connected 10.0.0.8 @6"], "no second callback");
    assert.deepEqual(plain(env.run("detail")), { ip: "10.0.0.8", mask: "255.255.255.0", gw: "192.168.1.1" });
    env.run('wifi.connect("elsewhere", {}, function (error) { events.push("callback " + error); });');
    env.clock.advance(3100);
    assert.deepEqual((plain(env.run("events")) as string[]).slice(6), ["disconnected no_ap_found @8.5", "callback no_ap_found", "disconnected no_ap_found @10"]);
  });

  it("ESP8266: reports a drop, retries while the network is down and rejoins by itself, without calling the callback", () => {
    const env = environment("esp8266");
    env.run(LISTEN + 'var calls = 0; wifi.connect("mote-net", {}, function (error) { calls++; });');
    env.clock.advance(2000);
    env.network.drop();
    env.clock.advance(4000);
    env.network.restore();
    env.clock.advance(2000);
    assert.deepEqual(plain(env.run("events")), [
      "associated mote-net @1.5", "connected 192.168.1.50 @1.5",
      "disconnected beacon_timeout @2", "disconnected no_ap_found @3.5", "disconnected no_ap_found @5",
      "associated mote-net @6.5", "connected 192.168.1.50 @6.5",
    ]);
    assert.equal(env.run("calls"), 1);
  });

  it("ESP8266: connect() while the SDK retries starts over with the new callback; disconnect() stops the retries", () => {
    const env = environment("esp8266", { network: new NetworkModel({ up: false }) });
    env.run(LISTEN + 'wifi.connect("mote-net", {}, function (error) { events.push("first " + error); }); setTimeout(function () { wifi.connect("mote-net", {}, function (error) { events.push("second " + error); }); }, 2000);');
    env.clock.advance(4000);
    env.run("wifi.disconnect();");
    env.clock.advance(10_000);
    assert.deepEqual(plain(env.run("events")), ["disconnected no_ap_found @1.5", "first no_ap_found", "disconnected no_ap_found @3.5", "second no_ap_found"]);
  });

  it("leaves on disconnect(), and stays off when the network blinks", () => {
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
