/** The node's topic layout: each builder's exact string, the command filter and its parser. */
import assert from "node:assert/strict";
import { checkTopicFilter, checkTopicName } from "../../../firmware/mqtt/encode.ts";
import { matchTopic } from "../../../firmware/mqtt/topic-match.ts";
import {
  commandActuator, commandFilter, commandTopic, errorTopic, nodeTopic, stateTopic, statusTopic, telemetryTopic,
} from "../../../firmware/node/topics.ts";

describe("topics", () => {
  it("builds the layout under the default prefix", () => {
    assert.equal(nodeTopic("mote", "example"), "mote/example");
    assert.equal(statusTopic("mote", "example"), "mote/example/status");
    assert.equal(telemetryTopic("mote", "example"), "mote/example/telemetry");
    assert.equal(errorTopic("mote", "example"), "mote/example/error");
    assert.equal(commandTopic("mote", "example", "relay"), "mote/example/relay/set");
    assert.equal(stateTopic("mote", "example", "relay"), "mote/example/relay/state");
    assert.equal(commandFilter("mote", "example"), "mote/example/+/set");
  });

  it("takes a prefix of several levels", () => {
    assert.equal(statusTopic("home/garden", "n1"), "home/garden/n1/status");
    assert.equal(commandTopic("home/garden", "n1", "pump"), "home/garden/n1/pump/set");
  });

  it("gives topic names and a filter the codec accepts (no wildcard in a name, section 4.7)", () => {
    for (const topic of [statusTopic("mote", "a"), telemetryTopic("mote", "a"), errorTopic("mote", "a"), commandTopic("mote", "a", "b"), stateTopic("mote", "a", "b")]) {
      assert.ok(checkTopicName(topic) >= 0, topic);
    }
    assert.ok(checkTopicFilter(commandFilter("mote", "a")) >= 0);
  });

  it("subscribes with a filter that matches every command topic and nothing else of the node", () => {
    const filter = commandFilter("mote", "example");
    assert.ok(matchTopic(filter, commandTopic("mote", "example", "relay")));
    assert.ok(matchTopic(filter, commandTopic("mote", "example", "fan-2")));
    for (const other of [stateTopic("mote", "example", "relay"), statusTopic("mote", "example"), telemetryTopic("mote", "example"), commandTopic("mote", "other", "relay")]) {
      assert.ok(!matchTopic(filter, other), other);
    }
  });

  it("reads the actuator name back from a command topic", () => {
    const base = nodeTopic("mote", "example");
    assert.equal(commandActuator(base, commandTopic("mote", "example", "relay")), "relay");
    assert.equal(commandActuator(base, commandTopic("mote", "example", "a")), "a");
    for (const topic of [
      "mote/example/relay/state", "mote/example/set", "mote/example//set", "mote/example2/relay/set",
      "mote/exampl/relay/set", "mote/example/a/b/set", "other/example/relay/set", "mote/example/relay/set/x", "",
    ]) {
      assert.equal(commandActuator(base, topic), "", topic);
    }
  });
});
