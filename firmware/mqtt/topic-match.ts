/**
 * Topic filter matching [4.7]: `+` matches one whole level (an empty one
 * too), `#` the rest including the parent level (`a/#` matches `a`) [MQTT-4.7.1-2];
 * a filter starting with a wildcard does not match topics starting with `$`
 * [MQTT-4.7.2-1]. Walks both strings once, allocating nothing.
 */
export function matchTopic(filter: string, topic: string): boolean {
  let filterIndex = 0;
  let topicIndex = 0;
  if (topic[0] == "$" && /^[+#]/.test(filter)) return false;
  for (; filterIndex < filter.length; filterIndex++) {
    const character = filter[filterIndex];
    if (character == "#") return true;
    /* Past the end, topic[topicIndex] is undefined: equal to no character. */
    if (character == "+") {
      while (topic[topicIndex] && topic[topicIndex] != "/") topicIndex++;
    } else if (topic[topicIndex] == character) topicIndex++;
    else return topicIndex == topic.length && filter.substr(filterIndex) == "/#";
  }
  return topicIndex == topic.length;
}
