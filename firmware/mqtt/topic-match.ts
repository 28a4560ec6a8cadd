/**
 * Topic filter matching [4.7]: `+` matches one whole level (an empty one
 * too), `#` the rest including the parent level (`a/#` matches `a`) [MQTT-4.7.1-2];
 * a filter starting with a wildcard does not match topics starting with `$`
 * [MQTT-4.7.2-1]. Walks both strings once, allocating nothing.
 */
export function matchTopic(filter: string, topic: string): boolean {
  const filterLength = filter.length;
  const topicLength = topic.length;
  let filterIndex = 0;
  let topicIndex = 0;
  if (topic.charAt(0) == "$" && (filter.charAt(0) == "+" || filter.charAt(0) == "#")) return false;
  while (filterIndex < filterLength) {
    const character = filter.charAt(filterIndex);
    if (character == "#") return true;
    if (character == "+") {
      while (topicIndex < topicLength && topic.charAt(topicIndex) != "/") topicIndex++;
      filterIndex++;
    } else if (topicIndex < topicLength && topic.charAt(topicIndex) == character) {
      filterIndex++;
      topicIndex++;
    } else {
      return topicIndex == topicLength && filterIndex == filterLength - 2 && filter.substr(filterIndex) == "/#";
    }
  }
  return topicIndex == topicLength;
}
